"""The batch loop: hand tasks from a queue to worker processes, watch their time, record every end.

One process per worker (see worker.py); the batch process itself never touches a display. It
waits on its pool (pool.LocalPool: sockets of workers on this machine; ray_pool.RayPool: workers
on a Ray cluster's nodes), so a hung task costs nothing until its deadline, when its worker
is killed with everything it started and replaced. A worker whose machine was lost (a Ray node
gone) hands its task back to the queue, to run once elsewhere. The first SIGINT/SIGTERM interrupts the tasks
in hand (recorded as `interrupted`, redone on resume) and stops the workers; a second kills them.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from agent.record import set_aside
from agent.status import CRASHED, MODEL_ERROR, NOT_FINAL, TIMEOUT

from .config import BatchConfig
from .plan import Plan, Planned
from .pool import BUSY, IDLE, STARTING, WorkerHandle, open_pool
from .progress import BatchView
from .results import finished, stamp, write_result
from .summary import Entry, summarize, write_summary

STOP_GRACE_S = 15.0
"""How long interrupted workers get to record their task and stop their apps before a kill."""
POLL_S = 0.5
"""Longest wait between two looks at deadlines and signals."""
LOST_TRIES = 3
"""How many times a task whose machine was lost under it goes back to the queue before it is
recorded as crashed (a task that brings its node down must not do so for ever)."""


class BatchAborted(Exception):
    """A worker could not start (no Xvfb, the model failed to load): no task can run."""


@dataclass
class Outcome:
    summary: dict[str, Any]
    interrupted: bool
    stopped: str | None = None
    """Why the batch stopped early by itself (the model cannot be asked), else None."""


class Batch:
    """Runs a Plan with `cfg.workers` worker processes, writing OUT/summary.json as it goes."""

    def __init__(self, cfg: BatchConfig, plan: Plan, view: BatchView, meta: dict[str, Any]):
        self.cfg, self.plan, self.view = cfg, plan, view
        self.meta = meta
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.results: dict[str, dict | None] = {t.key: plan.done.get(t.key) for t in plan.tasks}
        self.pending: deque[Planned] = deque(plan.todo)
        self.handles: dict[int, WorkerHandle] = {}
        self.generations = [0] * cfg.workers
        self.signals = 0
        self.model_errors = 0
        """Tasks in a row that ended because their model could not be asked."""
        self.stopped: str | None = None
        self.lost: dict[str, int] = {}
        """key -> times the task's machine was lost under it."""
        self.started, self.t0 = stamp(), time.monotonic()
        self.startup_s = 60.0 if cfg.replay is not None else 1800.0  # loading a model takes long

    # ---- the loop ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        self.pool = open_pool(self.cfg, self.token)  # a Ray cluster that cannot be reached raises BatchAborted
        old = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._record_skips()
            while not self.signals and not self.stopped:
                self._fill()
                if not self.pending and not self.handles:
                    break
                self._poll()
                self._check_deadlines()
        finally:
            try:
                self._shutdown()
            finally:
                self.pool.close()
                for s, handler in old.items():
                    signal.signal(s, handler)
                summary = self._write_summary(ended=True)
        return Outcome(summary, interrupted=self.signals > 0, stopped=self.stopped)

    def _on_signal(self, signum, frame) -> None:
        self.signals += 1
        self.view.note("stopping: interrupting the running tasks (again to kill them now)"
                       if self.signals == 1 else "killing the workers")

    def _record_skips(self) -> None:
        for item, status, reason in self.plan.skip:
            set_aside(item.folder)
            write_result(item.folder, item.identity(), status, reason)
            self.results[item.key] = finished(item.folder)
        if self.plan.skip:
            self.view.skipped([(item.key, status, reason) for item, status, reason in self.plan.skip])
            self._write_summary()

    def _fill(self) -> None:
        """Start workers while tasks wait, hand tasks to idle ones, let surplus ones go."""
        busy = sum(1 for h in self.handles.values() if h.state == BUSY)
        wanted = min(self.cfg.workers, busy + len(self.pending))
        for slot in range(self.cfg.workers):
            if slot not in self.handles and len(self.handles) < wanted:
                self._start(slot)
        for h in list(self.handles.values()):
            if h.state == STARTING and h.waits_for_room and not self.pending:
                self._forget(h)  # nothing left for it to do: stop waiting for the cluster to place it
                h.kill()
                continue
            if h.state != IDLE:
                continue
            if self.pending:
                item = self.pending.popleft()
                if (earlier := set_aside(item.folder)) is not None:
                    item.earlier = str(earlier.relative_to(self.cfg.out))
                self.view.worker(h.slot, f"{item.key}")
                if not h.assign(item):  # it died while idle: the task goes back to the queue
                    h.release()
                    self.pending.appendleft(item)
                    self._on_exit(h)
            else:
                h.ask_to_stop(interrupt=False)
                h.state = "closing"

    def _start(self, slot: int) -> None:
        self.generations[slot] += 1
        h = self.pool.start(slot, self.generations[slot])
        self.handles[slot] = h
        self.view.worker(slot, "starting")

    def _poll(self) -> None:
        now = time.monotonic()
        deadlines = [h.deadline for h in self.handles.values() if h.state == BUSY]
        timeout = max(0.0, min([POLL_S, *(d - now for d in deadlines)]))
        for h, msgs in self.pool.poll(timeout):
            for msg in msgs:
                self._on_message(h, msg)
            if h.closed and self.handles.get(h.slot) is h:
                self._on_exit(h)

    def _on_message(self, h: WorkerHandle, msg: dict) -> None:
        ev = msg.get("ev")
        if ev == "ready":
            h.state, h.display = IDLE, msg.get("display")
            self.view.worker(h.slot, f"ready on {h.display}")
        elif ev == "step" and h.item is not None:
            h.step = int(msg.get("step", 0)) + 1
            self.view.worker(h.slot, f"{h.item.key}  step {h.step}")
        elif ev == "done" and h.item is not None:
            item = h.release()
            self.view.worker(h.slot, "idle")
            status = msg.get("status")
            if status not in NOT_FINAL:
                self.model_errors = 0
                self._finished(item, finished(item.folder) or {**msg, "task_id": item.task.id})
            elif status == MODEL_ERROR:
                self._model_error(item, str(msg.get("error") or "the model could not be asked"))
        elif ev == "fatal":
            raise BatchAborted(f"worker {h.slot} could not start: {msg.get('error')}")

    def _on_exit(self, h: WorkerHandle) -> None:
        """The worker's socket closed: it exited or died. Record its task, clean up after it."""
        self._forget(h)
        code = h.reap(5)
        h.clean_up()
        if h.lost:
            self._lost(h)
            return
        if h.state == STARTING and not self.signals:
            raise BatchAborted(f"worker {h.slot} exited before it was ready (exit code {code}): {h.log_tail()}")
        if h.state == BUSY and h.item is not None and not self.signals:
            self._finished(h.item, write_result(
                h.item.folder, h.item.identity(), CRASHED,
                f"the worker process died (exit code {code}); see {h.log_path}", **h.facts()))

    def _lost(self, h: WorkerHandle) -> None:
        """The worker's machine is gone (a Ray node lost): its task goes back to the front of the
        queue, to run again elsewhere; nothing of it had reached OUT, so nothing is redone twice."""
        self.view.note(f"worker {h.slot}: lost its node {h.node or '(not placed yet)'}"
                       + (f"; {h.item.key} goes back to the queue" if h.item is not None else ""))
        item = h.item
        if item is None or self.signals:
            return
        self.lost[item.key] = tries = self.lost.get(item.key, 0) + 1
        if tries < LOST_TRIES:
            self.pending.appendleft(item)
            return
        self._finished(item, write_result(
            item.folder, item.identity(), CRASHED,
            f"its node was lost {tries} times while it ran; not tried again", **h.facts()))

    def _model_error(self, item: Planned, error: str) -> None:
        """A task whose model could not be asked is not a result (it stays pending for a resume);
        after `cfg.max_model_errors` of them in a row the batch stops instead of burning the queue."""
        self.model_errors += 1
        self.view.note(f"{item.key}: model error, left for a resume: {error}")
        if self.model_errors >= self.cfg.max_model_errors:
            self.stopped = (f"stopped: {self.model_errors} tasks in a row could not ask the model "
                            f"(last: {error}); they and the tasks not started are left for a resume")

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for h in list(self.handles.values()):
            if h.state == BUSY and now > h.deadline:
                self._forget(h)
                h.kill()
                item = h.item
                self._finished(item, write_result(
                    item.folder, item.identity(), TIMEOUT,
                    f"still running after {item.timeout_s:g} s (the task time limit): the worker was "
                    f"killed with its apps and replaced", **h.facts()))
            elif h.state == STARTING and now - h.started > self.startup_s:
                if h.waits_for_room and any(o.state in (IDLE, BUSY) for o in self.handles.values()):
                    continue  # the cluster has no room for it yet; the other workers carry on
                self._forget(h)
                h.kill()
                raise BatchAborted(f"worker {h.slot} did not start within {self.startup_s:g} s: {h.log_tail()}")

    def _forget(self, h: WorkerHandle) -> None:
        if self.handles.get(h.slot) is h:
            del self.handles[h.slot]
            self.pool.forget(h)
            self.view.worker(h.slot, None)

    def _finished(self, item: Planned, result: dict) -> None:
        self.results[item.key] = result
        self.view.finished(item.key, result)
        self._write_summary()

    # ---- the end ----------------------------------------------------------------------------

    def _shutdown(self) -> None:
        """Stop every worker: politely when the queue is empty, by interrupting on a signal or
        error; kill what is left after STOP_GRACE_S or at a second signal."""
        interrupt = bool(self.signals or self.stopped) or any(h.state == BUSY for h in self.handles.values())
        for h in self.handles.values():
            h.ask_to_stop(interrupt=interrupt)
        deadline = time.monotonic() + STOP_GRACE_S
        while self.handles and time.monotonic() < deadline and self.signals < 2:
            for h, msgs in self.pool.poll(0.2):
                for msg in msgs:
                    if msg.get("ev") == "done":
                        self._on_message(h, msg)
                if h.closed:
                    self._forget(h)
                    h.reap(5)
                    h.clean_up()
        for h in list(self.handles.values()):
            self._forget(h)
            h.kill()

    def _write_summary(self, ended: bool = False) -> dict[str, Any]:
        if ended:  # the files are the truth: a task may have ended as its worker was stopped
            for t in self.plan.tasks:
                self.results[t.key] = finished(t.folder) or self.results.get(t.key)
        entries = [Entry(t.folder.parent.name, t.folder.name, self.results.get(t.key)) for t in self.plan.tasks]
        body = summarize(entries, **self.meta, workers=self.cfg.workers, started=self.started,
                         ended=stamp() if ended else None, duration_s=round(time.monotonic() - self.t0, 1),
                         interrupted=self.signals > 0, stopped=self.stopped)
        write_summary(self.cfg.out, body)
        return body
