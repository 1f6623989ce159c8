"""The rule_relativeTime getter: dates relative to a fixed 'now', OSWorld's placeholders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tasks.osworld.getters.dates import UnknownRelativeTime, fill_date, relative_rules, resolve_day, rule_relativeTime

WED = date(2026, 11, 25)  # a Wednesday
FRI = date(2026, 8, 14)   # a Friday


def test_placeholders():
    day = date(2026, 3, 5)
    assert fill_date("{DoW}, {Month} {Day0D}, {Year}", day) == "Thu, Mar 05, 2026"
    assert fill_date("{Year}-{Month0D}-{DayD}", day) == "2026-03-5"
    assert fill_date("{MonthFull} {DayD} / {month}-weather / {MonthD}", day) == "March 5 / march-weather / 3"
    assert fill_date("{DayD} {DayD}", day) == "5 {DayD}"  # each placeholder once, as OSWorld


@pytest.mark.parametrize("name, today, expected", [
    ("tomorrow", WED, date(2026, 11, 26)),
    ("this month", WED, WED),
    ("5th next month", WED, date(2026, 12, 5)),
    ("10th next month", date(2026, 12, 31), date(2027, 1, 10)),
    ("next Monday", WED, date(2026, 11, 30)),
    ("next Monday", date(2026, 11, 30), date(2026, 12, 7)),  # on a Monday: the one after
    ("this Saturday", WED, date(2026, 11, 28)),
    ("next Friday", WED, date(2026, 11, 27)),
    ("next Friday", FRI, date(2026, 8, 21)),
    ("next Saturday", FRI, date(2026, 8, 15)),
    ("next week Friday", WED, date(2026, 12, 4)),
    ("next week Saturday", WED, date(2026, 12, 5)),
    ("first monday four months later", WED, date(2027, 3, 1)),
    ("first monday eight months later", WED, date(2027, 7, 5)),
    # OSWorld computes month 0 here and raises; the intended December is used instead.
    ("first monday four months later", FRI, date(2026, 12, 7)),
    ("first monday eight months later", date(2026, 4, 10), date(2026, 12, 7)),
])
def test_days(name, today, expected):
    assert resolve_day(name, today) == expected


@pytest.mark.parametrize("start, end, today, expected", [
    ("next Monday", "next Friday", WED, (date(2026, 11, 30), date(2026, 12, 4))),  # the same week
    ("this Saturday", "this Sunday", WED, (date(2026, 11, 28), date(2026, 11, 29))),
    ("next Friday", "next Sunday", WED, (date(2026, 11, 27), date(2026, 11, 29))),
    ("next week Saturday", "next week Sunday", WED, (date(2026, 12, 5), date(2026, 12, 6))),
    ("10th next month", "11th next month", WED, (date(2026, 12, 10), date(2026, 12, 11))),
    ("tomorrow", "next Friday", WED, (date(2026, 11, 26), date(2026, 11, 27))),
    ("tomorrow", "next Friday", FRI, (date(2026, 8, 15), date(2026, 8, 21))),
])
def test_spans(start, end, today, expected):
    first = resolve_day(start, today)
    assert (first, resolve_day(end, today, (start, first))) == expected


def test_rules_are_filled_without_changing_the_task():
    rules = {"relativeTime": {"from": "next Monday split", "to": "next Friday split"},
             "expected": {"puDay": "{DayD}", "puMonth": "{MonthD}", "puYear": "{Year}",
                          "doDay": "{DayD}", "doMonth": "{MonthD}", "doYear": "{Year}", "city": "Zürich"}}
    out = relative_rules(rules, datetime(2026, 11, 25, 12, 0))
    assert out["expected"] == {"puDay": "30", "puMonth": "11", "puYear": "2026", "doDay": "4", "doMonth": "12",
                               "doYear": "2026", "city": "Zürich"}
    assert rules["expected"]["puDay"] == "{DayD}"
    single = relative_rules({"relativeTime": {"from": "next Monday"}, "expect_in_result": True,
                             "expected": {"time": ["{Year}-{Month0D}-{Day0D}"]}}, datetime(2026, 11, 25))
    assert single == {"relativeTime": {"from": "next Monday"}, "expect_in_result": True,
                      "expected": {"time": ["2026-11-30"]}}


def test_unknown_relative_time_is_an_error():
    with pytest.raises(UnknownRelativeTime):
        relative_rules({"relativeTime": {"from": "yesterday"}, "expected": {"time": "{Year}"}}, datetime.now())


def test_the_getter_uses_the_task_timezone():
    zone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of the machine
    got = rule_relativeTime(None, {"rules": {"relativeTime": {"from": "tomorrow"}, "timezone": zone,
                                             "expected": {"time": "{Year}-{Month0D}-{Day0D}"}}})
    from datetime import timedelta

    assert got["expected"]["time"] == (datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)).isoformat()
