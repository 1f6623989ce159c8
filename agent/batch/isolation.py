"""Keeping workers apart: private homes, and finding every process a worker started.

Every worker process gets its own HOME and XDG folders under OUT/.workers/<slot>/, so two
workers' apps never share a profile, a lock file or a single-instance socket. Every process a
worker starts (its Xvfb, window manager, the apps of its tasks, whatever those apps fork) inherits
the environment variable MARKER; `kill_marked` finds them all through /proc, even the ones that
left the worker's process group, which is how a hung worker is cleaned up without a trace.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = "GUI_AGENT_BATCH_SLOT"
"""Environment variable naming the batch and worker a process belongs to: '<batch>:<slot>:<gen>'."""
NODE_ENV = "GUI_AGENT_BATCH_NODE"
"""Variable telling a worker the machine it runs on (a Ray node id, else the host name), for result.json."""

# Variables that would connect a worker's apps to a session outside it (a shared D-Bus makes
# single-instance apps such as mousepad open their window on another worker's display).
_OUTSIDE_SESSION = ("DBUS_SESSION_BUS_ADDRESS", "SESSION_MANAGER", "WAYLAND_DISPLAY", "DISPLAY",
                    "XAUTHORITY", "XDG_SESSION_ID", "XDG_SEAT", "XDG_VTNR")


@dataclass(frozen=True)
class WorkerDirs:
    """One worker's private folders."""

    root: Path
    """OUT/.workers/<slot>."""
    scratch: Path
    """A short path under the system's temporary folder (see new_scratch) for TMPDIR and
    XDG_RUNTIME_DIR, which hold sockets: a socket path may not exceed 107 bytes, and Chromium
    silently fails to start when its singleton socket would (OUT may be deep)."""

    @property
    def home(self) -> Path:
        """HOME of the worker's apps; emptied before each task."""
        return self.root / "home"

    @property
    def runtime(self) -> Path:
        """XDG_RUNTIME_DIR (mode 0700, sockets); emptied before each task."""
        return self.scratch / "run"

    @property
    def tmp(self) -> Path:
        """TMPDIR of the worker and its apps."""
        return self.scratch / "tmp"

    @property
    def log(self) -> Path:
        """The worker's stdout and stderr, and its apps' (appended, kept after the batch)."""
        return self.root / "worker.log"

    def env(self) -> dict[str, str]:
        """Variables that point every app of this worker at its private folders."""
        home = self.home
        return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_STATE_HOME": str(home / ".local/state"), "XDG_RUNTIME_DIR": str(self.runtime),
                "TMPDIR": str(self.tmp)}

    def remove_private(self) -> None:
        """Delete home and scratch; keep the log."""
        for folder in (self.home, self.scratch):
            shutil.rmtree(folder, ignore_errors=True)


def node_name() -> str:
    """This machine, as result.json's `node` names it when no Ray node id is given."""
    import socket

    return os.environ.get(NODE_ENV) or socket.gethostname()


def new_scratch(slot: int) -> Path:
    """A fresh, short-named folder for a worker's sockets and temporary files."""
    import tempfile

    base = tempfile.gettempdir()
    if len(base) > 40 and os.access("/tmp", os.W_OK):
        base = "/tmp"  # a long TMPDIR would bring back the socket path problem
    # Named for the batch process, so what a killed batch leaves behind can be told apart.
    return Path(tempfile.mkdtemp(prefix=f"gui-agent-{os.getpid()}-w{slot}-", dir=base))


def worker_env(base: dict[str, str], dirs: WorkerDirs, marker: str) -> dict[str, str]:
    """The environment a worker process starts with."""
    env = {k: v for k, v in base.items() if k not in _OUTSIDE_SESSION}
    return {**env, **dirs.env(), MARKER: marker}


def marked_pids(value: str) -> list[int]:
    """Processes whose MARKER is `value` or starts with `value:` (this user's, zombies excepted)."""
    want = f"{MARKER}={value}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                data = f.read()
        except OSError:  # gone, or not ours
            continue
        for var in data.split(b"\0"):
            if var == want or var.startswith(want + b":"):
                found.append(int(entry.name))
                break
    return found


def kill_marked(value: str, *, exclude: set[int] | frozenset[int] = frozenset(), grace_s: float = 2.0) -> int:
    """SIGTERM every process marked `value` (see marked_pids) but `exclude`, SIGKILL those left
    after `grace_s` seconds. Returns how many were found."""
    pids = [p for p in marked_pids(value) if p not in exclude and p != os.getpid()]
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    left = pids
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if _alive(p)]
    for pid in left:
        _signal(pid, signal.SIGKILL)
    return len(pids)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel send this process SIGTERM when its parent dies (Linux), so workers of a
    batch that was SIGKILLed stop too; exit now if the parent is already gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned worker notices its closed pipe instead
    if os.getppid() != parent_pid:
        raise SystemExit(0)


class OutLocked(Exception):
    """Another batch is writing to the same results folder."""


def lock_out(out: Path):
    """Hold an exclusive lock on OUT for this process's lifetime (returns the open lock file;
    the OS releases it when the process ends, however it ends). Raises OutLocked when another
    batch holds it: two batches on one folder would redo each other's tasks in flight."""
    import fcntl

    path = out / ".workers" / "batch.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "?"
        f.close()
        raise OutLocked(f"{out}: another batch (process {holder}) is writing here") from None
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    return f
