"""Which tasks a batch runs, which it skips and why, decided before any worker starts."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from agent import runner
from agent.record import task_dir
from tasks.task import Task, TaskFileError

from .config import BatchConfig
from .results import NO_REPLAY, finished


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
    warnings: list[str] = field(default_factory=list)


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
    """Load the tasks and sort them into done / skip / todo. Raises TaskFileError on bad input."""
    plan = Plan()
    seen: dict[str, Planned] = {}
    for task, path in load_all(cfg.paths):
        item = Planned(task, task_dir(cfg.out, task.domain, task.id),
                       cfg.cache_dir or suite_cache(path), cfg.timeout_for(task.limits.max_seconds))
        if item.key in seen:
            plan.warnings.append(f"{task.source}: task {item.key} is already in the batch "
                                 f"(from {seen[item.key].task.source}); this one is left out")
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
    return plan


def _skip_reason(item: Planned, cfg: BatchConfig) -> tuple[str, str] | None:
    task = item.task
    if task.unsupported:
        return runner.UNSUPPORTED, "not supported yet: " + ", ".join(task.unsupported)
    if task.platform != "desktop":
        return runner.UNSUPPORTED, (f"platform:{task.platform}: batch workers drive virtual desktops; "
                                    f"run it with `gui-agent run --driver {task.platform}`")
    if cfg.replay is not None:
        item.replay = cfg.replay / f"{task.id}.jsonl"
        if not item.replay.is_file():
            return NO_REPLAY, f"no recorded trajectory {item.replay}"
    return None


def clear_folder(folder: Path) -> None:
    """Remove what an earlier attempt left (steps, workdir), so a task about to run starts from
    scratch: a half-done attempt, or a finished one being retried."""
    if folder.exists():
        shutil.rmtree(folder)
