"""The small rule language many OSWorld metrics share: {"method": ..., "ref": ...}."""

from __future__ import annotations

import operator
import re
from functools import reduce
from typing import Any

class Unscorable(ValueError):
    """Input on which OSWorld's own metric raises. OSWorld's run loop then records no score
    for the example (it stays unfinished and fails again on a rerun), so it can never pass:
    the metric that raises this scores 0.0."""


_COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
            "gt": operator.gt, "ge": operator.ge}


def match_rule(value: Any, rule: dict) -> bool:
    """Whether `value` satisfies `rule`. Methods:

    - `eq ne lt le gt ge`: compare value to ref;
    - `re` or `re.I.M...`: ref is a regex searched in value, with those re flags;
    - `approx:T`: |float(value) - ref| <= T (False when value is not a number);
    - `range.XY` (X, Y each `t` or `e`): ref[0] <X value <Y ref[1], `t` strict, `e` inclusive;
    - `str_list_eq` / `str_set_eq`: value, a comma-separated string (quotes stripped), equals
      ref as a list / as a set;
    - `spreadsheet_range`: value, a cell range, contains ref[0] and lies within ref[1].
    """
    method = rule["method"]
    ref = rule.get("ref")
    if method in _COMPARE:
        try:
            return bool(_COMPARE[method](value, ref))
        except TypeError:  # e.g. None < 3: the value is not what the rule is about
            return False
    if method == "re" or method.startswith("re."):
        flags = reduce(operator.or_, (getattr(re, f) for f in method.split(".")[1:]), 0)
        return value is not None and re.search(ref, str(value), flags) is not None
    if method.startswith("approx:"):
        try:
            return abs(float(value) - float(ref)) <= float(method.split(":", 1)[1])
        except (TypeError, ValueError):
            return False
    if method.startswith("range.") and len(method) == 8:
        low = operator.lt if method[6] == "t" else operator.le
        high = operator.lt if method[7] == "t" else operator.le
        try:
            return low(ref[0], value) and high(value, ref[1])
        except TypeError:
            return False
    if method in ("str_list_eq", "str_set_eq"):
        if not isinstance(value, str):
            return False
        items = value.strip("\"'").split(",")
        kind = list if method == "str_list_eq" else set
        return kind(items) == kind(ref)
    if method == "spreadsheet_range":
        from openpyxl.worksheet.cell_range import MultiCellRange

        inner, outer = MultiCellRange(ref[0]), MultiCellRange(ref[1])
        value = value if isinstance(value, MultiCellRange) else MultiCellRange(str(value))
        return all(r in value for r in inner) and all(r in outer for r in value)
    raise ValueError(f"unknown rule method {method!r}")


def match_record(pattern: dict, record: dict) -> bool:
    """Every key of `pattern` is in `record` with an equal value."""
    return all(k in record and record[k] == v for k, v in pattern.items())


def fuzz_ratio(a: str, b: str) -> float:
    """Similarity of two strings, 0..100 (rapidfuzz's normalized Indel ratio)."""
    from drivers.base import require

    return require("rapidfuzz.fuzz", "osworld").ratio(a, b)
