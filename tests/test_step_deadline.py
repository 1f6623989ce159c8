"""The episode's time limit holds inside a step: a model call or a wait cannot outlast it."""

from __future__ import annotations

import json

import pytest

from tests.doubles.openai_server import ChatServer
from tests.helpers.batch import write_yaml
from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow

CLICK = '<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [10, 10]}}\n</tool_call>'


def short_task(tmp_path, seconds):
    return write_yaml(tmp_path / "short.yaml", {
        "id": "short", "domain": "limits", "instruction": "Click somewhere.",
        "checker": {"file": "$WORKDIR/never.txt"}, "limits": {"max_steps": 5, "max_seconds": seconds}})


def test_a_slow_model_is_cut_at_the_time_limit_and_its_late_reply_not_carried_out(tmp_path):
    server = ChatServer(lambda body, images: CLICK, delay_s=40)
    server.httpd.block_on_close = False  # do not wait for the sleeping handler on exit
    server.httpd.daemon_threads = True
    with server:
        done = gui_agent("run", str(short_task(tmp_path, 2)), "--model", "m", "--backend", "openai",
                         "--family", "qwen2.5-vl", "--base-url", server.url, "--xvfb", "640x480",
                         "--out", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads((tmp_path / "out/limits/short/result.json").read_text())
    assert result["status"] == "timeout" and "while asking the model" in result["error"]
    assert result["duration_s"] < 30  # well before the reply would have come
    (step,) = [json.loads(line) for line in (tmp_path / "out/limits/short/traj.jsonl").read_text().splitlines()]
    assert step["error"].startswith("out of time") and step["actions"] == []
    assert (tmp_path / "out/limits/short/result.txt").read_text().strip() == "0.0"  # a timeout is final


def test_a_long_wait_ends_at_the_time_limit(tmp_path):
    script = tmp_path / "wait.jsonl"
    script.write_text('{"type": "wait", "seconds": 600}\n{"type": "wait", "seconds": 600}\n')
    done = gui_agent("run", str(short_task(tmp_path, 1.5)), "--policy", f"script:{script}", "--xvfb", "640x480",
                     "--out", str(tmp_path / "out"), timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads((tmp_path / "out/limits/short/result.json").read_text())
    assert result["status"] == "timeout" and result["steps"] == 1
    assert result["duration_s"] < 60
