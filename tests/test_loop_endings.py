"""Every way an episode ends, through the real loop, real driver and a real Tk app."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from agent import status
from agent.policy import Decision, FormatError, PolicyError
from agent.runner import run_task
from agent.scripted import ScriptedPolicy
from drivers.actions import parse_action
from drivers.settle import SettleConfig
from tasks.load import load_yaml_task
from tasks.task import Task

pytestmark = pytest.mark.slow

OK = {"type": "click", "x": 200, "y": 140}
FAST = SettleConfig(quiet_s=0.1, timeout_s=2)


def script(*actions):
    return ScriptedPolicy([parse_action(a) for a in actions])


def task_file(tmp_path, log, checker, **limits):
    """A YAML task whose checker reads the Tk app's event log."""
    path = tmp_path / "task.yaml"
    path.write_text(json.dumps({
        "id": "tk-task", "domain": "tests", "instruction": "Press OK.",
        "checker": {"file": str(log), **checker}, "limits": {"max_steps": 10, **limits},
    }))
    return load_yaml_task(path)


def run(task, desktop, policy, tmp_path):
    result = run_task(task, desktop, policy, tmp_path / "out", settle_cfg=FAST)
    folder = tmp_path / "out" / task.domain / task.id
    traj = [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]
    return result, traj, folder


def test_checker_success_ends_the_episode_early(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": '"target": "ok"'})
    policy = script(OK, {"type": "wait", "seconds": 0.1}, {"type": "wait", "seconds": 0.1})
    result, traj, folder = run(task, desktop, policy, tmp_path)
    assert (result.status, result.score, result.steps) == (status.SUCCESS, 1.0, 1)
    assert traj[0]["score"] == 1.0 and traj[0]["action"] == OK | {"button": "left", "count": 1}
    assert (folder / "result.txt").read_text().strip() == "1.0"
    assert json.loads((folder / "result.json").read_text())["status"] == "success"
    umask = os.umask(0)
    os.umask(umask)
    assert (folder / "result.txt").stat().st_mode & 0o777 == 0o644 & ~umask
    assert (folder / "step_0.png").is_file()


def test_done_is_scored_by_the_checker(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": '"target": "cancel"'})
    result, traj, _ = run(task, desktop, script(OK, {"type": "done"}), tmp_path)
    assert (result.status, result.score) == (status.DONE, 0.0)
    assert traj[-1]["actions"] == [{"type": "done", "status": "success", "message": None}]


def test_a_checker_that_cannot_look_scores_zero_and_says_why(desktop, tk_app, tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text(json.dumps({"id": "slow-check", "domain": "tests", "instruction": "Press OK.",
                                "setup": [{"sleep": 0}],
                                "checker": {"command": "sleep 5", "timeout": 0.2, "equals": "x"}}))
    result, _, folder = run(load_yaml_task(path), desktop, script(OK), tmp_path)
    body = json.loads((folder / "result.json").read_text())
    assert (result.status, result.score) == (status.DONE, 0.0)
    assert body["check_error"] == "command timed out after 0.2s: sleep 5"
    assert body["setup_settle_ms"] >= 1000  # after set-up the screen must be still for a second


def test_done_without_a_checker_counts_as_solved(desktop, tk_app, tmp_path):
    task = Task(id="no-checker", instruction="Press OK.", domain="tests")
    result, _, _ = run(task, desktop, script(OK), tmp_path)
    assert (result.status, result.score, result.steps) == (status.DONE, 1.0, 2)


def test_infeasible_and_call_user(desktop, tk_app, tmp_path):
    task = Task(id="impossible", instruction="Fly.", domain="tests")
    result, _, _ = run(task, desktop, script({"type": "done", "status": "failure"}), tmp_path)
    assert (result.status, result.score) == (status.INFEASIBLE, 0.0)
    task = Task(id="ask", instruction="Log in.", domain="tests")
    result, _, _ = run(task, desktop, script({"type": "call_user", "message": "password?"}), tmp_path)
    assert result.status == status.CALL_USER


def test_max_steps(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": "never"}, max_steps=3)
    moves = [{"type": "move", "x": 10 + i, "y": 10} for i in range(10)]
    result, traj, folder = run(task, desktop, script(*moves), tmp_path)
    assert (result.status, result.steps, len(traj)) == (status.MAX_STEPS, 3, 3)
    assert (folder / "result.txt").read_text().strip() == "0.0"


def test_stuck_when_the_same_action_changes_nothing(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": "never"}, stuck_repeats=3)
    blank = {"type": "click", "x": 700, "y": 600}  # empty window area: nothing changes
    result, traj, _ = run(task, desktop, script(*[blank] * 6), tmp_path)
    assert (result.status, result.steps) == (status.STUCK, 3)
    assert [t["screen_changed"] for t in traj] == [False, False, False]


def test_timeout(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": "never"}, max_seconds=0.5)
    waits = [{"type": "wait", "seconds": 0.3}, {"type": "wait", "seconds": 0.31}] * 5
    result, _, _ = run(task, desktop, script(*waits), tmp_path)
    assert result.status == status.TIMEOUT and 1 <= result.steps < 10


class Babbler:
    """A model that never writes a parseable reply (what a random-weight model does)."""

    def __init__(self):
        self.seen_errors = []

    def decide(self, instruction, screenshot, history, deadline=None):
        self.seen_errors.append(history[-1].error if history else None)
        raise FormatError("no action found", raw_text=f"blah {len(history)}")


def test_consecutive_format_errors_end_the_episode_and_are_fed_back(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": "never"}, max_format_errors=3)
    policy = Babbler()
    result, traj, _ = run(task, desktop, policy, tmp_path)
    assert (result.status, result.steps) == (status.FORMAT_ERRORS, 3)
    assert [t["raw"] for t in traj] == ["blah 0", "blah 1", "blah 2"]
    assert policy.seen_errors == [None, "format error: no action found", "format error: no action found"]


class Unreachable:
    """A model whose server is down: the episode must end, not be fed back forever."""

    def decide(self, instruction, screenshot, history, deadline=None):
        raise PolicyError("http://127.0.0.1:9/v1 is unreachable")


def test_a_model_that_cannot_be_asked_ends_with_model_error(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": "never"})
    result, traj, folder = run(task, desktop, Unreachable(), tmp_path)
    # The step that could not ask the model is recorded, and counted: steps == trajectory lines.
    assert (result.status, result.steps, result.score) == (status.MODEL_ERROR, 1, 0.0)
    assert traj[0]["error"] == "model error: http://127.0.0.1:9/v1 is unreachable"
    # An outage is not a result: recorded, but not final, so a re-run or a resume does it again.
    assert json.loads((folder / "result.json").read_text())["status"] == "model_error"
    assert not (folder / "result.txt").exists()


class Recovering:
    """Fails to parse once, then clicks OK: a format error alone must not end the run."""

    def __init__(self):
        self.calls = 0

    def decide(self, instruction, screenshot, history, deadline=None):
        self.calls += 1
        if self.calls == 1:
            raise FormatError("garbled")
        return Decision([parse_action(OK)], raw_text="click OK")


def test_a_refused_action_is_an_observation_not_an_ending(desktop, tk_app, tmp_path):
    task = task_file(tmp_path, tk_app.log, {"contains": '"target": "ok"'})
    policy = script({"type": "click", "x": 5000, "y": 10}, OK)
    result, traj, _ = run(task, desktop, policy, tmp_path)
    assert result.status == status.SUCCESS and result.steps == 2
    assert "outside the 1280x800 screen" in traj[0]["error"]
    result, traj, _ = run(task_file(tmp_path, tk_app.log, {"contains": '"target": "ok"'}), desktop, Recovering(), tmp_path)
    assert result.status == status.SUCCESS and traj[0]["error"] == "format error: garbled"


def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append((int(entry), stat.split("(", 1)[1].split(")")[0]))
    return out


def _wait_lines(path, n, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never reached {n} lines")


def _start_replay(tmp_path, n_waits):
    actions = tmp_path / "waits.jsonl"
    actions.write_text("".join(json.dumps({"type": "wait", "seconds": 0.2}) + "\n" for _ in range(n_waits)))
    proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "replay", str(actions), "--xvfb", "640x480",
                             "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, tmp_path / "out" / "replay" / "waits"


def test_losing_the_display_ends_with_driver_error_and_keeps_the_trajectory(tmp_path):
    proc, folder = _start_replay(tmp_path, 100)
    _wait_lines(folder / "traj.jsonl", 2)
    xvfb = [pid for pid, name in _children(proc.pid) if name == "Xvfb"]
    assert xvfb, "the replay should run its own Xvfb"
    os.kill(xvfb[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    result = json.loads((folder / "result.json").read_text())
    assert result["status"] == "driver_error" and result["steps"] >= 2
    assert len((folder / "traj.jsonl").read_text().splitlines()) == result["steps"]
    assert "Traceback" not in err


def test_ctrl_c_is_recorded_as_interrupted_and_not_final(tmp_path):
    proc, folder = _start_replay(tmp_path, 100)
    _wait_lines(folder / "traj.jsonl", 2)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    result = json.loads((folder / "result.json").read_text())
    assert result["status"] == "interrupted"
    assert not (folder / "result.txt").exists()
    assert len((folder / "traj.jsonl").read_text().splitlines()) >= 2
