"""Checking what a results folder's files hold, field by field, and saying what is wrong.

A results folder can hold a line torn by a killed run, a file from an older version or one
edited by hand. Nothing read from it is trusted to have a type: a field of the wrong type is
dropped (the page shows it as missing) and becomes a Problem, which the page lists next to its
task, so one bad field costs that field, not the report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file of the results."""

    file: str
    """Path relative to OUT, e.g. 'os/note/traj.jsonl'."""
    line: int | None
    """Line number (from 1) when the problem is on one line."""
    what: str

    def __str__(self) -> str:
        return self.file + (f" line {self.line}" if self.line else "") + f": {self.what}"


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _score(v: Any) -> bool:
    return _number(v) and 0 <= v <= 1


def _numbers(v: Any) -> bool:
    return isinstance(v, dict) and all(_number(x) for x in v.values())


# field -> (test, what the field should be); null always passes, as "not recorded".
Spec = dict[str, tuple[Callable[[Any], bool], str]]
_TEXT = (lambda v: isinstance(v, str), "a string")
_OBJECT = (lambda v: isinstance(v, dict), "an object")

STEP: Spec = {
    "step": (lambda v: _whole(v) and v >= 0, "a whole number from 0"),
    "time": _TEXT, "screenshot": _TEXT, "raw": _TEXT, "error": _TEXT, "info": _OBJECT,
    "ms": (_numbers, "an object of numbers (milliseconds)"),
    "score": (_number, "a number"),
    "screen_changed": (lambda v: isinstance(v, bool), "true or false"),
    "actions": (lambda v: isinstance(v, list), "a list of actions"),
    "action": (lambda v: isinstance(v, dict), "an action object"),
}
RESULT: Spec = {
    "status": _TEXT, "task_id": _TEXT, "domain": _TEXT, "instruction": _TEXT, "error": _TEXT,
    "policy": _TEXT, "source": _TEXT, "started": _TEXT, "ended": _TEXT, "display": _TEXT,
    "score": (_score, "a number from 0 to 1"),
    "steps": (lambda v: _whole(v) and v >= 0, "a whole number from 0"),
    "duration_s": (_number, "a number (seconds)"), "setup_s": (_number, "a number (seconds)"),
    "timings_ms": (_numbers, "an object of numbers (milliseconds)"),
}
SUMMARY: Spec = {
    "policy": _TEXT, "screen": _TEXT, "started": _TEXT, "ended": _TEXT,
    "workers": (lambda v: _whole(v) and v >= 1, "a whole number from 1"),
    "paths": (lambda v: isinstance(v, list), "a list"),
}


def shown(value: Any, limit: int = 40) -> str:
    """A short JSON rendering of a value, for a problem's text."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind(value: Any) -> str:
    """'a JSON array' and the like: what a value that should have been an object is."""
    if isinstance(value, bool) or value is None:
        return f"JSON {json.dumps(value)}"
    return {list: "a JSON array", str: "a JSON string", int: "a number", float: "a number"}.get(
        type(value), "not an object")


def checked(data: dict[str, Any], spec: Spec, file: str, line: int | None,
            problems: list[Problem]) -> dict[str, Any]:
    """`data` without the fields that fail `spec` (each failure added to `problems`)."""
    good = dict(data)
    for key, (test, should) in spec.items():
        value = data.get(key)
        if value is not None and not test(value):
            problems.append(Problem(file, line, f'"{key}" is {shown(value)}, not {should}'))
            del good[key]
    return good


def load_object(text: str, file: str, problems: list[Problem]) -> dict[str, Any] | None:
    """The JSON object a whole file holds; None (and a problem) when it holds anything else."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = getattr(exc, "lineno", None)
        problems.append(Problem(file, where, f"not valid JSON ({getattr(exc, 'msg', exc)})"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, None, f"holds {kind(data)}, not a JSON object"))
        return None
    return data
