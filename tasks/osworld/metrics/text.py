"""Metrics over strings and text files."""

from __future__ import annotations

import csv
import difflib
import re
from typing import Any

from .rules import fuzz_ratio, match_record


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def check_include_exclude(result: str | None, rules: dict) -> float:
    """1 when every `include` string is in result and no `exclude` string is."""
    if result is None:
        return 0.0
    ok = all(s in result for s in rules.get("include", [])) and \
        not any(s in result for s in rules.get("exclude", []))
    return float(ok)


def exact_match(result: Any, rules: dict) -> float:
    """1 when result equals rules["expected"]."""
    return float(result == rules["expected"])


def match_in_list(result: Any, rules: dict) -> float:
    """1 when result is one of rules["expected"]."""
    return float(result in rules["expected"])


def is_in_list(result: Any, rules: dict) -> float:
    """1 when rules["expected"] is an element (or substring) of result."""
    if result is None:
        return 0.0
    return float(rules["expected"] in result)


def literal_match(result: Any, expected: Any, type: str = "str", ignore_case: bool = False,
                  **_: Any) -> float:
    """Compare as strings (type 'str') or as equal-length lists of strings (type 'list')."""
    def norm(x: Any) -> str:
        return str(x).lower() if ignore_case else str(x)

    if type == "str":
        return float(norm(result) == norm(expected))
    if type == "list":
        if not isinstance(result, (list, tuple)) or not isinstance(expected, (list, tuple)):
            return 0.0
        return float(len(result) == len(expected) and [norm(x) for x in result] == [norm(x) for x in expected])
    raise ValueError(f"literal_match: unknown type {type!r}")


def fuzzy_match(result: Any, rules: dict) -> float:
    """Similarity 0..1 of result to rules["expected"]."""
    if result is None:
        return 0.0
    return fuzz_ratio(str(result), str(rules["expected"])) / 100.0


def diff_text_file(result: str | None, expected: str) -> float:
    """Line-level similarity 0..1 of two text files (difflib's ratio over their lines)."""
    if result is None:
        return 0.0
    a, b = _read(result).splitlines(), _read(expected).splitlines()
    return difflib.SequenceMatcher(a=a, b=b).ratio()


def compare_text_file(result: str | None, expected: str, ignore_blanks: bool = False,
                      ignore_case: bool = False, **_: Any) -> float:
    """1 when two text files are equal; ignore_blanks collapses every run of whitespace."""
    if result is None:
        return 0.0
    a, b = _read(result), _read(expected)
    if ignore_blanks:
        a, b = (re.sub(r"\s+", " ", t).strip() for t in (a, b))
    if ignore_case:
        a, b = a.lower(), b.lower()
    return float(a == b)


def check_csv(result: str | None, rules: dict) -> float:
    """1 when each `expect` record matches some CSV row and no row matches an `unexpect` one
    (records are {column: value} with the header's column names)."""
    if result is None:
        return 0.0
    expect = rules.get("expect", [])
    unexpect = rules.get("unexpect", [])
    seen = [False] * len(expect)
    with open(result, newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.DictReader(f):
            seen = [s or match_record(r, row) for s, r in zip(seen, expect)]
            if any(match_record(r, row) for r in unexpect):
                return 0.0
    return float(all(seen))


def check_list(result: str | None, rules: dict) -> float:
    """1 when each `expect` regex matches some line of the file and no line matches an
    `unexpect` regex."""
    if result is None:
        return 0.0
    expect = [re.compile(p) for p in rules.get("expect", [])]
    unexpect = [re.compile(p) for p in rules.get("unexpect", [])]
    seen = [False] * len(expect)
    for line in _read(result).splitlines(keepends=True):
        seen = [s or bool(p.search(line)) for s, p in zip(seen, expect)]
        if any(p.search(line) for p in unexpect):
            return 0.0
    return float(all(seen))


def file_contains(result: str | None, rules: dict) -> float:
    """1 when the file contains every string in rules["expected"]."""
    if result is None:
        return 0.0
    try:
        text = _read(result)
    except OSError:
        return 0.0
    return float(all(s in text for s in rules["expected"]))


def check_line_number(result: str | None, rules: dict) -> float:
    """1 when the number of lines holding a HH:MM:SS time equals rules["expected"]."""
    if result is None:
        return 0.0
    time_re = re.compile(r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)")
    try:
        count = sum(1 for line in _read(result).splitlines() if time_re.search(line))
    except OSError:
        return 0.0
    return float(count == int(rules["expected"]))


def compare_python_pure_text(result: str | None, expected: str) -> float:
    """1 when two Python files are equal once a leading shebang/coding line, blank lines,
    trailing spaces and tabs (as 4 spaces) are set aside."""
    if not result or not expected:
        return 0.0

    def norm(text: str) -> str:
        lines = text.splitlines()
        start = 0
        while start < min(3, len(lines)) and re.match(r"\s*(#!|# -\*- coding:|# coding[:=])", lines[start]):
            start += 1
        return "\n".join(l.expandtabs(4).rstrip() for l in lines[start:] if l.strip())

    try:
        return float(norm(_read(result)) == norm(_read(expected)))
    except OSError:
        return 0.0


def compare_result_files(result: str | None, expected: str | None) -> float:
    """1 when two small answer files agree: as numbers within 1e-4, or the expected number's
    text appears in the result, or (not numbers) the stripped texts are equal."""
    if not result or not expected:
        return 0.0
    a, b = _read(result).strip(), _read(expected).strip()
    try:
        want = float(b)
    except ValueError:
        return float(a == b)
    if b in a:
        return 1.0
    try:
        return float(abs(float(a) - want) < 1e-4)
    except ValueError:
        return 0.0


def compare_terminal_and_txt(result: str | None, terminal_output: str | None) -> float:
    """1 when a text file's content equals the terminal's text."""
    if not result or not terminal_output:
        return 0.0
    return float(_read(result) == terminal_output)


def is_in_vm_clickboard(config: dict, output: str | None) -> float:
    """1 when the expected string (or all expected strings) occur in the command output."""
    if output is None:
        return 0.0
    expected = config["expected"]
    if isinstance(expected, list):
        return float(all(e in output for e in expected))
    return float(expected in output)
