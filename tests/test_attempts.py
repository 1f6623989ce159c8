"""README's demo as a new user runs it (relative paths), and re-runs: every attempt starts in a
fresh folder, and a finished attempt is moved aside, never silently destroyed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.batch import ROOT, child_env, mousepad_task, needs_apps, run_batch, write_replay

pytestmark = [pytest.mark.slow, needs_apps]

EXAMPLES = ROOT / "tasks" / "examples"


def readme_demo() -> list[str]:
    """README's first command after `&&`, split into arguments, exactly as printed."""
    import shlex

    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("# 1.")))
    command = []
    for line in lines[start + 1:]:
        command.append(line.rstrip("\\").strip())
        if not line.endswith("\\"):
            break
    demo = " ".join(command).split("&&", 1)[1].strip()
    assert demo.startswith(".venv/bin/gui-agent run "), demo
    return shlex.split(demo)[1:]


def gui_agent_in(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, env=child_env())


def test_readme_demo_as_printed_with_relative_paths_solves_its_task(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "tasks" / "examples")
    done = gui_agent_in(tmp_path, *readme_demo())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "status: success" in done.stdout and "trajectory: runs/os/mousepad-note/traj.jsonl" in done.stdout
    # $WORKDIR is absolute: Mousepad, started in the workdir, saved where the checker looks.
    note = tmp_path / "runs/os/mousepad-note/workdir/note.txt"
    assert note.read_text(encoding="utf-8").strip() == "Grüße, 世界 & $(whoami)"
    assert not list((tmp_path / "runs/os/mousepad-note/workdir").glob("runs"))


def test_a_rerun_starts_fresh_and_moves_the_finished_attempt_aside(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "tasks" / "examples")
    first = gui_agent_in(tmp_path, *readme_demo())
    assert first.returncode == 0, first.stderr
    waits = tmp_path / "wait.jsonl"
    waits.write_text('{"type": "wait", "seconds": 0.2}\n')
    # A policy that only waits must not inherit the first attempt's saved file.
    again = gui_agent_in(tmp_path, "run", "tasks/examples/mousepad_note.yaml", "--policy", f"script:{waits}",
                         "--xvfb", "1280x800")
    assert again.returncode == 1, again.stdout + again.stderr
    assert "status: done  score: 0" in again.stdout
    assert "checker:" in again.stdout and "note.txt does not exist" in again.stdout
    assert "the earlier attempt was moved to runs/.attempts/os/mousepad-note/1" in again.stderr
    kept = tmp_path / "runs/.attempts/os/mousepad-note/1"
    assert (kept / "result.txt").read_text().strip() == "1.0"
    assert len((kept / "traj.jsonl").read_text().splitlines()) == 3 and (kept / "step_2.png").is_file()
    assert (kept / "workdir/note.txt").is_file()
    now = json.loads((tmp_path / "runs/os/mousepad-note/result.json").read_text())
    assert now["earlier_attempt"] == ".attempts/os/mousepad-note/1"
    assert now["check_reason"].endswith("runs/os/mousepad-note/workdir/note.txt does not exist")


def test_replay_with_a_relative_out(tmp_path):
    actions = tmp_path / "acts.jsonl"
    actions.write_text('{"type": "wait", "seconds": 0.1}\n')
    done = gui_agent_in(tmp_path, "replay", "acts.jsonl", "--xvfb", "640x480", "--out", "rel/out")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rel/out/replay/acts/result.txt").is_file()
    assert (tmp_path / "rel/out/replay/acts/workdir").is_dir()


def test_batch_retry_keeps_the_earlier_attempt_and_relative_out_works(tmp_path):
    mousepad_task(tmp_path / "tasks", "retry-me", "x")
    write_replay(tmp_path / "replay", "retry-me", [{"type": "wait", "seconds": 0.1}])
    args = ["tasks", "--out", "out", "--replay", "replay"]
    first = run_batch(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "out/notes/retry-me"
    assert json.loads((folder / "result.json").read_text())["status"] == "done"
    again = run_batch(*args, "--retry", "done", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    kept = tmp_path / "out/.attempts/notes/retry-me/1"
    assert (kept / "result.txt").is_file() and (kept / "traj.jsonl").is_file()
    assert json.loads((folder / "result.json").read_text())["earlier_attempt"] == ".attempts/notes/retry-me/1"
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    assert summary["tasks"] == 1  # the attempts shelf is not a domain
