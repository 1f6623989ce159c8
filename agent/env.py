"""GuiEnv: the world of one task at a time, behind reset / step / close.

It owns everything between a policy and the screen: the driver, the task's set-up and context,
settling, the checker, the limits and the recorder. `reset(task)` sets the task up in a clean
folder and returns the first screenshot; `step(turn)` carries out what the policy decided,
waits for the screen to settle, checks, applies the limits and records the step, and returns one
frozen StepResult. When a step ends the episode, its result is already written.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from drivers.actions import Answer, CallUser, Done, Wait
from drivers.base import ActionRefused, DriverError
from drivers.settle import SettleConfig, settle
from tasks.task import CheckError, MissingResource, SetupError, TaskContext, score_of

from . import status as st
from .outcome import Outcome, TaskResult, final_verdict, now, scratch_env
from .record import NullRecorder, Recorder, set_aside, task_dir
from .steps import StepResult

if TYPE_CHECKING:
    from PIL.Image import Image

    from drivers.actions import Action
    from drivers.base import Driver
    from tasks.task import Task

    from .steps import Turn

# Apps pause between their first and their real paint (LibreOffice shows a grey frame for
# ~0.6 s), so after set-up the screen must be still for longer than after an action.
# OSWorld sleeps a fixed 60 s here instead.
AFTER_SETUP = SettleConfig(quiet_s=1.0, timeout_s=30.0)
TERMINAL = frozenset({st.SUCCESS, st.DONE, st.INFEASIBLE, st.CALL_USER})
"""Endings of the task itself (Gymnasium's `terminated`); every other ending truncates."""
_ENDS_BY_ACTION = {"success": st.DONE, "failure": st.INFEASIBLE}


class TaskNotStarted(Exception):
    """reset() could not start the task; `result` (unsupported, setup_error, ...) is recorded."""

    def __init__(self, result: TaskResult):
        super().__init__(f"{result.status}: {result.error}")
        self.result = result


class GuiEnv:
    """One task at a time on `driver`, recorded in OUT/<domain>/<id>/ (no files when `out` is None).

    `env` is the environment of the task's commands (default: ours plus the driver's); $WORKDIR
    is the task's own folder, absolute and empty at every reset. The driver stays the caller's:
    close() stops what the task started, not the driver.
    """

    def __init__(self, driver: "Driver", out: str | Path | None = None, *, env: dict[str, str] | None = None,
                 cache_dir: Path | None = None, settle_cfg: SettleConfig | None = None, save_images: bool = True):
        self.driver, self.cache_dir = driver, cache_dir
        self.out = Path(out).resolve() if out is not None else None
        self.settle_cfg, self.save_images, self._env = settle_cfg, save_images, env
        self.task: "Task | None" = None
        self.history: list[StepResult] = []
        self.result: TaskResult | None = None
        """How the current episode ended, once it has."""
        self.deadline = float("inf")
        """The episode's time limit as a time.monotonic() value; policies get it every step."""
        self.prefetch: Callable[["Image"], None] | None = None
        """Told of a screenshot that is about to be the next observation, while the screen's
        quiet time is still being confirmed (drivers.settle's on_quiet): the loop sets the
        policy's prefetch here, which prepares the image for the model meanwhile."""
        self._ctx: TaskContext | None = None
        self._scratch: Path | None = None

    def reset(self, task: "Task", *, meta: dict[str, Any] | None = None) -> "Image":
        """Start `task` afresh (an earlier attempt is moved aside first, see record.set_aside), run
        its set-up, let the screen settle, and return the first screenshot. Raises TaskNotStarted,
        with the result recorded, when the task cannot start."""
        self.close()
        self.task, self.history, self.result = task, [], None
        folder, earlier, recorder = None, None, NullRecorder()
        if self.out is not None:
            folder = task_dir(self.out, task.domain, task.id)
            earlier = set_aside(folder)
            recorder = Recorder(folder, save_images=self.save_images)
            workdir = folder / "workdir"
        else:
            workdir = self._scratch = Path(tempfile.mkdtemp(prefix="gui-agent-task-")) / "workdir"
        workdir.mkdir()
        env = dict(self._env) if self._env is not None else scratch_env(self.driver)
        self._ctx = TaskContext(driver=self.driver, workdir=workdir, env={**env, "WORKDIR": str(workdir)},
                                cache_dir=self.cache_dir)
        self._outcome = Outcome(task, folder, recorder, self.driver, meta, earlier)
        self._format_errors, self._repeats, self._last_sig = 0, 0, ""
        if task.unsupported:
            raise TaskNotStarted(self._finish(st.UNSUPPORTED, "not supported yet: " + ", ".join(task.unsupported)))
        try:
            self._set_up(task)
        except MissingResource as exc:
            url = f" ({exc.url})" if exc.url and exc.url not in str(exc) else ""
            raise TaskNotStarted(self._finish(st.MISSING_RESOURCE, f"{exc}{url}")) from None
        except SetupError as exc:
            raise TaskNotStarted(self._finish(st.SETUP_ERROR, str(exc))) from None
        except DriverError as exc:
            raise TaskNotStarted(self._finish(st.DRIVER_ERROR, f"during set-up: {exc}")) from None
        self.deadline = time.monotonic() + task.limits.max_seconds
        return self._frame

    def _set_up(self, task: "Task") -> None:
        t = time.monotonic()
        for step in task.setup:
            step.run(self._ctx)
        self._outcome.info["setup_s"] = round(time.monotonic() - t, 3)
        if task.setup:
            self._outcome.info["setup_settle_ms"] = round(settle(self.driver.screenshot, None, AFTER_SETUP).ms, 1)
        t = time.monotonic()
        self._frame, self._frame_time = self.driver.screenshot(), now()
        self._capture_ms = (time.monotonic() - t) * 1000

    def step(self, turn: "Turn") -> StepResult:
        """Carry out `turn`, settle, check, apply the limits, record; the episode may end here."""
        if self._ctx is None or self.result is not None:
            raise RuntimeError("the episode has ended (or never began): call reset(task) first")
        index = len(self.history)
        ms = {"capture": round(self._capture_ms, 1), "model": round(turn.model_ms, 1)}
        shot = self._outcome.recorder.screenshot(index, self._frame)
        actions, error, status, why = tuple(turn.actions), turn.error, turn.ends, None
        frame, changed, score = self._frame, None, None
        if status is None and time.monotonic() > self.deadline:
            status, error = st.TIMEOUT, "out of time: the reply came after the time limit; not carried out"
        if status is None:
            try:
                frame, changed, score, status, error, why = self._carry_out(index, actions, error, ms)
            except DriverError as exc:  # the step happened, or half happened: it is recorded too
                status, error, why = st.DRIVER_ERROR, f"driver error: {exc}", str(exc)
        elif status == st.TIMEOUT:
            why = f"over {self.task.limits.max_seconds:g}s, while asking the model"
        elif status == st.MODEL_ERROR:
            why = (error or "").removeprefix("model error: ")
        verdict = final_verdict(status, self.task.checker, self._ctx) if status else None
        result = StepResult(index, actions, turn.raw_text, error, changed, frame,
                            reward=verdict.score if verdict else 0.0, terminated=status in TERMINAL,
                            truncated=bool(status) and status not in TERMINAL, status=status, score=score,
                            ms=ms, time=self._frame_time, screenshot=shot, info=turn.info)
        self.history.append(result)
        self._outcome.recorder.step(result.record())
        if status:
            self._finish(status, why, verdict)
        self._frame, self._frame_time, self._capture_ms = frame, now(), 0.0
        return result

    def _carry_out(self, index: int, actions: Sequence["Action"], error: str | None, ms: dict):
        """Act (unless the policy's reply was unusable), settle, check, apply the limits."""
        status, score = None, None
        if error is None:
            status, error = self._act(actions, ms)
        t = time.monotonic()  # settle after a format error too: the screen may still be moving
        settled = settle(self.driver.screenshot, self._frame, self.settle_cfg, on_quiet=self.prefetch)
        ms["settle"] = round((time.monotonic() - t) * 1000, 1)
        if self.task.checker is not None and self.task.limits.check_every_step and status is None:
            t = time.monotonic()
            try:
                score = score_of(self.task.checker, self._ctx)
            except CheckError:
                score = 0.0  # a world the checker cannot read is not solved (yet)
            ms["check"] = round((time.monotonic() - t) * 1000, 1)
        why = None
        if status is None:
            status, why = self._limit(index, actions, error, settled.changed, score)
        return settled.frame, settled.changed, score, status, error, why

    def _act(self, actions: Sequence["Action"], ms: dict) -> tuple[str | None, str | None]:
        """Execute actions in order: (an ending the actions ask for, or None; a refusal, or None)."""
        t = time.monotonic()
        try:
            for action in actions:
                self._ctx.decided.append(action)
                match action:
                    case Done():
                        return _ENDS_BY_ACTION[action.status], None
                    case CallUser():
                        return st.CALL_USER, None
                    case Answer():
                        pass  # for the checker: ctx.answer
                    case Wait() if action.seconds > self.deadline - time.monotonic():
                        time.sleep(max(0.0, self.deadline - time.monotonic()))  # the limit ends the wait
                    case _:
                        try:
                            self.driver.execute(action)
                        except ActionRefused as exc:  # the rest was planned on a wrong premise
                            return None, f"action refused: {exc}"
            return None, None
        finally:
            ms["execute"] = round((time.monotonic() - t) * 1000, 1)

    def _limit(self, index: int, actions, error: str | None, changed: bool, score: float | None):
        """(the ending a limit imposes after this step, why) or (None, None) to go on."""
        limits = self.task.limits
        if score is not None and score >= 1.0:
            return st.SUCCESS, None
        self._format_errors = self._format_errors + 1 if (error or "").startswith("format error") else 0
        if self._format_errors >= limits.max_format_errors:
            return st.FORMAT_ERRORS, error
        sig = "|".join(a.to_json() for a in actions)
        self._repeats = self._repeats + 1 if (sig and sig == self._last_sig and not changed) else 1
        self._last_sig = sig
        if sig and self._repeats >= limits.stuck_repeats:
            return st.STUCK, f"the same action {self._repeats} times with no screen change"
        if time.monotonic() > self.deadline:
            return st.TIMEOUT, f"over {limits.max_seconds:g}s"
        return (st.MAX_STEPS, None) if index + 1 >= limits.max_steps else (None, None)

    def _finish(self, status: str, error: str | None, verdict=None) -> TaskResult:
        """Write how the episode ended (scored now unless `verdict` is given) and stop the task's
        processes."""
        if verdict is None:
            verdict = final_verdict(status, self.task.checker, self._ctx)
        self.result = self._outcome.finish(status, verdict, error, self.history)
        self._stop_task()
        return self.result

    def interrupt(self) -> TaskResult | None:
        """Ctrl-C or a stop signal: record the episode as interrupted (not final)."""
        if self.result is None and self._ctx is not None:
            self._finish(st.INTERRUPTED, "interrupted")
        return self.result

    def crash(self, error: str, report: str) -> TaskResult | None:
        """A bug of ours ended the episode: record it (not final), the traceback in crash.txt."""
        if self.result is None and self._ctx is not None:
            self._outcome.crash_report = report
            self._finish(st.CRASHED, error)
        return self.result

    def _stop_task(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch.parent, ignore_errors=True)
            self._scratch = None

    def close(self) -> None:
        """Stop what the current task started; the driver stays open."""
        self._stop_task()
        if self._ctx is not None:
            self._outcome.recorder.close_streams()
        self._ctx = None
