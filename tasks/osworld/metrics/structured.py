"""Metrics over JSON/YAML objects and settings files, and small system-state checks."""

from __future__ import annotations

import ast
import json
import sqlite3
from typing import Any

from .rules import match_rule


def _load_json(path: str, skip_first_line: bool = False) -> Any:
    with open(path, encoding="utf-8") as f:
        if skip_first_line:
            f.readline()
        return json.load(f)


def check_json(result: str | None, rules: dict, is_yaml: bool = False) -> float:
    """1 when, in the JSON (or YAML) file, the value at each `expect` rule's key path
    satisfies its rule and the value at each `unexpect` key path (None when absent) does not.
    Rules are {"key": [k1, k2, ...], "method", "ref"} (see rules.match_rule)."""
    if result is None:
        return 0.0
    try:
        with open(result, encoding="utf-8") as f:
            if is_yaml:
                import yaml

                data = yaml.safe_load(f)
            else:
                data = json.load(f)
    except (OSError, ValueError):
        return 0.0
    if data is None:
        return 0.0

    def walk(keys: list) -> tuple[bool, Any]:
        value = data
        for k in keys:
            try:
                value = value[k]
            except (KeyError, IndexError, TypeError):
                return False, None
        return True, value

    for r in rules.get("expect", []):
        found, value = walk(r["key"])
        if not found or not match_rule(value, r):
            return 0.0
    for r in rules.get("unexpect", []):
        _, value = walk(r["key"])
        if match_rule(value, r):
            return 0.0
    return 1.0


def check_direct_json_object(result: Any, rules: dict) -> float:
    """Compare a JSON object (or its text; single quotes are read as double) with
    rules["expected"] key by key. Plain mode: each expected value equals the result's
    (`ignore_list_order` in expected compares lists sorted). With rules["expect_in_result"]:
    an expected string must occur in the result's string, an expected list must have one
    element equal to the result's string or contained in the result's list."""
    if isinstance(result, str):
        try:
            result = json.loads(result.strip().replace("'", '"'))
        except ValueError:
            return 0.0
    if not isinstance(result, dict):
        return 0.0
    expected = rules["expected"]
    if any(v == "__EVALUATION_FAILED__" for v in expected.values()):
        return 0.0
    if not rules.get("expect_in_result", False):
        sort = bool(expected.get("ignore_list_order", False))
        for key, want in expected.items():
            got = result.get(key)
            if sort:
                try:
                    want, got = sorted(want), sorted(got)
                except TypeError:
                    return 0.0
            if want != got:
                return 0.0
        return 1.0
    for key, want in expected.items():
        got = result.get(key)
        if isinstance(want, list):
            if not any((isinstance(got, list) and w in got) or (isinstance(got, str) and w == got)
                       for w in want):
                return 0.0
        elif isinstance(want, str):
            if not isinstance(got, str) or want not in got:
                return 0.0
        else:
            return 0.0
    return 1.0


def check_json_settings(result: str | None, expected: dict, **_: Any) -> float:
    """1 when the JSON settings file has every key of expected["expected"] with that value."""
    if not result:
        return 0.0
    try:
        data = _load_json(result)
    except (OSError, ValueError):
        return 0.0
    if not isinstance(data, dict):
        return 0.0
    return float(all(k in data and data[k] == v for k, v in expected["expected"].items()))


def check_json_keybindings(result: str | None, expected: dict, **_: Any) -> float:
    """1 when the keybindings file (a JSON list, possibly after one comment line) contains
    expected["expected"] as one of its entries."""
    if not result:
        return 0.0
    for skip in (False, True):
        try:
            data = _load_json(result, skip_first_line=skip)
        except (OSError, ValueError):
            continue
        if isinstance(data, list):
            return float(expected["expected"] in data)
    return 0.0


def _is_subset(want: Any, got: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and _is_subset(v, got[k]) for k, v in want.items())
    return want == got


def compare_config(result: str | None, rules: dict, containment_ok: bool = True, **_: Any) -> float:
    """Compare a config file's text with rules["expected"] (text), as upstream OSWorld does
    (the 1.0.2 wheel knows no option and needs the whole text equal). containment_ok (default
    on): when both parse as JSON, the expected JSON must be contained in the file's (objects
    key by key, recursively; lists and scalars equal); when either does not, the stripped
    expected text must occur in the file's text. Off: equal text, or equal JSON."""
    if not result:
        return 0.0
    want = rules.get("expected")
    if not want:
        return 0.0
    # Strict UTF-8 as upstream: a file that is not UTF-8 fails instead of matching on U+FFFD.
    with open(result, encoding="utf-8") as f:
        text = f.read()
    if containment_ok:
        try:
            return float(_is_subset(json.loads(want), json.loads(text)))
        except ValueError:
            return float(want.strip() in text)
    if text == want:
        return 1.0
    try:
        return float(json.loads(text) == json.loads(want))
    except ValueError:
        return 0.0


def is_extension_installed(result: str | None, rules: dict, **_: Any) -> float:
    """rules {"type": "contain"|"not_contain", "expected": str} over a listing's text."""
    if result is None:
        return 0.0
    if rules["type"] == "contain":
        return float(rules["expected"] in result)
    if rules["type"] == "not_contain":
        return float(rules["expected"] not in result)
    raise ValueError(f"is_extension_installed: unknown type {rules['type']!r}")


def run_sqlite3(result: str | None, rules: dict) -> float:
    """The first column of the first row of rules["sql"] run on the database file (None = 0)."""
    if result is None:
        return 0.0
    with sqlite3.connect(result) as conn:
        row = conn.execute(rules["sql"]).fetchone()
    return float((row[0] if row else 0) or 0)


def check_gnome_favorite_apps(result: str | None, rules: dict) -> float:
    """1 when a gsettings list ("['a.desktop', 'b.desktop']") holds exactly the expected apps."""
    if not result:
        return 0.0
    try:
        apps = ast.literal_eval(result.strip())
    except (ValueError, SyntaxError):
        return 0.0
    want = rules["expected"]
    return float(len(apps) == len(want) and set(apps) == set(want))


def is_utc_0(result: str | None) -> float:
    """1 when `timedatectl` output says the time zone is at +0000."""
    if not result:
        return 0.0
    zone = [l for l in result.splitlines() if "Time zone" in l]
    return float(bool(zone) and zone[0].rstrip().endswith("+0000)"))


def check_moved_jpgs(result: dict | None, rules: dict) -> float:
    """1 when a folder tree (list_directory) has exactly the expected names at its top."""
    if not result or "children" not in result:
        return 0.0
    names = [c["name"] for c in result["children"]]
    want = rules["expected"]
    return float(len(names) == len(want) and set(names) == set(want))
