"""Run one task end to end: set-up, the loop, the final check, the result files."""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from drivers.base import DriverError
from drivers.settle import SettleConfig, settle
from tasks.task import CheckError, MissingResource, SetupError, Task, TaskContext, explain

from . import loop
from .record import Recorder, set_aside, task_dir
from .status import CRASHED, DONE, DRIVER_ERROR, INTERRUPTED, MISSING_RESOURCE, NOT_FINAL, SETUP_ERROR, SUCCESS, UNSUPPORTED

if TYPE_CHECKING:
    from drivers.base import Driver

    from .policy import Policy

# Apps pause between their first and their real paint (LibreOffice shows a grey frame for
# ~0.6 s), so after set-up the screen must be still for longer than after an action.
# OSWorld sleeps a fixed 60 s here instead.
AFTER_SETUP = SettleConfig(quiet_s=1.0, timeout_s=30.0)


@dataclass
class TaskResult:
    task_id: str
    domain: str
    status: str
    score: float
    steps: int = 0
    error: str | None = None
    folder: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    check_reason: str | None = None
    """Why the checker did not give full marks, when it can say."""
    earlier_attempt: str | None = None
    """Where the attempt this one replaced was moved (OUT/.attempts/...), if any."""

    @property
    def solved(self) -> bool:
        return self.score >= 1.0

    @property
    def final(self) -> bool:
        """Done for good (result.txt written); False for an interrupted or model-less attempt."""
        return self.status not in NOT_FINAL


def _stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_task(task: Task, driver: "Driver", policy: "Policy", out: str | Path, *,
             env: dict[str, str] | None = None, cache_dir: Path | None = None,
             settle_cfg: SettleConfig | None = None, save_images: bool = True,
             on_step: Callable[[dict], None] | None = None, meta: dict[str, Any] | None = None) -> TaskResult:
    """Set up `task`, run the episode, score it and write OUT/<domain>/<id>/.

    `env` is the environment for the task's commands (defaults to ours plus the driver's);
    WORKDIR is set to the task's own folder `<result folder>/workdir`, an absolute path, fresh
    for every attempt: an earlier attempt in the folder is moved aside first (record.set_aside).
    An interrupted run, or one whose model could not be asked, leaves result.json without
    result.txt, so a re-run redoes it.
    """
    folder = task_dir(Path(out).resolve(), task.domain, task.id)
    earlier = set_aside(folder)
    recorder = Recorder(folder, save_images=save_images)
    workdir = folder / "workdir"
    workdir.mkdir()
    base_env = dict(env) if env is not None else {**os.environ, **getattr(driver, "env", {})}
    ctx = TaskContext(driver=driver, workdir=workdir, env={**base_env, "WORKDIR": str(workdir)},
                      cache_dir=cache_dir)
    info: dict[str, Any] = {"task_id": task.id, "domain": task.domain, "instruction": task.instruction,
                            "source": task.source, "driver": getattr(driver, "name", type(driver).__name__),
                            "started": _stamp(), **(meta or {})}
    if earlier is not None:
        info["earlier_attempt"] = str(earlier.relative_to(folder.parent.parent))
    started = time.monotonic()

    def finish(status: str, score: float, steps: int = 0, error: str | None = None,
               timings: dict | None = None, final: bool = True, reason: str | None = None) -> TaskResult:
        result = TaskResult(task.id, task.domain, status, score, steps, error, str(folder), timings or {},
                            reason, info.get("earlier_attempt"))
        body = {**info, **asdict(result), "ended": _stamp(),
                "duration_s": round(time.monotonic() - started, 3)}
        body.pop("folder")
        for key in ("check_reason", "earlier_attempt"):  # only when there is something to say
            if body[key] is None:
                del body[key]
        recorder.finish(body, final=final)
        return result

    try:
        if task.unsupported:
            return finish(UNSUPPORTED, 0.0, error="not supported yet: " + ", ".join(task.unsupported))
        t = time.monotonic()
        try:
            for step in task.setup:
                step.run(ctx)
        except MissingResource as exc:
            url = f" ({exc.url})" if exc.url and exc.url not in str(exc) else ""
            return finish(MISSING_RESOURCE, 0.0, error=f"{exc}{url}")
        except SetupError as exc:
            return finish(SETUP_ERROR, 0.0, error=str(exc))
        except DriverError as exc:
            return finish(DRIVER_ERROR, 0.0, error=f"during set-up: {exc}")
        info["setup_s"] = round(time.monotonic() - t, 3)
        if task.setup:
            info["setup_settle_ms"] = round(settle(driver.screenshot, None, AFTER_SETUP).ms, 1)
        episode = loop.run_episode(task.instruction, driver, policy, recorder, ctx=ctx, checker=task.checker,
                                   limits=task.limits, settle_cfg=settle_cfg, on_step=on_step)
        if episode.status in NOT_FINAL:
            return finish(episode.status, 0.0, episode.steps, episode.error, episode.timings_ms, final=False)
        score, info["check_error"] = _final_score(task, ctx, episode.status)
        reason = None
        if score < 1.0 and task.checker is not None and not info["check_error"] and episode.status != DRIVER_ERROR:
            reason = explain(task.checker, ctx)
        return finish(episode.status, score, episode.steps, episode.error, episode.timings_ms, reason=reason)
    except KeyboardInterrupt:
        finish(INTERRUPTED, 0.0, error="interrupted", final=False)
        raise
    except Exception as exc:
        finish(CRASHED, 0.0, error="".join(traceback.format_exception_only(exc)).strip(), final=False)
        (folder / "crash.txt").write_text(traceback.format_exc(), encoding="utf-8")
        raise
    finally:
        ctx.close()


def _final_score(task: Task, ctx: TaskContext, status: str) -> tuple[float, str | None]:
    """The score, and why the checker could not look at the world (None when it could)."""
    if status == SUCCESS:
        return 1.0, None
    if task.checker is None:
        return (1.0 if status == DONE else 0.0), None
    if status == DRIVER_ERROR:
        return 0.0, None
    try:
        return max(0.0, min(1.0, float(task.checker.score(ctx)))), None
    except (CheckError, DriverError) as exc:
        return 0.0, str(exc)
