"""The batch's side of one worker process: start it, give it a task, stop it, or kill it and
everything it started; and LocalPool, the workers of a batch on this machine.

The engine sees workers only through a pool (`start`, `poll`, `forget`, `close`) and handles
with the fields and methods of WorkerHandle, so the same loop runs them here (LocalPool) or on
the nodes of a Ray cluster (ray_pool.RayPool).
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .channel import Channel
from .config import BatchConfig
from .isolation import NODE_ENV, WorkerDirs, kill_marked, new_scratch, node_name, worker_env
from .plan import Planned
from .results import stamp

STARTING, IDLE, BUSY = "starting", "idle", "busy"
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class WorkerHandle:
    """One live worker process in a slot. `gen` counts the workers that slot has had, so a
    replacement's marker never matches processes of the one it replaced."""

    lost = False
    """Always False here: a local worker cannot lose its machine (see ray_pool.RayHandle)."""
    waits_for_room = False
    """Always False here: a local worker starts at once (a Ray actor may wait for a free node)."""

    def __init__(self, cfg: BatchConfig, slot: int, gen: int, token: str, node: str | None = None):
        self.slot, self.gen = slot, gen
        self.node = node or node_name()
        self.marker = f"{token}:{slot}:{gen}"
        self.dirs = WorkerDirs(cfg.workers_dir / str(slot), new_scratch(slot))
        self.dirs.root.mkdir(parents=True, exist_ok=True)
        self.state = STARTING
        self.display: str | None = None
        self.item: Planned | None = None
        self.deadline = 0.0
        self.assigned, self.assigned_stamp = 0.0, ""
        self.started = time.monotonic()
        self.step = 0
        ours, theirs = socket.socketpair()
        env = worker_env(dict(os.environ), self.dirs, self.marker)
        env[NODE_ENV] = self.node
        # The worker must import this very copy of the package, whatever its working folder.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH")) if p)
        with open(self.dirs.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "agent.batch.worker", str(theirs.fileno()), str(slot), str(os.getpid()),
                 str(self.dirs.scratch)],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,  # a Ctrl-C in the terminal is ours to relay
            )
        theirs.close()
        self.chan = Channel(ours)
        # The configuration goes over the socket, not the command line: an --api-key in argv
        # would be visible to every user of the machine.
        self.chan.send({"op": "config", "config": cfg.model_dump(mode="json")})
        ours.setblocking(False)

    def assign(self, item: Planned) -> bool:
        """Send a task; False when the worker is gone."""
        self.item, self.state, self.step = item, BUSY, 0
        self.assigned, self.assigned_stamp = time.monotonic(), stamp()
        self.deadline = self.assigned + item.timeout_s
        return self.chan.send({
            "op": "run", "key": item.key, "folder": str(item.folder), "identity": item.identity(),
            "cache_dir": str(item.cache_dir) if item.cache_dir else None,
            "replay": str(item.replay) if item.replay else None, "earlier_attempt": item.earlier,
        })

    def facts(self) -> dict:
        """Fields for a result the batch writes about this worker's task."""
        return {"worker": self.slot, "node": self.node, "display": self.display, "started": self.assigned_stamp,
                "duration_s": round(time.monotonic() - self.assigned, 3)}

    @property
    def closed(self) -> bool:
        """The worker's socket reached its end: the process exited or died."""
        return self.chan.closed

    @property
    def log_path(self) -> str:
        return str(self.dirs.log)

    def release(self) -> Planned | None:
        """The task in hand, now that it ended; the worker is idle again."""
        item, self.item, self.state = self.item, None, IDLE
        return item

    def ask_to_stop(self, interrupt: bool) -> None:
        """Ask the worker to exit after its task; with `interrupt`, also interrupt the task."""
        self.chan.send({"op": "stop"})
        if interrupt and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """Kill the worker at once with its display and every process it or its tasks started."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.reap(5)
        self.clean_up()

    def clean_up(self) -> None:
        """After the process ended: stop whatever it left running, remove its scratch folder."""
        kill_marked(self.marker, grace_s=1.0)
        self.chan.close()
        shutil.rmtree(self.dirs.scratch, ignore_errors=True)

    def reap(self, timeout: float) -> int | None:
        """Wait up to `timeout` seconds for the process to end; its exit code, or None."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def log_tail(self, lines: int = 3) -> str:
        """The last lines of the worker's log, for error messages."""
        try:
            text = self.dirs.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


class LocalPool:
    """The batch's workers as processes on this machine, their sockets watched by one selector;
    with the transformers backend, one model process they all ask (model_host.py)."""

    def __init__(self, cfg: BatchConfig, token: str):
        from .model_host import ModelProcess, for_workers, shares_model

        self.cfg, self.token = cfg, token
        self.model = None
        if shares_model(cfg):
            from .engine import BatchAborted

            try:
                self.model = ModelProcess(cfg.models.model, cfg.workers_dir / "model.log")
            except RuntimeError as exc:
                raise BatchAborted(str(exc)) from None
            self.cfg = for_workers(cfg, self.model.address)
        self.sel = selectors.DefaultSelector()

    def start(self, slot: int, gen: int) -> WorkerHandle:
        h = WorkerHandle(self.cfg, slot, gen, self.token)
        self.sel.register(h.chan, selectors.EVENT_READ, h)
        return h

    def poll(self, timeout: float) -> list[tuple[WorkerHandle, list[dict]]]:
        """Messages that arrived within `timeout` seconds, per worker; a worker whose socket
        closed comes with `closed` set."""
        return [(key.data, key.data.chan.read_ready()) for key, _ in self.sel.select(timeout)]

    def forget(self, h: WorkerHandle) -> None:
        try:
            self.sel.unregister(h.chan)
        except (KeyError, ValueError):
            pass

    def close(self) -> None:
        self.sel.close()
        if self.model is not None:
            self.model.close()


def open_pool(cfg: BatchConfig, token: str):
    """The pool for `cfg`: Ray's when `cfg.ray` names a cluster, else this machine's."""
    if cfg.ray:
        from .ray_pool import RayPool

        return RayPool(cfg, token)
    return LocalPool(cfg, token)
