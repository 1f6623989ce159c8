"""Run one task end to end: a GuiEnv on the driver, the episode loop, the result files."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .env import GuiEnv
from .loop import run_episode
from .outcome import TaskResult

if TYPE_CHECKING:
    from drivers.base import Driver
    from drivers.settle import SettleConfig
    from tasks.task import Task

    from .policy import Policy
    from .steps import StepResult

__all__ = ["TaskResult", "run_task"]


def run_task(task: "Task", driver: "Driver", policy: "Policy", out: str | Path, *,
             env: dict[str, str] | None = None, cache_dir: Path | None = None,
             settle_cfg: "SettleConfig | None" = None, save_images: bool = True,
             on_step: Callable[["StepResult"], None] | None = None,
             meta: dict[str, Any] | None = None) -> TaskResult:
    """Set up `task`, run the episode, score it and write OUT/<domain>/<id>/ (see agent/env.py).

    `env` is the environment of the task's commands (default: ours plus the driver's). A bug of
    ours is recorded as `crashed` (crash.txt holds the traceback) and raised again.
    """
    world = GuiEnv(driver, out, env=env, cache_dir=cache_dir, settle_cfg=settle_cfg, save_images=save_images)
    try:
        return run_episode(world, policy, task, meta=meta, on_step=on_step)
    except Exception as exc:
        world.crash("".join(traceback.format_exception_only(exc)).strip(), traceback.format_exc())
        raise
    finally:
        world.close()
