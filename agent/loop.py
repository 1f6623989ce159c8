"""The episode loop: ask the policy, let the environment carry it out, until the episode ends.

Everything about the world (set-up, acting, settling, checking, limits, recording) is the
environment's (agent/env.py); everything about deciding is the policy's (agent/policy.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable, Sequence

from .env import TaskNotStarted
from .policy import FormatError, OutOfTime, PolicyError
from .status import MODEL_ERROR, TIMEOUT
from .steps import Turn

if TYPE_CHECKING:
    from PIL.Image import Image

    from tasks.task import Task

    from .env import GuiEnv
    from .outcome import TaskResult
    from .policy import Policy
    from .steps import StepResult


def run_episode(env: "GuiEnv", policy: "Policy", task: "Task", *, meta: dict | None = None,
                on_step: Callable[["StepResult"], None] | None = None) -> "TaskResult":
    """Run `task` in `env` with `policy` until the episode ends; return how it ended (recorded).

    Ctrl-C (KeyboardInterrupt) ends it as `interrupted`, which is not final.
    """
    try:
        screenshot = env.reset(task, meta=meta)
        if callable(getattr(policy, "reset", None)):
            policy.reset()
        env.prefetch = getattr(policy, "prefetch", None)  # work on the next screenshot while it settles
        while True:
            result = env.step(ask(policy, task.instruction, screenshot, env.history, env.deadline))
            if on_step is not None:
                on_step(result)
            if result.done:
                return env.result
            screenshot = result.observation
    except TaskNotStarted as exc:
        return exc.result
    except KeyboardInterrupt:
        return env.interrupt()


def ask(policy: "Policy", instruction: str, screenshot: "Image", history: Sequence["StepResult"],
        deadline: float) -> Turn:
    """The policy's decision as a Turn; a reply it cannot use, or no reply at all, included."""
    started = time.monotonic()
    try:
        decision = policy.decide(instruction, screenshot, history, deadline=deadline)
    except FormatError as exc:
        return Turn((), exc.raw_text, exc.info, _ms(started), error=f"format error: {exc.reason}")
    except PolicyError as exc:
        if isinstance(exc, OutOfTime) or time.monotonic() > deadline:
            return Turn((), "", {}, _ms(started), error=f"out of time: {exc}", ends=TIMEOUT)
        return Turn((), "", {}, _ms(started), error=f"model error: {exc}", ends=MODEL_ERROR)
    return Turn(tuple(decision.actions), decision.raw_text, decision.info, _ms(started))


def _ms(since: float) -> float:
    return (time.monotonic() - since) * 1000
