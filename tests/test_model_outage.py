"""A model that cannot be asked is an outage, not a result: no result.txt, a resume redoes the
task, and a batch stops after a few in a row instead of burning its whole queue."""

from __future__ import annotations

import json

import pytest

from tests.doubles.openai_server import ChatServer
from tests.helpers.batch import results, run_batch, write_yaml
from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow

TERMINATE = '<tool_call>\n{"name": "computer_use", "arguments": {"action": "terminate", "status": "success"}}\n</tool_call>'


def refused(body, images):
    return 400, json.dumps({"error": {"message": "model 'm' is not served here"}}), {}


def plain_tasks(folder, n):
    """Tasks that need no app: the policy's own `done` decides (no checker)."""
    for i in range(n):
        write_yaml(folder / f"t{i}.yaml", {"id": f"t{i}", "domain": "outage", "instruction": f"Task {i}.",
                                           "limits": {"max_steps": 3, "max_seconds": 60}})
    return folder


def model_args(url):
    return ["--model", "m", "--backend", "openai", "--family", "qwen2.5-vl", "--base-url", url]


def test_run_with_an_unreachable_model_gives_no_result_and_exit_3(tmp_path):
    task = plain_tasks(tmp_path / "tasks", 1) / "t0.yaml"
    done = gui_agent("run", str(task), *model_args("http://127.0.0.1:9/v1"), "--model-option", "retries=0",
                     "--xvfb", "640x480", "--out", str(tmp_path / "out"))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "status: model_error" in done.stdout
    assert "error: no result: the model could not be asked" in done.stderr
    folder = tmp_path / "out/outage/t0"
    assert json.loads((folder / "result.json").read_text())["status"] == "model_error"
    assert not (folder / "result.txt").exists()


def test_a_batch_stops_after_consecutive_model_errors_and_a_resume_redoes_them(tmp_path):
    tasks, out = plain_tasks(tmp_path / "tasks", 4), tmp_path / "out"
    with ChatServer(refused) as down:
        stopped = run_batch(str(tasks), "--out", str(out), "--max-model-errors", "2", *model_args(down.url))
    assert stopped.returncode == 3, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert "stopped: 2 tasks in a row could not ask the model" in stopped.stderr
    assert "HTTP 400" in stopped.stderr
    assert len(down.requests) == 2  # the other two tasks were never started
    found = results(out)
    assert sorted(found) == ["outage/t0", "outage/t1"]
    assert all(r["status"] == "model_error" and not r["final"] for r in found.values())
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["finished"], summary["pending"], summary["success_rate"]) == (0, 4, None)
    assert summary["stopped"].startswith("stopped: 2 tasks in a row")

    with ChatServer(lambda body, images: TERMINATE) as up:
        resumed = run_batch(str(tasks), "--out", str(out), *model_args(up.url))
    assert resumed.returncode == 0, resumed.stderr
    assert "0 already finished" in resumed.stderr and "4 to run" in resumed.stderr
    found = results(out)
    assert len(found) == 4 and all(r["final"] and r["status"] == "done" for r in found.values())


def test_model_errors_that_are_not_in_a_row_do_not_stop_a_batch(tmp_path):
    tasks, out = plain_tasks(tmp_path / "tasks", 4), tmp_path / "out"
    calls = []

    def flaky(body, images):  # every other task's first request is refused
        calls.append(1)
        return refused(body, images) if len(calls) % 2 else TERMINATE

    with ChatServer(flaky) as server:
        done = run_batch(str(tasks), "--out", str(out), "--max-model-errors", "2", *model_args(server.url))
    assert done.returncode == 0, done.stderr
    statuses = sorted(r["status"] for r in results(out).values())
    assert statuses == ["done", "done", "model_error", "model_error"]
