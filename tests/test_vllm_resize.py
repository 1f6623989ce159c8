"""No second resize: the server's image tokens for the screenshot we send match the image's own
grid when its max_pixels (--mm-processor-kwargs) and ours (--max-pixels) agree, and the openai
backend says which flag to align, once, when they do not."""

from __future__ import annotations

import base64
import io
import re

import httpx
import pytest
from PIL import Image

from agent.models import build_policy
from agent.models.families import get_family
from agent.models.resize import model_size
from tests.helpers.vllm import VLLM_MAX_PIXELS, run_served, trajectory

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

FAMILY = get_family("qwen2.5-vl")


def chat_prompt_tokens(server, image: Image.Image) -> int:
    """usage.prompt_tokens of a one-token chat request holding only `image` (as a PNG)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    answer = httpx.post(server.base_url + "/chat/completions", timeout=120, json={
        "model": server.model, "max_tokens": 1,
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}]}]})
    answer.raise_for_status()
    return answer.json()["usage"]["prompt_tokens"]


@pytest.mark.parametrize("max_pixels", [VLLM_MAX_PIXELS, None], ids=["agreeing", "default"])
def test_the_check_measures_what_the_chat_endpoint_counts(vllm_qwen25, max_pixels):
    """The backend's count (vLLM's /tokenize) is the chat endpoint's own accounting: two chat
    requests that differ only in the image differ by the image tokens the check reports."""
    policy = build_policy(vllm_qwen25.model, backend="openai", family="qwen2.5-vl", base_url=vllm_qwen25.base_url,
                          max_pixels=max_pixels, max_new_tokens=1)
    screen = Image.new("RGB", (1280, 800), (40, 90, 160))
    info = _decide(policy, screen)
    size = model_size(1280, 800, FAMILY, max_pixels=max_pixels)
    assert info["image_tokens"] == (size[0] // 28) * (size[1] // 28)
    small = Image.new("RGB", (56, 56), (128, 128, 128))  # 4 tokens, inside every Qwen2.5-VL server's range
    sent = policy.prepare(screen)[0]
    assert info["server_image_tokens"] == chat_prompt_tokens(vllm_qwen25, sent) - chat_prompt_tokens(vllm_qwen25, small) + 4
    assert (info["server_image_tokens"] == info["image_tokens"]) == (max_pixels == VLLM_MAX_PIXELS)


def _decide(policy, screen) -> dict:
    """The first decision's info (a random model's reply is a format error that carries it)."""
    from agent.policy import FormatError

    try:
        return policy.decide("Look.", screen, []).info
    except FormatError as exc:
        return exc.info


def test_a_server_that_resizes_again_is_named_with_the_flag_to_align(vllm_qwen25, tmp_path):
    done = run_served(vllm_qwen25, tmp_path / "default", "--max-new-tokens", "1", steps=2)
    assert done.returncode == 1, done.stdout + done.stderr
    first = trajectory(tmp_path / "default")[0]["info"]
    ours = model_size(1280, 800, FAMILY)  # the family's default max_pixels: 1288x812
    assert first["image_tokens"] == (ours[0] // 28) * (ours[1] // 28) > first["server_image_tokens"]
    warned = [line for line in done.stderr.splitlines() if "resizes our" in line]
    assert warned == [f"warning: {first['resize_warning']}"]  # once, on one line
    kept = first["server_image_tokens"] * 28 * 28
    assert first["resize_warning"] == (
        f"the model server resizes our {ours[0]}x{ours[1]} screenshots again ({first['server_image_tokens']} "
        f"image tokens, not {first['image_tokens']}), so the model's coordinates may miss: align the two with "
        f"--max-pixels {kept} here, or start the server with --mm-processor-kwargs "
        f"'{{\"max_pixels\": {ours[0] * ours[1]}}}'")

    # Doing what it says silences it: the server keeps what we send.
    suggested = re.search(r"--max-pixels (\d+)", first["resize_warning"]).group(1)
    again = run_served(vllm_qwen25, tmp_path / "aligned", "--max-new-tokens", "1", "--max-pixels", suggested, steps=1)
    assert again.returncode == 1, again.stdout + again.stderr
    aligned = trajectory(tmp_path / "aligned")[0]["info"]
    assert aligned["server_image_tokens"] == aligned["image_tokens"] and "resize_warning" not in aligned
    assert "resizes our" not in again.stderr


def test_the_check_can_be_turned_off(vllm_qwen25, tmp_path):
    done = run_served(vllm_qwen25, tmp_path, "--max-new-tokens", "1", "--model-option", "check_resize=false", steps=1)
    assert done.returncode == 1, done.stdout + done.stderr
    info = trajectory(tmp_path)[0]["info"]
    assert "server_image_tokens" not in info and "resizes our" not in done.stderr
