"""The loop: observe -> decide -> execute -> settle -> check, recording each step as it ends."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from drivers.actions import Answer, CallUser, Done, Wait
from drivers.base import ActionRefused, DriverError
from drivers.settle import SettleConfig, settle
from tasks.task import CheckError, Limits

from .policy import FormatError, OutOfTime, PolicyError, Step
from .status import (CALL_USER, DONE, DRIVER_ERROR, FORMAT_ERRORS, INFEASIBLE, INTERRUPTED, MAX_STEPS, MODEL_ERROR,
                     STUCK, SUCCESS, TIMEOUT)

if TYPE_CHECKING:
    from drivers.base import Driver
    from tasks.task import Checker, TaskContext

    from .policy import Policy
    from .record import Recorder


@dataclass
class Episode:
    status: str
    steps: int
    error: str | None = None
    history: list[Step] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def run_episode(instruction: str, driver: "Driver", policy: "Policy", recorder: "Recorder", *,
                ctx: "TaskContext", checker: "Checker | None" = None, limits: Limits | None = None,
                settle_cfg: SettleConfig | None = None, on_step: Callable[[dict], None] | None = None) -> Episode:
    """Run one episode and return how it ended. Every step is in `recorder` before the next begins.

    World errors (ActionRefused) and format errors become observations in the history; a
    DriverError ends the episode. KeyboardInterrupt ends it as `interrupted`. The time limit
    holds inside a step too: the policy gets the deadline, a reply that comes after it is not
    executed, and a wait is cut short at it.
    """
    limits = limits or Limits()
    history: list[Step] = []
    totals = {"capture": 0.0, "model": 0.0, "execute": 0.0, "settle": 0.0, "check": 0.0}
    start = time.monotonic()
    deadline = start + limits.max_seconds
    format_errors = repeats = 0
    last_sig: str | None = None

    def end(status: str, error: str | None = None) -> Episode:
        return Episode(status, len(history), error, history, {k: round(v, 1) for k, v in totals.items()})

    def write(record: dict, ms: dict) -> None:
        """A step that ends the episode before its check: counted, recorded, reported."""
        for k, v in ms.items():
            totals[k] += v
        recorder.step(record)
        if on_step:
            on_step(record)

    try:
        t = time.monotonic()
        frame = driver.screenshot()
        capture_ms = (time.monotonic() - t) * 1000
        for index in range(limits.max_steps):
            if time.monotonic() - start > limits.max_seconds:
                return end(TIMEOUT, f"over {limits.max_seconds:g}s")
            record: dict[str, Any] = {"step": index, "time": _now(), "screenshot": recorder.screenshot(index, frame)}
            ms = {"capture": round(capture_ms, 1)}
            step = Step(index=index, actions=[])
            t = time.monotonic()
            try:
                decision = policy.decide(instruction, frame, history, deadline=deadline)
            except FormatError as exc:
                ms["model"] = round((time.monotonic() - t) * 1000, 1)
                format_errors += 1
                step.raw_text, step.error = exc.raw_text, f"format error: {exc.reason}"
                record.update(raw=exc.raw_text, actions=[], action=None, error=step.error, info=exc.info)
            except PolicyError as exc:
                ms["model"] = round((time.monotonic() - t) * 1000, 1)
                timed_out = isinstance(exc, OutOfTime) or time.monotonic() > deadline
                record.update(raw="", actions=[], action=None, ms=ms,
                              error=f"{'out of time' if timed_out else 'model error'}: {exc}")
                write(record, ms)
                if timed_out:
                    return end(TIMEOUT, f"over {limits.max_seconds:g}s, while asking the model")
                return end(MODEL_ERROR, str(exc))
            else:
                ms["model"] = round((time.monotonic() - t) * 1000, 1)
                format_errors = 0
                step.actions, step.raw_text = list(decision.actions), decision.raw_text
                record.update(raw=decision.raw_text, actions=[a.model_dump() for a in decision.actions],
                              action=decision.actions[0].model_dump() if decision.actions else None,
                              error=None, info=decision.info)
                if time.monotonic() > deadline:
                    record.update(ms=ms, error="out of time: the reply came after the time limit; not carried out")
                    write(record, ms)
                    return end(TIMEOUT, f"over {limits.max_seconds:g}s, while asking the model")
            try:
                outcome = _act(step, driver, ctx, ms, deadline) if step.error is None else None
                # Settle even after a format error: the screen may still be moving from before.
                t = time.monotonic()
                settled = settle(driver.screenshot, frame, settle_cfg)
                ms["settle"] = round((time.monotonic() - t) * 1000, 1)
            except DriverError as exc:
                # The step happened (or half happened): it belongs in the trajectory too.
                record.update(ms=ms, error=f"driver error: {exc}")
                write(record, ms)
                history.append(step)
                raise
            step.screen_changed = settled.changed
            frame, capture_ms = settled.frame, 0.0
            record.update(ms=ms, screen_changed=settled.changed)
            if step.error and record["error"] is None:
                record["error"] = step.error
            history.append(step)
            for k, v in ms.items():
                totals[k] += v
            score = None
            if checker is not None and limits.check_every_step and outcome is None:
                t = time.monotonic()
                score = _safe_score(checker, ctx)
                totals["check"] += (time.monotonic() - t) * 1000
                record["score"] = score
            recorder.step(record)
            if on_step:
                on_step(record)
            if outcome is not None:
                return end(outcome)
            if score is not None and score >= 1.0:
                return end(SUCCESS)
            if format_errors >= limits.max_format_errors:
                return end(FORMAT_ERRORS, step.error)
            sig = "|".join(a.to_json() for a in step.actions)
            repeats = repeats + 1 if (sig and sig == last_sig and not settled.changed) else 1
            last_sig = sig
            if sig and repeats >= limits.stuck_repeats:
                return end(STUCK, f"the same action {repeats} times with no screen change")
        return end(MAX_STEPS)
    except DriverError as exc:
        return end(DRIVER_ERROR, str(exc))
    except KeyboardInterrupt:
        return end(INTERRUPTED, "interrupted")


def _act(step: Step, driver: "Driver", ctx: "TaskContext", ms: dict, deadline: float) -> str | None:
    """Execute a decision's actions in order; return an ending status when one ends the episode."""
    t = time.monotonic()
    try:
        for action in step.actions:
            ctx.last_action = action
            match action:
                case Done(status="success"):
                    return DONE
                case Done():
                    return INFEASIBLE
                case CallUser():
                    return CALL_USER
                case Answer():
                    ctx.answer = action.text
                case Wait() if action.seconds > deadline - time.monotonic():
                    time.sleep(max(0.0, deadline - time.monotonic()))  # the limit ends the wait
                case _:
                    try:
                        driver.execute(action)
                    except ActionRefused as exc:
                        step.error = f"action refused: {exc}"
                        return None  # the rest of the decision was planned on a wrong premise
        return None
    finally:
        ms["execute"] = round((time.monotonic() - t) * 1000, 1)


def _safe_score(checker: "Checker", ctx: "TaskContext") -> float:
    try:
        return max(0.0, min(1.0, float(checker.score(ctx))))
    except CheckError:
        return 0.0  # a world the checker cannot read is not solved; a lost driver ends the episode
