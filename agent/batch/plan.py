"""Which tasks a batch runs, which it skips and why, decided before any worker starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.record import safe_name, task_dir
from agent.status import NO_REPLAY, UNSUPPORTED
from tasks.task import Task, TaskFileError

from .config import BatchConfig
from .results import finished


@dataclass
class Planned:
    """One task of the batch and where its results go."""

    task: Task
    folder: Path
    """OUT/<domain>/<task_id>."""
    cache_dir: Path | None
    timeout_s: float
    """Hard wall-clock limit, seconds."""
    replay: Path | None = None
    """The task's recorded trajectory when --replay is given."""
    earlier: str | None = None
    """Where its earlier attempt was moved (OUT-relative), once the batch has set it aside."""

    @property
    def key(self) -> str:
        """domain/task_id as the results layout names it."""
        return f"{self.folder.parent.name}/{self.folder.name}"

    def identity(self) -> dict:
        """The fields every result.json starts with."""
        t = self.task
        return {"task_id": t.id, "domain": t.domain, "instruction": t.instruction, "source": t.source}


@dataclass
class Plan:
    tasks: list[Planned] = field(default_factory=list)
    """Every task, in the order given, duplicates dropped."""
    todo: list[Planned] = field(default_factory=list)
    """Tasks a worker must run."""
    skip: list[tuple[Planned, str, str]] = field(default_factory=list)
    """(task, status, reason) to record without running: unsupported, no replay file."""
    done: dict[str, dict] = field(default_factory=dict)
    """key -> result of tasks finished by an earlier run, not run again."""


def load_all(paths: list[Path]) -> list[tuple[Task, Path]]:
    """Every task of every path with the path it came from; TaskFileError lists all problems."""
    from tasks.load import load_tasks

    out: list[tuple[Task, Path]] = []
    problems: list[str] = []
    for path in paths:
        try:
            out.extend((t, Path(path)) for t in load_tasks(path))
        except TaskFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise TaskFileError(problems)
    return out


def suite_cache(path: Path) -> Path | None:
    """The `cache/` folder of a suite: beside an index file, or inside a suite folder."""
    base = path if path.is_dir() else path.parent
    return base / "cache" if (base / "cache").is_dir() else None


def make_plan(cfg: BatchConfig) -> Plan:
    """Load the tasks and sort them into done / skip / todo.

    Raises TaskFileError on bad input: a file with mistakes, no task at all, or two different
    task files with the same domain and id (one result folder cannot hold both). The same
    file named twice (a folder and an index listing it) is one task.
    """
    plan = Plan()
    seen: dict[str, Planned] = {}
    clashes: list[str] = []
    loaded = load_all(cfg.paths)
    if not loaded:
        raise TaskFileError([f"{', '.join(str(p) for p in cfg.paths)}: no task files found "
                             "(expected .yaml/.yml task files, OSWorld .json tasks or an OSWorld index)"])
    for task, path in loaded:
        item = Planned(task, task_dir(cfg.out, task.domain, task.id),
                       cfg.cache_dir or suite_cache(path), cfg.timeout_for(task.limits.max_seconds))
        if item.key in seen:
            first = seen[item.key].task
            if first.source != task.source:
                clashes.append(f"{task.source}: id: {task.domain}/{task.id} is also the id of {first.source}; "
                               "give each task its own id")
            continue
        seen[item.key] = item
        plan.tasks.append(item)
        result = finished(item.folder)
        if result is not None and result.get("status") not in cfg.retry:
            plan.done[item.key] = result
            continue
        why = _skip_reason(item, cfg)
        if why:
            plan.skip.append((item, *why))
        else:
            plan.todo.append(item)
    if clashes:
        raise TaskFileError(clashes)
    return plan


def _skip_reason(item: Planned, cfg: BatchConfig) -> tuple[str, str] | None:
    task = item.task
    if task.unsupported:
        return UNSUPPORTED, "not supported yet: " + ", ".join(task.unsupported)
    if task.platform != "desktop":
        return UNSUPPORTED, (f"platform:{task.platform}: batch workers drive virtual desktops; "
                             f"run it with `gui-agent run --driver {task.platform}`")
    if cfg.replay is not None:
        item.replay = replay_file(cfg.replay, task.id)
        if item.replay is None:
            return NO_REPLAY, f"no recorded trajectory {cfg.replay / (safe_name(task.id) + '.jsonl')}"
    return None


def replay_file(folder: Path, task_id: str) -> Path | None:
    """The recorded trajectory of a task: DIR/<folder name>.jsonl (the name its results folder
    has), else DIR/<task id>.jsonl when the id can be a file name at all."""
    for name in dict.fromkeys([safe_name(task_id), task_id]):
        if "/" in name or name in (".", "..") or len(f"{name}.jsonl".encode("utf-8", "surrogatepass")) > 255:
            continue
        path = folder / f"{name}.jsonl"
        try:
            if path.is_file():
                return path
        except (OSError, ValueError):  # a name the file system refuses
            continue
    return None
