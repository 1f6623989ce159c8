"""Load tasks from our YAML files, OSWorld JSON files, folders, or an OSWorld index."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from .spec import CHECK_KINDS, STEP_KINDS, TaskSpec
from .task import Task, TaskFileError

YAML_SUFFIXES = (".yaml", ".yml")
_ALL_KINDS = set(STEP_KINDS) | set(CHECK_KINDS)


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after",) or str(part).startswith(("function-", "tagged-union")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _problems(path: Path, err: ValidationError) -> list[str]:
    lines = []
    for e in err.errors():
        # Tagged unions add the kind as an extra path part; it adds nothing for a reader.
        raw = e["loc"]
        loc = tuple(p for i, p in enumerate(raw) if not _is_tag(raw, i))
        where = _loc(loc) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: {where}: {msg}")
    return lines


def _is_tag(loc: tuple, i: int) -> bool:
    part = loc[i]
    if not isinstance(part, str) or part not in _ALL_KINDS or i == 0:
        return False
    # A union member's tag follows a list index or a field whose type is the union itself.
    return isinstance(loc[i - 1], int) or loc[i - 1] in ("checker", "not") or loc[i + 1:i + 2] == (part,)


def load_yaml_task(path: str | Path) -> Task:
    """Load and validate one YAML task file; raise TaskFileError with one line per problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaskFileError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise TaskFileError([f"{path}: {where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(data, dict):
        raise TaskFileError([f"{path}: (top level): a task file must be a mapping of fields"])
    try:
        spec = TaskSpec.model_validate(data)
    except ValidationError as exc:
        raise TaskFileError(_problems(path, exc)) from None
    return Task(
        id=spec.id, instruction=spec.instruction, domain=spec.domain, platform=spec.platform,
        setup=list(spec.setup), checker=spec.checker, limits=spec.limits, source=str(path),
    )


def scan_tasks(path: str | Path) -> tuple[list[Task], list[str]]:
    """The tasks at `path` that load, and one 'file: field: why' line per problem (never raises).

    `path` is a YAML or JSON task file, a folder of them, or an OSWorld index.
    """
    path = Path(path)
    if not path.exists():
        return [], [f"{path}: no such file or folder"]
    if path.is_file() and path.suffix not in (*YAML_SUFFIXES, ".json"):
        return [], [f"{path}: not a task file (expected .yaml, .yml or .json)"]
    tasks: list[Task] = []
    problems: list[str] = []
    yaml_files = [path] if path.suffix in YAML_SUFFIXES else []
    if path.is_dir():
        yaml_files = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES)
    for file in yaml_files:
        try:
            tasks.append(load_yaml_task(file))
        except TaskFileError as exc:
            problems.extend(exc.problems)
    if path.suffix == ".json" or (path.is_dir() and any(path.rglob("*.json"))):
        from .osworld import scan_osworld

        scan = scan_osworld(path)
        tasks.extend(scan.tasks)
        problems.extend(scan.problems)
    return tasks, problems


def load_tasks(path: str | Path) -> list[Task]:
    """Every task a path names; raises TaskFileError listing every problem found."""
    tasks, problems = scan_tasks(path)
    if problems:
        raise TaskFileError(problems)
    return tasks
