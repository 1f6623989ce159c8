"""Work on the next screenshot overlaps the screen's settling: settle tells which frame it will
return as soon as the screen is quiet, the policy prepares (resizes, encodes) that frame in the
background, and the model gets exactly the image of the recorded observation."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from agent.models import build_policy
from agent.models.resize import fit
from agent.runner import run_task
from drivers.settle import SettleConfig, settle
from tasks.load import load_yaml_task
from tests.doubles.openai_server import ChatServer, decode_images

pytestmark = pytest.mark.slow
WAIT = '<tool_call>{"name": "computer_use", "arguments": {"action": "wait", "time": 0.1}}</tool_call>'
CLICK = '<tool_call>{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [%d, %d]}}</tool_call>'


def test_settle_tells_the_frame_it_returns_once_the_screen_is_quiet(desktop):
    told = []
    result = settle(desktop.screenshot, desktop.screenshot(), SettleConfig(quiet_s=0.2, timeout_s=3),
                    on_quiet=told.append)
    assert told == [result.frame] and told[0] is result.frame and not result.timed_out


def test_the_model_gets_the_prefetched_image_of_the_recorded_observation(desktop, tk_app, tmp_path):
    turns = []

    def reply(body, images):  # alternate clicks on the Tk app's two areas, so the screen changes
        turn = len(turns)
        turns.append(turn)
        w, h = images[-1].size
        x, y = ((200, 140), (500, 325))[turn % 2]
        return CLICK % (round(x * w / 1280), round(y * h / 800)) if turn < 4 else WAIT

    task_path = tmp_path / "t.yaml"
    task_path.write_text(json.dumps({"id": "prefetch", "domain": "d", "instruction": "Click around.",
                                     "limits": {"max_steps": 5}}))
    with ChatServer(reply) as server:
        policy = build_policy("m", backend="openai", family="qwen2.5-vl", base_url=server.url,
                              max_pixels=400 * 28 * 28, check_resize=False)
        result = run_task(load_yaml_task(task_path), desktop, policy, tmp_path / "out",
                          settle_cfg=SettleConfig(quiet_s=0.3, timeout_s=3))
    folder = tmp_path / "out/d/prefetch"
    steps = [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]
    assert result.steps == 5 and [s["info"]["prefetched"] for s in steps] == [False] + [True] * 4
    for index, request in enumerate(server.requests):  # what the model saw is the saved observation
        sent = decode_images([m for m in request["messages"] if m["role"] == "user"][-1])[-1]
        seen = Image.open(folder / f"step_{index}.png").convert("RGB")
        expected, _ = fit(seen, policy.family, max_pixels=400 * 28 * 28)
        assert sent.tobytes() == expected.tobytes(), f"step {index}: the model saw another image"
