"""Differential tests: getters, ours against OSWorld's own (desktop-env 1.0.2,
tests.helpers.osworld_ref). OSWorld's getters fetch from the VM's HTTP server or a live browser
(CDP), so only those whose work is pure are compared here: `rule` and `rule_relativeTime` (with
a timezone given: without one OSWorld looks the zone up by IP over the network). The rest are
listed in docs/osworld.md as not comparable offline."""

from __future__ import annotations

import pytest

from tests.helpers.osworld_ref import reference

FORMAT = "{DayD} {MonthFull} {Year}, {Month0D}/{Day0D}, {DayOfWeek}"
PHRASES = ["tomorrow", "5th next month", "10th next month", "this month", "next Monday",
           "first monday four months later", "first monday eight months later"]


def _ours(name: str):
    from tasks.osworld.registry import GETTERS, resolve

    return resolve(GETTERS[name])


@pytest.mark.parametrize("rules", [{"expected": "x"}, {"a": [1, 2], "b": {"c": None}}, []], ids=["str", "dict", "list"])
def test_rule(rules):
    config = {"type": "rule", "rules": rules}
    assert _ours("rule")(None, config) == reference("getter", "get_rule")(None, config)


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize("zone", ["Europe/Zurich", "America/New_York"])
def test_rule_relative_time(phrase, zone):
    config = {"type": "rule_relativeTime", "rules": {"relativeTime": {"from": phrase},
                                                     "expected": {"time": FORMAT}, "timezone": zone}}
    theirs = reference("getter", "get_rule_relativeTime")(None, config)
    ours = _ours("rule_relativeTime")(None, config)
    assert ours == theirs
