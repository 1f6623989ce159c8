"""Differential tests: PDF and archive metrics, ours against OSWorld's own (desktop-env 1.0.2,
tests.helpers.osworld_ref), on PDFs written here with PyMuPDF and zip files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both

DELIBERATE: dict[str, str] = {}


def _pdf(path: Path, pages: list[str]) -> str:
    import pymupdf

    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        for i, line in enumerate(text.split("\n")):
            page.insert_text((72, 72 + 14 * i), line)
    doc.save(path)
    return str(path)


def _cases(tmp: Path):
    p = lambda name, pages: _pdf(tmp / f"{name}.pdf", pages)  # noqa: E731
    gold = p("gold", ["Quarterly report", "Page two\nwith two lines"])
    yield "compare_pdfs-same", "compare_pdfs", (p("same", ["Quarterly report", "Page two\nwith two lines"]), gold), {}
    yield "compare_pdfs-one-page", "compare_pdfs", (p("one", ["Quarterly report\nPage two\nwith two lines"]), gold), {}
    yield "compare_pdfs-typo", "compare_pdfs", (p("typo", ["Quarterly rep0rt", "Page two\nwith two lines"]), gold), {}
    yield "compare_pdfs-other", "compare_pdfs", (p("other", ["Something else entirely"]), gold), {}
    yield "compare_pdfs-empty-page", "compare_pdfs", (p("blank", [""]), gold), {}
    yield "compare_pdfs-unicode", "compare_pdfs", \
        (p("uni", ["Prix: 12 EUR, cafe"]), p("uni-gold", ["Prix: 12 EUR, cafe"])), {}
    yield "compare_pdfs-missing", "compare_pdfs", (str(tmp / "absent.pdf"), gold), {}
    not_pdf = tmp / "not.pdf"
    not_pdf.write_text("plain text")
    yield "compare_pdfs-not-a-pdf", "compare_pdfs", (str(not_pdf), gold), {}
    yield "compare_pdfs-lists", "compare_pdfs", ([gold, p("b1", ["B"])], [gold, p("b2", ["C"])]), {}
    for i, (rel, ref) in enumerate([("eq", 2), ("eq", 3), ("lt", 3), ("ge", 3)]):
        yield f"check_pdf_pages-{rel}{ref}", "check_pdf_pages", (gold, {"relation": rel, "ref_value": ref}), {}
    for name, members in [("z-same", {"a.txt": "x", "d/b.txt": "y"}), ("z-diff", {"a.txt": "x", "d/b.txt": "z"}),
                          ("z-more", {"a.txt": "x", "d/b.txt": "y", "c.txt": ""}), ("z-empty", {})]:
        gold_zip = _zip(tmp / "z-gold.zip", {"a.txt": "x", "d/b.txt": "y"})
        yield f"compare_zip_files-{name}", "compare_zip_files", (_zip(tmp / f"{name}.zip", members), gold_zip), {}


def _more_cases(tmp: Path):
    import openpyxl

    broken = tmp / "broken.bin"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    for metric, rest in (("compare_pdfs", (str(tmp / "gold.pdf"),)),
                         ("check_pdf_pages", ({"relation": "eq", "ref_value": 1},)),
                         ("compare_zip_files", (str(tmp / "z-gold.zip"),)),
                         ("compare_archive", (str(tmp / "z-gold.zip"),)),
                         ("compare_conference_city_in_order", ({"expected": ["Rome"]},))):
        yield f"{metric}-broken-file", metric, (str(broken), *rest), {}

    def archive(name: str, members: dict[str, str]) -> str:
        folder = tmp / name
        folder.mkdir()
        return _zip(folder / f"{name}.zip", members)

    gold_members = {"notes/a.txt": "alpha\n", "notes/b.txt": "beta\n"}
    for name, members, opts in [("same", gold_members, {}), ("changed", {**gold_members, "notes/b.txt": "gamma\n"}, {}),
                                ("renamed", {"notes/a.txt": "alpha\n", "notes/c.txt": "beta\n"}, {}),
                                ("sub", gold_members, {"file_path": "notes"}),
                                ("csv", {"t.csv": "a,b\n1,2\n"}, {"file_type": "csv"}),
                                ("flat", {"a.txt": "alpha\n", "b.txt": "beta\n"}, {}),
                                ("empty", {}, {})]:
        gold = archive(f"gold-{name}", {"csv": {"t.csv": "a,b\n1,2\n"}, "flat": {"a.txt": "alpha\n", "b.txt": "beta\n"},
                                        "empty": {}}.get(name, gold_members))
        yield f"compare_archive-{name}", "compare_archive", (archive(f"pred-{name}", members), gold), opts
    yield "compare_archive-missing", "compare_archive", (None, archive("gold-x", gold_members)), {}
    suite = tmp / "suite"
    suite.mkdir()
    (suite / "solution.py").write_text("def add(a, b):\n    return a + b\n")
    (suite / "test_ok.py").write_text("from solution import add\n\ndef test():\n    return add(2, 3) == 5\n")
    (suite / "test_bad.py").write_text("from solution import add\n\ndef test():\n    return add(2, 3) == 6\n")
    (suite / "test_named.py").write_text("def check_it():\n    return True\n")
    (suite / "test_raises.py").write_text("def test():\n    raise RuntimeError('boom')\n")
    solution = str(suite / "solution.py")
    for name, opts in (("ok", {}), ("bad", {}), ("named", {"test_function_name": "check_it"}), ("raises", {})):
        yield f"check_python_file_by_test_suite-{name}", "check_python_file_by_test_suite", \
            (solution, str(suite / f"test_{name}.py")), opts
    yield "check_python_file_by_test_suite-no-test-file", "check_python_file_by_test_suite", \
        (solution, str(suite / "absent.py")), {}
    for i, (got, want) in enumerate([("42", "42"), ("The answer is 42", "42"), ("42.00001", "42"),
                                     ("41", "42"), ("hello", "hello"), ("hello ", "Hello")]):
        a, b = tmp / f"res-{i}.txt", tmp / f"gold-{i}.txt"
        a.write_text(got)
        b.write_text(want)
        yield f"compare_result_files-{i}", "compare_result_files", (str(a), str(b)), {}
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, city in enumerate(["Vienna, Austria", "Rome", "Singapore"], start=2):
        ws[f"C{i}"] = city
    cities = tmp / "cities.xlsx"
    wb.save(cities)
    yield "compare_conference_city_in_order-right", "compare_conference_city_in_order", \
        (str(cities), {"expected": ["Vienna", ["Rome", "Roma"], "Singapore"]}), {}
    yield "compare_conference_city_in_order-wrong", "compare_conference_city_in_order", \
        (str(cities), {"expected": ["Vienna", "Paris", "Singapore"]}), {}
    tree = {"name": "Photos", "type": "directory", "children": [{"name": "a.jpg", "type": "file"},
                                                                {"name": "b.jpg", "type": "file"}]}
    yield "check_moved_jpgs-right", "check_moved_jpgs", (tree, {"expected": ["b.jpg", "a.jpg"]}), {}
    yield "check_moved_jpgs-missing", "check_moved_jpgs", (tree, {"expected": ["a.jpg", "b.jpg", "c.jpg"]}), {}


def _zip(path: Path, members: dict[str, str]) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return str(path)


def _ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in (*_cases(Path(tmp)), *_more_cases(Path(tmp)))]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("files")
    return {c[0]: c[1:] for c in (*_cases(tmp), *_more_cases(tmp))}


@pytest.mark.parametrize("case_id", _ids())
def test_files_metric(case_id, cases):
    metric, args, options = cases[case_id]
    theirs, ours = score_both("metric", metric, *args, **options)
    check_case(case_id, theirs, ours, DELIBERATE)
