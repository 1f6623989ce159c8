"""A task that hangs past its time limit and a task that kills its worker: each is recorded as
such, its worker is replaced, everything it started is stopped, and the batch goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.batch import (leftovers, mousepad_task, needs_apps, results, run_batch, scratch_left, typing,
                                 write_replay, write_yaml)

pytestmark = [pytest.mark.slow, needs_apps]

HANG_S = "317.25"  # an odd duration, to find the hung process among any others


def _sleepers() -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", HANG_S.encode()]:
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hang")
    tasks, replay = root / "tasks", root / "replay"
    write_yaml(tasks / "a-hang.yaml", {"id": "a-hang", "domain": "misc", "instruction": "Wait for ever.",
                                       "setup": [{"command": f"sleep {HANG_S}", "timeout": 400}]})
    write_replay(replay, "a-hang", [{"type": "wait", "seconds": 0.1}])
    # bash's parent is the worker process: this set-up step kills the worker outright.
    write_yaml(tasks / "b-crash.yaml", {"id": "b-crash", "domain": "misc", "instruction": "Crash.",
                                        "setup": [{"command": "kill -9 $PPID; sleep 5"}]})
    write_replay(replay, "b-crash", [{"type": "wait", "seconds": 0.1}])
    mousepad_task(tasks, "c-after", "still working", domain="misc")
    write_replay(replay, "c-after", typing("still working"))
    out = root / "out"
    proc = run_batch(str(tasks), "--out", str(out), "--replay", str(replay), "--task-timeout", "4")
    return proc, out, (str(tasks), "--out", str(out), "--replay", str(replay))


def test_a_hung_task_is_killed_and_recorded_as_timeout(run):
    proc, out, _ = run
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = results(out)["misc/a-hang"]
    assert (r["status"], r["txt"], r["final"]) == ("timeout", 0.0, True)
    assert "after 4 s" in r["error"] and r["duration_s"] >= 4
    assert not _sleepers(), "the hung set-up command is still running"


def test_a_dead_worker_is_recorded_as_crashed(run):
    proc, out, _ = run
    r = results(out)["misc/b-crash"]
    assert (r["status"], r["txt"], r["final"]) == ("crashed", 0.0, True)
    assert "worker process died" in r["error"]


def test_the_batch_goes_on_with_fresh_workers(run):
    proc, out, _ = run
    r = results(out)
    assert (r["misc/c-after"]["status"], r["misc/c-after"]["txt"]) == ("success", 1.0)
    # Three tasks, three workers in slot 0: the hung one's and the crashed one's were replaced.
    log = (out / ".workers/0/worker.log").read_text()
    assert log.count("start misc/") == 3 and "success misc/c-after" in log
    assert not leftovers(proc.pid) and not scratch_left(proc.pid)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("statuses: "))
    assert sorted(line.removeprefix("statuses: ").split(", ")) == ["crashed 1", "success 1", "timeout 1"]


def test_retry_reruns_only_the_statuses_asked_for(run):
    proc, out, args = run
    before = {k: (out / k / "result.txt").stat().st_mtime_ns for k in ("misc/b-crash", "misc/c-after")}
    again = run_batch(*args, "--retry", "timeout", "--task-timeout", "2")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "3 tasks: 2 already finished, 0 to skip, 1 to run" in again.stderr
    r = results(out)["misc/a-hang"]
    assert r["status"] == "timeout" and "after 2 s" in r["error"]
    assert {k: (out / k / "result.txt").stat().st_mtime_ns for k in before} == before
    assert not _sleepers()
