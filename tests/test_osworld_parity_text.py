"""Differential tests: text and structured-data metrics, ours against OSWorld's own (desktop-env
1.0.2, tests.helpers.osworld_ref), on strings and files written here (several encodings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both

DELIBERATE: dict[str, str] = {}


def _w(tmp: Path, name: str, data: str | bytes) -> str:
    path = tmp / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def _cases(tmp: Path):
    """(case id, metric, args, options)."""
    for i, (got, want) in enumerate([("abc", "abc"), ("abc", "abd"), ("", ""), (None, "x"), ("Abc", "abc")]):
        yield f"exact_match-{i}", "exact_match", (got, {"expected": want}), {}
    for i, (got, want) in enumerate([("b", ["a", "b"]), ("c", ["a", "b"]), ("", [""])]):
        yield f"match_in_list-{i}", "match_in_list", (got, {"expected": want}), {}
    for i, (got, want) in enumerate([(["a", "b"], "b"), (["a"], "c"), ("hello world", "world")]):
        yield f"is_in_list-{i}", "is_in_list", (got, {"expected": want}), {}
    for i, (got, want, opts) in enumerate([("Abc", "abc", {"ignore_case": True}), ("Abc", "abc", {}),
                                          ("1", "1", {}), ("[1, 2]", [1, 2], {"type": "list"})]):
        yield f"literal_match-{i}", "literal_match", (got, want), opts
    pairs = [("kitten", "sitting"), ("same", "same"), ("", "x"), ("naïve café", "naive cafe")]
    for i, (got, want) in enumerate(pairs):
        yield f"fuzzy_match-{i}", "fuzzy_match", (got, {"expected": want}), {}
    inc = {"include": ["alpha", "beta"], "exclude": ["gamma"]}
    for i, text in enumerate(["alpha beta", "alpha", "alpha beta gamma", "", None]):
        yield f"check_include_exclude-{i}", "check_include_exclude", (text, inc), {}
    # Files: diff_text_file, compare_text_file, check_list, check_csv, file_contains, check_line_number.
    gold = _w(tmp, "gold.txt", "line one\nline two\n")
    for i, (name, data) in enumerate([("same.txt", "line one\nline two\n"), ("crlf.txt", b"line one\r\nline two\r\n"),
                                      ("typo.txt", "line one\nline tw0\n"), ("empty.txt", ""),
                                      ("bom.txt", b"\xef\xbb\xbfline one\nline two\n")]):
        path = _w(tmp, name, data)
        yield f"diff_text_file-{i}", "diff_text_file", (path, gold), {}
        yield f"compare_text_file-{i}", "compare_text_file", (path, gold), {}
        yield f"compare_text_file-blanks-{i}", "compare_text_file", (path, gold), {"ignore_blanks": True}
    yield "diff_text_file-missing", "diff_text_file", (None, gold), {}
    yield "compare_text_file-missing", "compare_text_file", (None, gold), {}
    listing = _w(tmp, "list.txt", "apple\nbanana\ncherry\n")
    yield "check_list-right", "check_list", (listing, {"expect": ["^ban", "rry$"], "unexpect": ["^kiwi"]}), {}
    yield "check_list-unexpected", "check_list", (listing, {"expect": ["apple"], "unexpect": ["cher"]}), {}
    yield "check_list-missing-pattern", "check_list", (listing, {"expect": ["kiwi"]}), {}
    table = _w(tmp, "t.csv", "name,age\nann,30\nbob,41\n")
    yield "check_csv-right", "check_csv", (table, {"expect": [{"name": "bob", "age": "41"}]}), {}
    yield "check_csv-unexpected", "check_csv", (table, {"expect": [{"name": "ann"}], "unexpect": [{"age": "41"}]}), {}
    yield "check_csv-absent-record", "check_csv", (table, {"expect": [{"name": "cid"}]}), {}
    yield "file_contains-right", "file_contains", (listing, {"expected": ["banana", "apple"]}), {}
    yield "file_contains-wrong", "file_contains", (listing, {"expected": ["kiwi"]}), {}
    yield "file_contains-missing", "file_contains", (str(tmp / "absent.txt"), {"expected": ["a"]}), {}
    times = _w(tmp, "times.txt", "12:00:01 start\nnothing\n23:59:60 leap\n")
    yield "check_line_number-right", "check_line_number", (times, {"expected": "2"}), {}
    yield "check_line_number-wrong", "check_line_number", (times, {"expected": 3}), {}
    # JSON / YAML with the rule language.
    doc = _w(tmp, "d.json", json.dumps({"editor": {"fontSize": 14, "theme": "Dark+"}, "files": ["a", "b"]}))
    rule = lambda key, method, ref: {"key": key, "method": method, "ref": ref}  # noqa: E731
    yield "check_json-eq", "check_json", (doc, {"expect": [rule(["editor", "fontSize"], "eq", 14)]}), {}
    yield "check_json-ne", "check_json", (doc, {"expect": [rule(["editor", "fontSize"], "eq", 12)]}), {}
    yield "check_json-re", "check_json", (doc, {"expect": [rule(["editor", "theme"], "re", "^Dark")]}), {}
    yield "check_json-missing-key", "check_json", (doc, {"expect": [rule(["editor", "tabSize"], "eq", 4)]}), {}
    yield "check_json-unexpect", "check_json", (doc, {"unexpect": [rule(["editor", "fontSize"], "eq", 14)]}), {}
    yield "check_json-bad-json", "check_json", (_w(tmp, "bad.json", "{not json"), {"expect": []}), {}
    yml = _w(tmp, "c.yaml", "server:\n  port: 8080\n")
    yield "check_json-yaml", "check_json", (yml, {"expect": [rule(["server", "port"], "eq", 8080)]}), {"is_yaml": True}
    for i, (got, rules) in enumerate([({"a": 1, "b": 2}, {"expected": {"a": 1, "b": 2}}),
                                      ({"a": 1}, {"expected": {"a": 2}}),
                                      ("{'a': 1}", {"expected": {"a": 1}}),
                                      ({"a": 1, "b": 2}, {"expected": {"a": 1}, "expect_in_result": True})]):
        yield f"check_direct_json_object-{i}", "check_direct_json_object", (got, rules), {}


def _ids() -> list[tuple[str, str]]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in _cases(Path(tmp))]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return {c[0]: c[1:] for c in _cases(tmp_path_factory.mktemp("text"))}


@pytest.mark.parametrize("case_id", _ids())
def test_text_metric(case_id, cases):
    metric, args, options = cases[case_id]
    theirs, ours = score_both("metric", metric, *args, **options)
    check_case(case_id, theirs, ours, DELIBERATE)
