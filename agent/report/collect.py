"""Reading a results folder into what the report shows: totals, tasks, their steps.

Everything read here was written by a run, and the model text in it is untrusted: this module
only reads and structures it; page.py escapes every piece when it writes HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.batch.results import SKIPPED, read_result
from agent.batch.summary import scan, summarize


@dataclass
class StepView:
    index: int
    image: str | None
    """Path of the screenshot relative to OUT, or None when it was not saved."""
    size: tuple[int, int] | None
    """Width and height of the screenshot in pixels (None when unreadable)."""
    actions: list[dict[str, Any]]
    raw: str
    error: str | None
    ms: dict[str, float]
    info: dict[str, Any]
    score: float | None
    changed: bool | None


@dataclass
class TaskView:
    domain: str
    task_id: str
    folder: str
    """OUT-relative folder, '<domain>/<task>'."""
    result: dict[str, Any]
    finished: bool
    steps: list[StepView] = field(default_factory=list)
    crash: str | None = None
    """The traceback in crash.txt, when the runner crashed."""

    @property
    def status(self) -> str:
        return str(self.result.get("status") or ("pending" if not self.finished else "unknown"))

    @property
    def score(self) -> float:
        return float(self.result.get("score") or 0.0) if self.finished else 0.0

    @property
    def outcome(self) -> str:
        """solved / skipped / failed / pending: the coarse filter of the page."""
        if not self.finished:
            return "pending"
        if self.score >= 1.0:
            return "solved"
        return "skipped" if self.status in SKIPPED else "failed"


@dataclass
class ReportData:
    out: Path
    summary: dict[str, Any]
    tasks: list[TaskView]


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(path) as im:  # reads the header only
            return im.size
    except Exception:
        return None


def read_steps(folder: Path, rel: str) -> list[StepView]:
    """The steps of traj.jsonl; a torn last line (a killed run) is left out."""
    steps: list[StepView] = []
    try:
        lines = (folder / "traj.jsonl").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return steps
    size: tuple[int, int] | None = None
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if not isinstance(rec, dict):
            continue
        shot = rec.get("screenshot")
        image = None
        if isinstance(shot, str) and "/" not in shot and (folder / shot).is_file():
            image = f"{rel}/{shot}"
            size = size or _image_size(folder / shot)  # every screenshot of a task has one size
        actions = rec.get("actions")
        if actions is None and isinstance(rec.get("action"), dict):
            actions = [rec["action"]]
        steps.append(StepView(
            index=int(rec.get("step", len(steps))), image=image, size=size if image else None,
            actions=[a for a in actions or [] if isinstance(a, dict)], raw=str(rec.get("raw") or ""),
            error=rec.get("error"), ms=rec.get("ms") if isinstance(rec.get("ms"), dict) else {},
            info=rec.get("info") if isinstance(rec.get("info"), dict) else {},
            score=rec.get("score"), changed=rec.get("screen_changed")))
    return steps


def collect(out: Path) -> ReportData:
    """Everything under OUT that a run recorded (see agent.batch.summary.scan)."""
    out = Path(out)
    entries = scan(out)
    summary = summarize(entries, out=str(out))
    old = _summary_file(out)
    for key in ("policy", "screen", "workers", "started", "ended", "paths"):
        if key in old:
            summary[key] = old[key]
    tasks = []
    for e in entries:
        folder = out / e.domain / e.task_id
        rel = f"{e.domain}/{e.task_id}"
        result = e.result if e.result is not None else (read_result(folder) or {})
        crash = None
        if (folder / "crash.txt").is_file():
            crash = (folder / "crash.txt").read_text(encoding="utf-8", errors="replace")[-20000:]
        tasks.append(TaskView(e.domain, e.task_id, rel, result, e.result is not None, read_steps(folder, rel), crash))
    return ReportData(out, summary, tasks)


def _summary_file(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
