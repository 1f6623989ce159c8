"""Killing a batch midway (SIGKILL, or SIGTERM as a stop request) and running it again: nothing
finished is lost or redone, the task that was in flight is redone from scratch, nothing of the
killed batch keeps running."""

from __future__ import annotations

import json
import signal

import pytest

from tests.helpers.batch import (leftovers, mousepad_task, needs_apps, results, run_batch, scratch_left, start_batch,
                                 stop, typing, wait_until, write_replay, write_yaml)

pytestmark = [pytest.mark.slow, needs_apps]

N = 6


def _files(folder):
    """mtime_ns of every file a finished task wrote."""
    names = ["result.txt", "result.json", "traj.jsonl", *sorted(p.name for p in folder.glob("step_*.png"))]
    return {name: (folder / name).stat().st_mtime_ns for name in names}


def _finished_and_in_flight(out) -> bool:
    """A task has finished and another is early in its run: one or two of its four steps
    recorded, so its 1.5 s wait is still ahead and the signal lands before it can finish."""
    folders = list(out.glob("notes/*"))
    going = [f for f in folders if not (f / "result.txt").exists() and (f / "traj.jsonl").exists()
             and (f / "traj.jsonl").read_text().count("\n") in (1, 2)]
    return any((f / "result.txt").exists() for f in folders) and bool(going)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_a_killed_batch_resumes_losing_nothing(sig, tmp_path):
    tasks, replay, out = tmp_path / "tasks", tmp_path / "replay", tmp_path / "out"
    for i in range(N):
        mousepad_task(tasks, f"t{i}", f"line {i}")
        write_replay(replay, f"t{i}", typing(f"line {i}", pause_s=1.5))  # ~3.5 s a task
    args = (str(tasks), "--out", str(out), "--replay", str(replay), "--workers", "2")

    proc = start_batch(*args, log=tmp_path / "first.log")
    wait_until(lambda: _finished_and_in_flight(out), 90, "a finished task and one in flight")
    code = stop(proc, sig)
    assert code == (-9 if sig == signal.SIGKILL else 130), (tmp_path / "first.log").read_text()[-2000:]
    # Workers notice (SIGTERM from the kernel when their batch died), record, and stop their apps.
    wait_until(lambda: not leftovers(proc.pid), 30, "the killed batch's workers and apps to stop")
    wait_until(lambda: not scratch_left(proc.pid), 10, "the workers to remove their temporary folders")

    before = results(out)
    finished = {k: _files(out / k) for k, r in before.items() if r["final"]}
    unfinished = [k for k, r in before.items() if not r["final"]]
    assert finished and len(finished) < N
    assert unfinished, "a task should have been in flight"
    for key in unfinished:  # recorded as interrupted, not as an ending
        assert before[key]["status"] == "interrupted", before[key]
    if sig == signal.SIGTERM:
        summary = json.loads((out / "summary.json").read_text())
        assert summary["interrupted"] is True and summary["finished"] == len(finished)

    again = run_batch(*args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"{N} tasks: {len(finished)} already finished, 0 to skip, {N - len(finished)} to run" in again.stderr
    after = results(out)
    assert {k: (r["status"], r["txt"]) for k, r in after.items()} == {f"notes/t{i}": ("success", 1.0) for i in range(N)}
    for key, files in finished.items():  # not touched
        assert _files(out / key) == files, key
    for key, r in after.items():  # redone from scratch: exactly one attempt's steps
        lines = (out / key / "traj.jsonl").read_text().splitlines()
        assert len(lines) == r["steps"] == 4, (key, len(lines))
        assert sorted(p.name for p in (out / key).glob("step_*.png")) == [f"step_{i}.png" for i in range(4)]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["finished"], summary["solved"], summary["interrupted"]) == (N, N, False)
    assert not leftovers(again.pid) and not scratch_left(again.pid)


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    tasks, replay, out = tmp_path / "tasks", tmp_path / "replay", tmp_path / "out"
    write_yaml(tasks / "slow.yaml", {"id": "slow", "domain": "misc", "instruction": "Wait.",
                                     "setup": [{"command": "sleep 30", "timeout": 60}]})
    write_replay(replay, "slow", [{"type": "wait", "seconds": 0.1}])
    args = (str(tasks), "--out", str(out), "--replay", str(replay))
    first = start_batch(*args, log=tmp_path / "first.log")
    try:
        wait_until(lambda: list(out.glob("misc/slow/workdir")), 30, "the first batch to start its task")
        second = run_batch(*args, timeout=60)
        assert second.returncode == 2 and f"another batch (process {first.pid})" in second.stderr
    finally:
        assert stop(first) == 130
    assert not leftovers(first.pid)
