"""Hostile model replies through a real `gui-agent run`: each is a format error fed back to the
model, the episode goes on, and nothing crashes."""

from __future__ import annotations

import json

import pytest

from tests.doubles.openai_server import ChatServer
from tests.helpers.batch import write_yaml
from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow


def call(arguments: str) -> str:
    return f'<tool_call>{{"name": "computer_use", "arguments": {arguments}}}</tool_call>'


HOSTILE = [
    call('{"action": "left_click", "coordinate": [1e308, 5]}'),
    call('{"action": "left_click", "coordinate": [' + "9" * 400 + ", 5]}"),
    call('{"action": "scroll", "coordinate": [5, 5], "pixels": -' + "9" * 400 + "}"),
    call('{"action": "wait", "time": ' + "9" * 400 + "}"),
    call('{"action": "left_click", "coordinate": [5277, 7777]}'),  # outside the image the model saw
    "{" * 300_000,  # over the size cap
]
FINISH = call('{"action": "terminate", "status": "success"}')


def test_hostile_replies_are_format_errors_fed_back_and_the_run_goes_on(tmp_path):
    turns = []

    def reply(body, images):
        turns.append(body)
        return HOSTILE[len(turns) - 1] if len(turns) <= len(HOSTILE) else FINISH

    task = write_yaml(tmp_path / "t.yaml", {"id": "hostile", "domain": "h", "instruction": "Do nothing harmful.",
                                            "limits": {"max_steps": 10, "max_format_errors": 10}})
    with ChatServer(reply) as server:
        done = gui_agent("run", str(task), "--model", "m", "--backend", "openai", "--family", "qwen2.5-vl",
                         "--base-url", server.url, "--xvfb", "640x480", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "status: done" in done.stdout
    steps = [json.loads(line) for line in (tmp_path / "out/h/hostile/traj.jsonl").read_text().splitlines()]
    errors = [s["error"] for s in steps[:len(HOSTILE)]]
    assert all(e and e.startswith("format error: ") for e in errors), errors
    assert "not a finite number" in errors[0] or "too large" in errors[0]
    assert "too large" in errors[1] and "too large" in errors[2] and "too large" in errors[3]
    assert "outside" in errors[4] and "300000 characters, over the 100000-character limit" in errors[5]
    # Each reason went back to the model in the next prompt.
    fed_back = json.dumps(turns[1]["messages"][-1])
    assert "could not be used" in fed_back
