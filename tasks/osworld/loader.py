"""Loading OSWorld task files as Tasks.

A path may be one task file, a folder (searched recursively for task files; index files and
JSON that is not task-like, e.g. cached downloads, are skipped), or an index such as test_all.json ({domain: [task id, ...]}) whose tasks are
at examples/<domain>/<id>.json beside it. A task's domain is its index key, else the name of
its file's folder.

Every file is checked (schema.py); mistakes are collected as 'file: field: why' lines. A task
that names a set-up step, getter or metric this tool does not implement still loads, with
'config:<type>', 'getter:<type>' or 'metric:<name>' in `Task.unsupported`; so does a task
whose commands use sudo in a way sudo.py cannot make safe ('config:sudo'): workers share one
machine, so a task may not change it for everyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..task import Limits, Task, TaskFileError
from .checker import MetricCall, OsworldChecker
from .registry import GETTERS, METRICS, SPECIAL_METRICS, metric_problems
from .schema import problems as schema_problems
from .steps import EMPTY_HISTORY_URL, STEPS, AccessibilityBus, PrepareHome, RequireResources
from .sudo import plan as plan_sudo
from .sudo import uses_sudo


@dataclass
class OsworldScan:
    """What a path held: the tasks that loaded and one line per problem found."""

    tasks: list[Task] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_osworld(path: str | Path) -> list[Task]:
    """The tasks at `path` (a task file, a folder of them, or an index); raises TaskFileError
    listing every problem when any file is malformed or an indexed task file is missing."""
    scan = scan_osworld(path)
    if scan.problems:
        raise TaskFileError(scan.problems)
    return scan.tasks


def is_index(data: Any) -> bool:
    """An index maps domains to lists of task ids: {"os": ["id", ...], ...}."""
    return isinstance(data, dict) and bool(data) and all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in data.values())


def looks_like_task(data: Any) -> bool:
    """Whether JSON found in a folder is meant as a task (and so worth reporting when it is
    malformed); other JSON there, such as a cached settings file, is passed over."""
    return isinstance(data, dict) and any(k in data for k in ("evaluator", "instruction", "config"))


def scan_osworld(path: str | Path) -> OsworldScan:
    """Load what can be loaded at `path` and collect the problems (never raises for bad files)."""
    path = Path(path)
    scan = OsworldScan()
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            data = _read(file, scan)
            if data is None or is_index(data) or not looks_like_task(data):
                continue
            _add(scan, data, file, file.parent.name)
        return scan
    data = _read(path, scan)
    if data is None:
        return scan
    if is_index(data):
        for domain, ids in data.items():
            for n, task_id in enumerate(ids):
                file = path.parent / "examples" / domain / f"{task_id}.json"
                if not file.is_file():
                    scan.problems.append(f"{path}: {domain}[{n}]: task file examples/{domain}/{task_id}.json "
                                         "not found")
                    continue
                task_data = _read(file, scan)
                if task_data is not None:
                    _add(scan, task_data, file, domain)
        return scan
    _add(scan, data, path, path.parent.name)
    return scan


def _read(file: Path, scan: OsworldScan) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        scan.problems.append(f"{file}: (file): not found")
    except (OSError, UnicodeDecodeError) as exc:
        scan.problems.append(f"{file}: (file): cannot be read ({exc})")
    except json.JSONDecodeError as exc:
        scan.problems.append(f"{file}: (file): not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    return None


def _add(scan: OsworldScan, data: Any, file: Path, domain: str) -> None:
    found = schema_problems(data, str(file))
    if found:
        scan.problems.extend(found)
        return
    scan.tasks.append(build_task(data, domain, file))


def _as_list(value: Any, n: int) -> list:
    if isinstance(value, list):
        return value
    return [value] * n if n == 1 else [None] * n


def build_task(data: dict, domain: str, file: Path | str | None = None) -> Task:
    """A Task from one schema-valid OSWorld task object."""
    unsupported: set[str] = set()
    resources: list[str] = []
    ev = data["evaluator"]

    def steps(raw: list[dict]) -> list:
        out = []
        for step in raw:
            cls = STEPS.get(step["type"])
            if cls is None:
                unsupported.add(f"config:{step['type']}")
                continue
            if step["type"] == "download":
                resources.extend(f["url"] for f in step["parameters"]["files"])
            if step["type"] == "update_browse_history":
                resources.append(EMPTY_HISTORY_URL)
            command = step["parameters"].get("command")
            if step["type"] in ("launch", "execute", "command") and uses_sudo(command) and (
                    step["type"] == "launch" or plan_sudo(command) is None):
                unsupported.add("config:sudo")
            out.append(cls(dict(step["parameters"])))
        return out

    setup = steps(data.get("config", []))
    postconfig = steps(ev.get("postconfig", []))
    funcs = ev["func"] if isinstance(ev["func"], list) else [ev["func"]]
    n = len(funcs)
    results, expecteds = _as_list(ev.get("result"), n), _as_list(ev.get("expected"), n)
    options = [o or {} for o in _as_list(ev.get("options"), n)]
    calls = []
    for func, result, expected, opts in zip(funcs, results, expecteds, options):
        if func in SPECIAL_METRICS:
            if n > 1:
                unsupported.add(f"metric:{func}")
        elif func not in METRICS:
            unsupported.add(f"metric:{func}")
        else:
            unsupported.update(metric_problems(func, opts))
        for getter in (result, expected):
            if getter:
                if getter["type"] not in GETTERS:
                    unsupported.add(f"getter:{getter['type']}")
                if getter["type"] == "cloud_file":
                    paths = getter["path"]
                    resources.extend(paths if isinstance(paths, list) else [paths])
        calls.append(MetricCall(func, result or None, expected or None, dict(opts)))
    resources = list(dict.fromkeys(resources))
    prelude = [PrepareHome(), RequireResources({"urls": resources})]
    if any(g and g.get("type") == "accessibility_tree" for g in results + expecteds):
        prelude.append(AccessibilityBus())  # before any app starts
    return Task(
        id=data["id"], instruction=data["instruction"], domain=domain, platform="desktop",
        setup=prelude + setup,
        checker=OsworldChecker(calls, conj=ev.get("conj", "and"), postconfig=postconfig),
        # postconfig steps (save, close the app) change the world: score once, at the end.
        limits=Limits(check_every_step=False),
        source=str(file) if file else None,
        unsupported=sorted(unsupported),
        meta={"format": "osworld", "snapshot": data.get("snapshot"), "related_apps": data.get("related_apps", []),
              "resources": resources, "infeasible": funcs == ["infeasible"]},
    )

