"""A drag without a start point starts where the pointer is (Qwen's left_click_drag convention)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.doubles.openai_server import ChatServer
from tests.helpers.batch import write_yaml
from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow

START, END = (950, 150), (1150, 330)  # inside the Tk app's drag pad


def move_pointer(x, y):
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)


def presses(tk_app):
    return [(e["event"], e["x"], e["y"]) for e in tk_app.events() if e["event"] in ("press", "release")]


def test_replayed_drag_without_start_starts_at_the_pointer(tk_app, xvfb_display, tmp_path):
    move_pointer(*START)
    actions = tmp_path / "drag.jsonl"
    actions.write_text(json.dumps({"type": "drag", "to_x": END[0], "to_y": END[1]}) + "\n")
    done = gui_agent("replay", str(actions), "--display", xvfb_display, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert presses(tk_app) == [("press", *START), ("release", *END)]
    (step, _) = [json.loads(line) for line in (tmp_path / "out/replay/drag/traj.jsonl").read_text().splitlines()]
    assert step["action"] == {"type": "drag", "x": None, "y": None, "to_x": END[0], "to_y": END[1]}


def test_a_model_drag_on_the_first_step_uses_the_pointer(tk_app, xvfb_display, tmp_path):
    """A Qwen2.5-VL reply that gives only the end of a drag, before any other pointing action."""
    move_pointer(*START)

    def reply(body, images):
        if len(body["messages"]) > 2:  # after the drag: finished
            return '<tool_call>{"name": "computer_use", "arguments": {"action": "terminate", "status": "success"}}</tool_call>'
        w, h = images[-1].size  # coordinates in the pixels of the image the model saw
        x, y = round(END[0] * w / 1280), round(END[1] * h / 800)
        return ('<tool_call>{"name": "computer_use", "arguments": {"action": "left_click_drag", '
                f'"coordinate": [{x}, {y}]}}}}</tool_call>')

    task = write_yaml(tmp_path / "drag.yaml", {"id": "drag", "domain": "d", "instruction": "Drag on the pad.",
                                               "limits": {"max_steps": 3}})
    with ChatServer(reply) as server:
        done = gui_agent("run", str(task), "--model", "m", "--backend", "openai", "--family", "qwen2.5-vl",
                         "--base-url", server.url, "--display", xvfb_display, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    (press, release) = presses(tk_app)
    assert press == ("press", *START)
    assert release[0] == "release" and abs(release[1] - END[0]) <= 1 and abs(release[2] - END[1]) <= 1
