"""Reading a results folder into what the report shows: totals, tasks, their steps, and what
is wrong in the files (fields.Problem).

Everything read here was written by a run, and the model text in it is untrusted: this module
only reads, checks and structures it; page.py escapes every piece when it writes HTML.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.batch.summary import Entry, summarize
from agent.status import SKIPPED

from .fields import RESULT, STEP, SUMMARY, Problem, checked, kind, load_object, shown


@dataclass
class StepView:
    index: int
    image: str | None
    """Path of the screenshot relative to OUT, or None when it was not saved."""
    size: tuple[int, int] | None
    """Width and height of the screenshot in pixels (None when unreadable)."""
    actions: list[dict[str, Any]]
    """The step's valid canonical actions (an invalid one is a Problem instead)."""
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
    """result.json without its malformed fields; for a finished task, score is result.txt's."""
    finished: bool
    steps: list[StepView] = field(default_factory=list)
    crash: str | None = None
    """The traceback in crash.txt, when the runner crashed."""
    problems: list[Problem] = field(default_factory=list)
    """What is wrong in this task's files."""

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
    problems: list[Problem] = field(default_factory=list)
    """Every problem found: the tasks' and those of files of no task (summary.json)."""

    @property
    def problem_files(self) -> list[str]:
        return sorted({p.file for p in self.problems})


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(path) as im:  # reads the header only
            return im.size
    except Exception:
        return None


def _read_text(path: Path, file: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, None, f"not UTF-8 text (byte {exc.start})"))
    except OSError as exc:
        problems.append(Problem(file, None, f"cannot be read: {exc.strerror or exc}"))
    return None


def _action_problem(action: Any) -> str | None:
    from pydantic import ValidationError

    from drivers.actions import describe_error, parse_action

    if not isinstance(action, dict):
        return f"holds {kind(action)}, not an action object"
    try:
        parse_action(action)
    except ValidationError as exc:
        return f"not a valid action: {describe_error(exc)}"
    except (TypeError, ValueError) as exc:
        return f"not a valid action: {exc}"
    return None


def read_steps(folder: Path, rel: str, problems: list[Problem] | None = None) -> list[StepView]:
    """The steps of traj.jsonl; a line or field that is not what the runner writes is left out
    and added to `problems`."""
    problems = [] if problems is None else problems
    path, file = folder / "traj.jsonl", f"{rel}/traj.jsonl"
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(file, None, f"cannot be read: {exc.strerror or exc}"))
        return []
    lines = data.split(b"\n")
    steps: list[StepView] = []
    size: tuple[int, int] | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(Problem(file, number, f"not UTF-8 text (byte {exc.start})"))
            continue
        except ValueError as exc:
            torn = number == len(lines)  # no newline after it: the run stopped while writing it
            problems.append(Problem(file, number, "cut off (the run was stopped while writing it)" if torn
                                    else f"not valid JSON ({getattr(exc, 'msg', exc)})"))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(file, number, f"holds {kind(rec)}, not a JSON object"))
            continue
        rec = checked(rec, STEP, file, number, problems)
        actions = rec.get("actions")
        if actions is None and rec.get("action") is not None:
            actions = [rec["action"]]
        valid = []
        for i, action in enumerate(actions or [], 1):
            problem = _action_problem(action)
            if problem:
                problems.append(Problem(file, number, f"action {i} {shown(action)}: {problem}"))
            else:
                valid.append(action)
        shot, image = rec.get("screenshot"), None
        if shot and "/" not in shot and (folder / shot).is_file():
            image = f"{rel}/{shot}"
            size = size or _image_size(folder / shot)  # every screenshot of a task has one size
        steps.append(StepView(
            index=rec.get("step", len(steps)), image=image, size=size if image else None, actions=valid,
            raw=rec.get("raw") or "", error=rec.get("error"), ms=rec.get("ms") or {},
            info=rec.get("info") or {}, score=rec.get("score"), changed=rec.get("screen_changed")))
    return steps


def _score_of(text: str | None, file: str, problems: list[Problem]) -> float:
    """The score in result.txt: a number from 0 to 1, else 0 and a problem."""
    if text is None:
        return 0.0
    try:
        score = float(text.strip())
    except ValueError:
        score = math.nan
    if not (math.isfinite(score) and 0 <= score <= 1):
        problems.append(Problem(file, None, f"holds {shown(text.strip())}, not a score (a number from 0 to 1)"))
        return 0.0
    return score


def read_task(out: Path, domain: str, task_id: str) -> TaskView:
    """One task folder: its result (checked), steps and crash report, and their problems."""
    folder, rel = out / domain / task_id, f"{domain}/{task_id}"
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    if (folder / "result.json").exists():
        text = _read_text(folder / "result.json", f"{rel}/result.json", problems)
        body = load_object(text, f"{rel}/result.json", problems) if text is not None else None
        result = checked(body, RESULT, f"{rel}/result.json", None, problems) if body is not None else {}
    finished = (folder / "result.txt").is_file()
    if finished:
        result["score"] = _score_of(_read_text(folder / "result.txt", f"{rel}/result.txt", problems),
                                    f"{rel}/result.txt", problems)
    crash = None
    if (folder / "crash.txt").is_file():
        text = _read_text(folder / "crash.txt", f"{rel}/crash.txt", [])
        crash = text[-20000:] if text is not None else "(crash.txt could not be read as UTF-8 text)"
    steps = read_steps(folder, rel, problems)
    return TaskView(domain, task_id, rel, result, finished, steps, crash, problems)


def task_folders(out: Path) -> list[tuple[str, str]]:
    """(domain, task_id) of every OUT/<domain>/<task_id>/ with a result.json or result.txt, even
    an unreadable one (agent.batch.summary.scan leaves those out). Dot folders and the report's
    own folder are not domains."""
    found = []
    for domain in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if domain.name == "report" and (domain / "index.html").exists():
            continue
        for folder in sorted(p for p in domain.iterdir() if p.is_dir()):
            if (folder / "result.json").exists() or (folder / "result.txt").exists():
                found.append((domain.name, folder.name))
    return found


def collect(out: Path) -> ReportData:
    """Everything under OUT that a run recorded. Raises OSError when OUT cannot be listed."""
    out = Path(out)
    tasks = [read_task(out, domain, task_id) for domain, task_id in task_folders(out)]
    # The totals come from the checked results, so a bad field cannot make them fail or NaN.
    summary = summarize([Entry(t.domain, t.task_id, t.result if t.finished else None) for t in tasks],
                        out=str(out))
    problems = [p for t in tasks for p in t.problems]
    if (out / "summary.json").exists():
        text = _read_text(out / "summary.json", "summary.json", problems)
        old = load_object(text, "summary.json", problems) if text is not None else None
        old = checked(old, SUMMARY, "summary.json", None, problems) if old is not None else {}
        for key in SUMMARY:
            if old.get(key) is not None:
                summary[key] = old[key]
    return ReportData(out, summary, tasks, problems)
