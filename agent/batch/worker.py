"""A batch worker: one process, one private virtual display, one task at a time.

Started by the pool as `python -m agent.batch.worker FD SLOT PARENT_PID SCRATCH`: FD is its end
of the socket pair (see channel.py), SCRATCH its short temporary folder (see
isolation.WorkerDirs); the first message on the socket is the BatchConfig. pyautogui binds one X
display per process, which is why every worker is a process of its own.

Contract: before each task the worker's HOME is reset (tasks/home.py); after it, every process the
task or the agent started is stopped. SIGTERM (also sent by the kernel when the batch process
dies) interrupts the task in hand, which the runner records as `interrupted` (result.json, no
result.txt, so a resumed batch redoes it), then the worker stops its display and exits.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from pathlib import Path

from tasks.home import reset_home

from .channel import Channel
from .config import BatchConfig
from .isolation import MARKER, WorkerDirs, die_with_parent, kill_marked, node_name

_state = {"stopping": False, "reporting": False}
"""stopping: a stop signal came. reporting: a task has ended and the batch has not heard yet."""


def _on_signal(signum, frame) -> None:
    # Raised once, at whatever the worker is doing (the runner turns it into `interrupted`),
    # except while a finished task is being reported: that report must reach the batch.
    if not _state["stopping"]:
        _state["stopping"] = True
        if not _state["reporting"]:
            raise KeyboardInterrupt


class Worker:
    """Runs the tasks the batch sends, on its own display, until told to stop."""

    def __init__(self, cfg: BatchConfig, slot: int, scratch: Path, chan: Channel):
        self.cfg, self.slot, self.chan = cfg, slot, chan
        self.dirs = WorkerDirs(cfg.workers_dir / str(slot), scratch)
        self.marker = os.environ.get(MARKER, f"solo:{slot}")
        self.apps_marker = f"{self.marker}:apps"
        self.display = None
        self.driver = None
        self._tasks = None
        self._model_policy = None

    def start(self) -> None:
        """Start the display and driver (and the model, if any); raises when that is impossible."""
        from drivers.desktop import DesktopDriver
        from drivers.desktop.xvfb import VirtualDisplay

        reset_home(self.dirs.home, self.dirs.runtime, self.dirs.tmp)
        self.display = VirtualDisplay(*self.cfg.screen, window_manager=self.cfg.window_manager)
        os.environ.update(self.display.env())
        # From here on, whatever starts is an app of a task: marked so it can be stopped after it.
        os.environ[MARKER] = self.apps_marker
        self.driver = DesktopDriver(display=self.display.display)
        if self.cfg.replay is None:
            from agent.models import build_policy

            self._model_policy = build_policy(self.cfg.models.model, platform="desktop",
                                              **self.cfg.models.build_kwargs())

    def task(self, key: str):
        """The Task for key 'domain/id', loading the batch's task files on first use."""
        if self._tasks is None:
            from agent.record import task_dir

            from .plan import load_all

            self._tasks = {}
            for t, _ in load_all(self.cfg.paths):
                folder = task_dir(self.cfg.out, t.domain, t.id)
                self._tasks.setdefault(f"{folder.parent.name}/{folder.name}", t)
        return self._tasks[key]

    def run(self, msg: dict) -> dict:
        """Run one task; return the 'done' message."""
        from agent.runner import run_task
        from agent.scripted import ScriptedPolicy
        from agent.status import CRASHED

        from .results import finalize

        key = msg["key"]
        task = self.task(key)
        reset_home(self.dirs.home, self.dirs.runtime, self.dirs.tmp)
        if msg.get("replay"):
            policy, label = ScriptedPolicy.from_file(msg["replay"]), f"script:{msg['replay']}"
        else:
            policy, label = self._model_policy, self.cfg.models.model
        cache = Path(msg["cache_dir"]) if msg.get("cache_dir") else None
        meta = {"policy": label, "worker": self.slot, "node": node_name(), "display": self.display.display}
        if msg.get("earlier_attempt"):
            meta["earlier_attempt"] = msg["earlier_attempt"]
        env = {**os.environ, **self.driver.env}
        print(f"{time.strftime('%H:%M:%S')} start {key}", flush=True)
        try:
            r = run_task(task, self.driver, policy, self.cfg.out, env=env, cache_dir=cache, meta=meta,
                         on_step=lambda step: self.chan.send({"ev": "step", "key": key, "step": step.index}))
            _state["reporting"] = True
            done = {"status": r.status, "score": r.score, "steps": r.steps, "error": r.error}
        except Exception as exc:  # the runner recorded it; make it final so the batch moves on
            _state["reporting"] = True
            traceback.print_exc()
            error = "".join(traceback.format_exception_only(exc)).strip()
            folder = Path(msg["folder"])
            body = finalize(folder, msg["identity"], CRASHED, error)
            done = {"status": CRASHED, "score": 0.0, "steps": body.get("steps", 0), "error": error}
        finally:
            kill_marked(self.apps_marker)  # apps the agent opened itself, and their children
        print(f"{time.strftime('%H:%M:%S')} {done['status']} {key} score={done['score']}", flush=True)
        return {"ev": "done", "key": key, **done}

    def serve(self) -> None:
        while not _state["stopping"]:
            msg = self.chan.recv()
            if msg is None or msg.get("op") == "stop":
                return
            if msg.get("op") == "run":
                self.chan.send(self.run(msg))
                _state["reporting"] = False

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()
        kill_marked(self.apps_marker)
        if self.display is not None:
            self.display.close()
        self.dirs.remove_private()


def main(argv: list[str]) -> int:
    fd, slot, parent, scratch = int(argv[1]), int(argv[2]), int(argv[3]), Path(argv[4])
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    die_with_parent(parent)
    os.set_inheritable(fd, False)  # no app may hold the batch's socket open after we die
    chan = Channel(socket.socket(fileno=fd))
    first = chan.recv()
    if first is None or first.get("op") != "config":
        return 3
    cfg = BatchConfig.model_validate(first["config"])
    worker = Worker(cfg, slot, scratch, chan)
    try:
        try:
            worker.start()
        except Exception as exc:
            traceback.print_exc()
            chan.send({"ev": "fatal", "error": "".join(traceback.format_exception_only(exc)).strip()})
            return 3
        chan.send({"ev": "ready", "display": worker.display.display})
        worker.serve()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the clean-up finish
        worker.close()
        chan.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
