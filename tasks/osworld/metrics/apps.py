"""Metrics over application settings files: Thunderbird prefs.js and msgFilterRules.dat,
VLC's vlcrc, GIMP's gimprc-style files."""

from __future__ import annotations

import json
import re
from typing import Any

from .rules import match_record, match_rule

_PREF = re.compile(r'^user_pref\("(?P<key>(?:[^"]|\\")+)", (?P<val>.+)\);$')
_CONDITION = re.compile(r'\b(?:AND|OR) \((?:[\w ]+),(?:[\w \']+),(?:"(?:(?:[^"]|\")+)"|(?:[^)]+))\)|\bALL\b')


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def check_thunderbird_prefs(result: str | None, rules: dict) -> float:
    """prefs.js: each `expect` pref ({name: rule}) must be set and match; a set `unexpect`
    pref must not match (see rules.match_rule)."""
    if result is None:
        return 0.0
    expect, unexpect = rules.get("expect", {}), rules.get("unexpect", {})
    seen = {k: False for k in expect}
    for line in _read(result).splitlines():
        m = _PREF.match(line.strip())
        if not m:
            continue
        key = m.group("key")
        try:
            value = json.loads(m.group("val"))
        except ValueError:
            continue
        if key in expect:
            seen[key] = match_rule(value, expect[key])
        elif key in unexpect and match_rule(value, unexpect[key]):
            return 0.0
    return float(all(seen.values()))


def _unescape(value: str) -> str:
    return value.replace('\\"', '"').replace("\\\\", "\\")


def thunderbird_filters(path: str) -> list[dict]:
    """Filters in msgFilterRules.dat: name, enabled, type, action, actionValue, condition
    (the list of 'AND (...)'/'OR (...)'/'ALL' terms). A filter is complete at its condition."""
    filters, current = [], {}
    for line in _read(path).splitlines():
        m = re.match(r'^(name|enabled|type|action|actionValue|condition)="(.*)"$', line)
        if not m:
            continue
        key, value = m.group(1), _unescape(m.group(2))
        if key == "name":
            current = {"name": value}
        elif key == "condition":
            current["condition"] = _CONDITION.findall(value)
            filters.append(current)
        else:
            current[key] = value
    return filters


def check_thunderbird_filter(result: str | None, rules: dict) -> float:
    """Each `expect` record must match some filter; no filter may match an `unexpect` one."""
    if result is None:
        return 0.0
    filters = thunderbird_filters(result)
    if any(match_record(r, f) for f in filters for r in rules.get("unexpect", [])):
        return 0.0
    return float(all(any(match_record(r, f) for f in filters) for r in rules.get("expect", [])))


def _vlc(path: str, key: str, default: str) -> str:
    """A vlcrc setting: the last line naming `key=` (vlcrc lists defaults commented out, and a
    set value replaces its commented line), or `default`."""
    value = default
    for line in _read(path).splitlines():
        if f"{key}=" in line:
            value = line.split("=")[-1].strip()
    return value


def _vlc_check(result: str | None, key: str, default: str, want: Any) -> float:
    if not result:
        return 0.0
    return float(_vlc(result, key, default) == str(want))


def check_qt_bgcone(result: str | None, rule: dict) -> float:
    return _vlc_check(result, "qt-bgcone", "1", rule["expected_qt_bgcone"])


def check_qt_max_volume(result: str | None, rule: dict) -> float:
    return _vlc_check(result, "qt-max-volume", "125", rule["expected_qt_max_volume"])


def check_qt_minimal_view(result: str | None, rule: dict) -> float:
    return _vlc_check(result, "qt-minimal-view", "0", rule["expected_qt_minimal_view"])


def check_one_instance_when_started_from_file(result: str | None, rule: dict) -> float:
    return _vlc_check(result, "one-instance-when-started-from-file", "1",
                      rule["expected_one_instance_when_started_from_file"])


def check_play_and_exit(result: str | None, rule: dict) -> float:
    return _vlc_check(result, "play-and-exit", "0", rule["expected_play_and_exit"])


def check_global_key_play_pause(result: str | None, rule: dict) -> float:
    """'1' when a global play/pause key is set (non-empty), else '0'; compared to expected."""
    if not result:
        return 0.0
    state = "0"
    for line in _read(result).splitlines():
        if "global-key-play-pause=" in line:
            state = "0" if line.split("=")[-1].strip() == "" else "1"
    return float(state == str(rule["expected_global_key_play_pause"]))


def check_qt_slider_colours(result: str | None, rule: dict) -> float:
    """type 'match': the slider colours equal the expected string; 'blackish': every RGB
    triple has all channels below 100."""
    if not result:
        return 0.0
    colours = _vlc(result, "qt-slider-colours", "153;210;153;20;210;20;255;199;15;245;39;29")
    if rule["type"] == "match":
        return float(colours == rule["expected_qt_slider_colours"])
    values = [int(v) for v in colours.split(";") if v.strip()]
    triples = list(zip(values[0::3], values[1::3], values[2::3]))
    return float(all(max(t) < 100 for t in triples))


def is_vlc_recordings_folder(result: str | None, rule: dict) -> float:
    """1 when the first uncommented input-record-path setting is the expected folder."""
    if not result:
        return 0.0
    for line in _read(result).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if "input-record-path" in line:
            return float(line.split("=")[-1].strip() == rule["recording_file_path"])
    return 0.0


def is_vlc_fullscreen(window: dict | None, screen: dict | None) -> float:
    """1 when the window is exactly the screen's size."""
    if not window or not screen:
        return 0.0
    return float(window["width"] == screen["width"] and window["height"] == screen["height"])


def check_config_status(result: str | None, rule: dict) -> float:
    """GIMP config: some '(key ... value)' line has the key (one word, or a two-word list)
    and, as its last word, rule['value']."""
    if not result:
        return 0.0
    key = rule["key"]
    for line in _read(result).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        items = line.strip().lstrip("(").rstrip(")").split()
        if not items:
            continue
        if isinstance(key, str) and items[0] == key and items[-1] == rule["value"]:
            return 1.0
        if isinstance(key, list) and len(key) == 2 and items[:2] == key and items[-1] == rule["value"]:
            return 1.0
    return 0.0


def check_thunderbird_folder(result: Any, expected: Any, ignore_status: bool = False, ignore_keys: bool = False,
                             remove_deleted: bool = True, remove_duplicate: bool = True, **_: Any) -> float:
    """1 when each mbox folder file holds the same messages as its expected one. Messages
    start with 'FROM - '; deleted ones (X-Mozilla-Status 0008/0009) are dropped by default, so
    are duplicates; ignore_status/ignore_keys drop those headers before comparing.
    (OSWorld's own version skipped every non-empty message, so it compared nothing; this one
    compares what its docstring says.)"""
    results = result if isinstance(result, list) else [result]
    wanted = expected if isinstance(expected, list) else [expected]

    def messages(path: str) -> list[str]:
        out = []
        for mail in _read(path).strip().split("FROM - "):
            if not mail.strip():
                continue
            if remove_deleted and re.search(r"X-Mozilla-Status: 000[89]", mail):
                continue
            if ignore_status:
                mail = re.sub(r"X-Mozilla-Status\d?:[\s\d]+", "", mail)
            if ignore_keys:
                mail = re.sub(r"(X-Mozilla-Keys:[^\n]*?)\n(MIME-Version)", r"\2", mail)
            out.append("FROM - " + mail.strip())
        return sorted(set(out)) if remove_duplicate else sorted(out)

    for got, want in zip(results, wanted):
        if not got or not want:
            return 0.0
        if messages(got) != messages(want):
            return 0.0
    return 1.0
