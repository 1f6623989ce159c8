"""How much of a set of tasks this tool can run: the figures `gui-agent check --json` prints."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from ..task import Task


def osworld_support(tasks: Iterable[Task], valid: int | None = None, total: int | None = None) -> dict:
    """{"tasks": N, "valid": N, "runnable": N, "unsupported": {"<kind>:<name>": tasks}}.

    `runnable` counts tasks whose `unsupported` list is empty (every set-up step, getter and
    metric implemented; files to download are not counted against it). `unsupported` counts,
    per missing feature, the tasks that need it, most needed first. `valid`/`total` default to
    the number of tasks given (pass them when some files did not load)."""
    tasks = list(tasks)
    need: Counter[str] = Counter()
    for task in tasks:
        need.update(set(task.unsupported))
    ordered = dict(sorted(need.items(), key=lambda kv: (-kv[1], kv[0])))
    n_valid = len(tasks) if valid is None else valid
    return {"tasks": n_valid if total is None else total, "valid": n_valid,
            "runnable": sum(1 for t in tasks if not t.unsupported), "unsupported": ordered}
