"""The `rule_relativeTime` getter: a rule whose expected dates are written relative to today.

A task says e.g. {"relativeTime": {"from": "next Monday", "to": "next Friday"}, "timezone":
"Europe/Zurich", "expected": {"from": "{DoW}, {Month} {Day0D}", ...}}; the getter works out
the days from the current time in that timezone and fills the placeholders, as OSWorld's
`get_rule_relativeTime` does. Without a timezone OSWorld asked an IP geolocation service
(UTC when that failed); here the machine's own timezone stands in for where it is.
"""

from __future__ import annotations

import calendar
import copy
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

_DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_SPLIT_KEYS = {"next Monday split": ("puDay", "puMonth", "puYear"),
               "next Friday split": ("doDay", "doMonth", "doYear")}
"""Relative times whose date fills three expected fields (day, month, year) instead of one."""


class UnknownRelativeTime(ValueError):
    """A relative time this getter (and OSWorld's) has no rule for."""


def fill_date(template: str, day: date) -> str:
    """Replace OSWorld's date placeholders in `template` (each once, as OSWorld does)."""
    for key, value in (("{DoW}", _DOW[day.weekday()]), ("{Month}", calendar.month_abbr[day.month]),
                       ("{DayD}", str(day.day)), ("{Year}", str(day.year)),
                       ("{Month0D}", f"{day.month:02d}"), ("{month}", calendar.month_name[day.month].lower()),
                       ("{MonthFull}", calendar.month_name[day.month]), ("{Day0D}", f"{day.day:02d}"),
                       ("{MonthD}", str(day.month))):
        template = template.replace(key, value, 1)
    return template


def _first_monday(today: date, months_ahead: int) -> date:
    index = today.month - 1 + months_ahead
    first = date(today.year + index // 12, index % 12 + 1, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _nth_next_month(today: date, day: int) -> date:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)


def _weekend(today: date, weekday: int) -> date:
    """The coming Friday/Saturday/Sunday; today's weekday itself means a week on."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def resolve_day(name: str, today: date, start: tuple[str, date] | None = None) -> date:
    """The date `name` (OSWorld's relative-time vocabulary) means on `today`; `start` is the
    'from' name and its date when `name` is a 'to' (a 'to' may be the same week's day)."""
    start_name, start_day = start or ("", today)
    wd = today.weekday()
    simple = {
        "tomorrow": lambda: today + timedelta(days=1),
        "this month": lambda: today,
        "5th next month": lambda: _nth_next_month(today, 5),
        "10th next month": lambda: _nth_next_month(today, 10),
        "11th next month": lambda: _nth_next_month(today, 11),
        "this Saturday": lambda: today + timedelta(days=5 - wd),
        "this Sunday": lambda: today + timedelta(days=6 - wd),
        "next Monday": lambda: today + timedelta(days=7 - wd),
        "next Monday split": lambda: today + timedelta(days=7 - wd),
        "next week Friday": lambda: today + timedelta(days=7 - wd + 4),
        "next week Saturday": lambda: today + timedelta(days=7 - wd + 5),
        "first monday four months later": lambda: _first_monday(today, 4),
        "first monday eight months later": lambda: _first_monday(today, 8),
    }
    if name in simple:
        return simple[name]()
    if name in ("next Friday", "next Friday split"):
        if start_name in ("next Monday", "next Monday split"):  # the Friday of that week
            return start_day + timedelta(days=4)
        if start is None and name == "next Friday":
            return _weekend(today, 4)
        return today + timedelta(days=4 - wd if wd < 4 else 11 - wd)
    if name == "next Saturday":
        return _weekend(today, 5)
    if name == "next Sunday":
        if start_name in ("next Friday", "next Saturday"):  # the same weekend
            return start_day + timedelta(days=6 - start_day.weekday())
        return _weekend(today, 6)
    if name == "next week Sunday":
        if start_name in ("next week Friday", "next week Saturday"):
            return start_day + timedelta(days=6 - start_day.weekday())
        return today + timedelta(days=7 - wd + 6)
    raise UnknownRelativeTime(f"relativeTime {name!r} is not one OSWorld defines")


def _timezone(rules: dict) -> tzinfo | None:
    name = rules.get("timezone")
    if not name:
        return None  # the machine's own
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from datetime import timezone

        return timezone.utc  # OSWorld falls back to UTC for a name it does not know


def relative_rules(rules: dict, now: datetime) -> dict:
    """`rules` with its expected dates filled for the moment `now` (a new dict)."""
    out = copy.deepcopy(rules)
    expected = out["expected"]
    span = rules["relativeTime"]
    today = now.date()
    start = resolve_day(span["from"], today)
    _fill(expected, span["from"], "from" if "to" in span else "time", start)
    if "to" in span:
        _fill(expected, span["to"], "to", resolve_day(span["to"], today, (span["from"], start)))
    return out


def _fill(expected: dict, name: str, key: str, day: date) -> None:
    for field in _SPLIT_KEYS.get(name, (key,)):
        value = expected.get(field)
        if isinstance(value, list):  # some tasks accept any of several spellings
            expected[field] = [fill_date(v, day) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            expected[field] = fill_date(value, day)


def rule_relativeTime(ctx: Any, config: dict) -> dict:  # noqa: N802 (OSWorld's name)
    """config['rules'] with its dates filled for now, in rules['timezone'] (see module doc)."""
    rules = config["rules"]
    zone = _timezone(rules)
    return relative_rules(rules, datetime.now(zone) if zone else datetime.now().astimezone())
