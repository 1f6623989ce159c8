"""How an attempt ended, scored and written: TaskResult, the final verdict, result.json/.txt."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.base import DriverError
from tasks.task import Verdict, judge

from . import status as st

if TYPE_CHECKING:
    from tasks.task import Checker, Task, TaskContext

    from .record import NullRecorder, Recorder
    from .steps import StepResult

NEVER_RAN = frozenset({st.SETUP_ERROR, st.MISSING_RESOURCE, st.UNSUPPORTED, st.NO_REPLAY})


def now() -> str:
    """UTC, ISO 8601, to the millisecond (a step's time)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def stamp() -> str:
    """UTC, ISO 8601, to the second (a result's start and end)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
    """Where the attempt this one replaced was moved (OUT-relative: .attempts/...), if any."""

    @property
    def solved(self) -> bool:
        return self.score >= 1.0

    @property
    def final(self) -> bool:
        """Done for good (result.txt written); False for an interrupted or model-less attempt."""
        return self.status not in st.NOT_FINAL and self.status != st.CRASHED


def final_verdict(status: str, checker: "Checker | None", ctx: "TaskContext") -> Verdict | None:
    """The score an episode that ended with `status` gets; None when it gets none (not final)."""
    if status in st.NOT_FINAL or status == st.CRASHED:
        return None
    if status == st.SUCCESS:
        return Verdict(1.0)
    if status in NEVER_RAN or status == st.DRIVER_ERROR:  # no world to look at
        return Verdict(0.0)
    if checker is None:
        return Verdict(1.0 if status == st.DONE else 0.0)
    try:
        return judge(checker, ctx)
    except DriverError as exc:  # a checker that reads the device lost it
        return Verdict(0.0, error=str(exc))


class Outcome:
    """Writes one attempt's result: result.json, then result.txt (the score) when final."""

    def __init__(self, task: "Task", folder: Path | None, recorder: "Recorder | NullRecorder",
                 driver: Any, meta: dict[str, Any] | None, earlier: Path | None):
        self.task, self.folder, self.recorder = task, folder, recorder
        self.t0 = time.monotonic()
        self.info: dict[str, Any] = {
            "task_id": task.id, "domain": task.domain, "instruction": task.instruction, "source": task.source,
            "driver": getattr(driver, "name", type(driver).__name__),
            "started": stamp(), **(meta or {})}
        if earlier is not None:
            self.info["earlier_attempt"] = str(earlier.relative_to(folder.parent.parent))
        self.crash_report: str | None = None

    def finish(self, status: str, verdict: Verdict | None, error: str | None,
               history: list["StepResult"]) -> TaskResult:
        timings: dict[str, float] = {}
        for step in history:
            for key, value in step.ms.items():
                timings[key] = round(timings.get(key, 0.0) + value, 1)
        result = TaskResult(self.task.id, self.task.domain, status, verdict.score if verdict else 0.0,
                            len(history), error, str(self.folder or ""), timings,
                            verdict.reason if verdict else None, self.info.get("earlier_attempt"))
        body = {**self.info, "check_error": verdict.error if verdict else None, **asdict(result),
                "ended": stamp(), "duration_s": round(time.monotonic() - self.t0, 3)}
        body.pop("folder")
        for key in ("check_reason", "earlier_attempt"):  # only when there is something to say
            if body[key] is None:
                del body[key]
        if verdict and verdict.parts:
            body["metrics"] = list(verdict.parts)
        if self.crash_report and self.folder is not None:
            (self.folder / "crash.txt").write_text(self.crash_report, encoding="utf-8")
        self.recorder.finish(body, final=result.final)
        return result


def scratch_env(driver: Any) -> dict[str, str]:
    """The environment of a task's commands when the caller gives none: ours and the driver's."""
    return {**os.environ, **getattr(driver, "env", {})}
