"""A private Xvfb through the command line: sizes X cannot have are refused up front in one line,
an Xvfb that fails says why in one line, and a `run --xvfb` killed with SIGKILL leaves nothing
behind (no temporary file, no Xvfb, no app, no X socket)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.cli import gui_agent

ROOT = Path(__file__).resolve().parent.parent
TASK = ROOT / "tasks/examples/mousepad_note.yaml"
SCRIPT = ROOT / "tasks/examples/mousepad_note.jsonl"
needs_xvfb = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb")


def _one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("size, why", [
    ("100000x100000", "too large: an X screen has at most 32767 pixels a side"),
    ("32768x10", "too large: an X screen has at most 32767 pixels a side"),
    ("20000x20000", "too large: its framebuffer would take 1525 MiB, more than the 512 MiB allowed"),
    ("0x5", "too small: each side needs at least 1 pixel"),
    ("5x", "not a size like 1280x800 (width x height in pixels)"),
    ("abc", "not a size like 1280x800"),
    ("12x34x5", "not a size like 1280x800"),
    ("1" * 5000 + "x5", "not a size like 1280x800"),
])
def test_run_refuses_sizes_x_cannot_have(tmp_path, size, why):
    done = gui_agent("run", str(TASK), "--policy", f"script:{SCRIPT}", "--xvfb", size, "--out", str(tmp_path),
                     timeout=60)
    line = _one_error_line(done)
    assert line.startswith(f"error: --xvfb: {size!r} is {why}"), line
    assert not (tmp_path / "os").exists()  # refused before anything ran


def test_every_size_option_names_itself(tmp_path):
    actions = tmp_path / "a.jsonl"
    actions.write_text('{"type": "wait", "seconds": 0}\n')
    replay = gui_agent("replay", str(actions), "--xvfb", "40000x10", "--out", str(tmp_path))
    batch = gui_agent("batch", str(TASK), "--replay", str(tmp_path), "--screen", "0x0", "--out", str(tmp_path / "b"))
    parse = gui_agent("parse", "--family", "qwen2-vl", "--screen", "99999x5", "click")
    assert _one_error_line(replay).startswith("error: --xvfb: '40000x10' is too large")
    assert _one_error_line(batch) == "error: --screen: '0x0' is too small: each side needs at least 1 pixel"
    assert _one_error_line(parse).startswith("error: --screen: '99999x5' is too large")


@needs_xvfb
def test_the_largest_side_x_allows_works(tmp_path):
    actions = tmp_path / "a.jsonl"
    actions.write_text('{"type": "wait", "seconds": 0}\n')
    done = gui_agent("replay", str(actions), "--xvfb", "32767x16", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr


@needs_xvfb
def test_an_xvfb_that_fails_says_why_in_one_line(tmp_path):
    # The real Xvfb, given one argument it rejects: what it prints is what users would see.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    wrapper = fake_bin / "Xvfb"
    wrapper.write_text(f'#!/bin/sh\nexec {shutil.which("Xvfb")} "$@" -no-such-option\n')
    wrapper.chmod(0o755)
    actions = tmp_path / "a.jsonl"
    actions.write_text('{"type": "wait", "seconds": 0}\n')
    done = gui_agent("replay", str(actions), "--xvfb", "640x480", "--out", str(tmp_path / "out"),
                     env={"PATH": f"{fake_bin}:{os.environ['PATH']}"})
    assert _one_error_line(done) == "error: driver: Xvfb did not start: Unrecognized option: -no-such-option"


# --- kill -9 ----------------------------------------------------------------------------------

def _marked(tmpdir: Path) -> dict[int, str]:
    """pid -> program name of every live process started with TMPDIR=tmpdir (ours only)."""
    want = f"TMPDIR={tmpdir}".encode()
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            env = Path(f"/proc/{entry.name}/environ").read_bytes().split(b"\0")
            argv0 = Path(f"/proc/{entry.name}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if want in env:
            found[int(entry.name)] = os.path.basename(argv0.decode(errors="replace"))
    return found


def _x_sockets(pid: int) -> set[str]:
    """Paths of the Unix sockets process `pid` listens on, without abstract ones (an Xvfb's are
    /tmp/.X11-unix/X<N>)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    paths = set()
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 8 and parts[6] in inodes and parts[7].startswith("/"):
            paths.add(parts[7])
    return paths


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


@pytest.mark.slow
@needs_xvfb
@pytest.mark.skipif(shutil.which("mousepad") is None, reason="needs Debian's mousepad")
def test_kill_9_of_run_xvfb_leaves_nothing_behind(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    actions = tmp_path / "slow.jsonl"  # a first step, then long enough to be killed in the middle
    actions.write_text('{"type": "click", "x": 200, "y": 200}\n{"type": "wait", "seconds": 60}\n')
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "run", str(TASK), "--policy", f"script:{actions}",
                             "--xvfb", "1280x800", "--out", str(out)], cwd=ROOT, env={**os.environ, "TMPDIR": str(tmpdir)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    traj = out / "os" / "mousepad-note" / "traj.jsonl"
    try:
        assert _wait(lambda: traj.is_file() and traj.read_text(encoding="utf-8").count("\n") >= 1), \
            "the run recorded no step"
        started = _marked(tmpdir)
        xvfb = [pid for pid, name in started.items() if name == "Xvfb"]
        assert len(xvfb) == 1 and "mousepad" in started.values(), started
        (socket,) = _x_sockets(xvfb[0])
        x_files = {path: _inode(path) for path in (socket, f"/tmp/.X{socket.rsplit('X', 1)[1]}-lock")}
        proc.kill()
        assert proc.wait() == -signal.SIGKILL
        left = _wait(lambda: not _marked(tmpdir)) or _marked(tmpdir)
        assert left is True, f"still running after the kill: {left}"
        assert sorted(os.listdir(tmpdir)) == []
        # Gone, or (on a busy machine) a new Xvfb's file of the same name.
        assert [p for p, ino in x_files.items() if ino is not None and _inode(p) == ino] == []
        assert json.loads(traj.read_text(encoding="utf-8").splitlines()[0])["step"] == 0  # kept
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _marked(tmpdir):  # what the old code left running
            os.kill(pid, signal.SIGKILL)
