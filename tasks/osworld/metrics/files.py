"""Metrics over PDFs, archives and code: PyMuPDF for text (as OSWorld extracts it), the standard library for archives,
a child Python process for test suites (a task's test code never runs inside the agent)."""

from __future__ import annotations

import json
import operator
import os
import shutil
import subprocess
import sys
import zipfile
from typing import Any

from .rules import fuzz_ratio


def pdf_text(path: str) -> str:
    """All text of a PDF, page after page, stripped. PyMuPDF, as OSWorld's compare_pdfs: the
    extractor decides the score (pypdf joins pages and lines differently)."""
    import pymupdf

    with pymupdf.open(path) as doc:
        return "".join(page.get_text() for page in doc).strip()


def compare_pdfs(result: Any, expected: Any) -> float:
    """Mean fuzzy similarity 0..1 of the PDFs' texts, pairwise (single files or lists);
    a missing or unreadable PDF adds 0."""
    if not isinstance(expected, list):
        result, expected = [result], [expected]
    if not isinstance(result, list):
        result = [result]
    if not expected:
        return 0.0
    total = 0.0
    for a, b in zip(result, expected):
        if not a or not b or not os.path.isfile(a) or not os.path.isfile(b):
            continue
        try:
            total += fuzz_ratio(pdf_text(a), pdf_text(b)) / 100.0
        except Exception:  # PyMuPDF raises many kinds on a damaged file; it scores 0 (as OSWorld)
            continue
    return total / len(expected)


def check_pdf_pages(result: str | None, rules: dict) -> float:
    """1 when the page count compares to rules['ref_value'] by rules['relation'] (eq, lt...)."""
    from pypdf import PdfReader

    if not result or not os.path.isfile(result):
        return 0.0
    pages = len(PdfReader(result).pages)
    return float(getattr(operator, rules["relation"])(pages, rules["ref_value"]))


_ARCHIVE_COMPARERS = {
    "text": "text:compare_text_file", "pdf": "files:compare_pdfs", "docx": "docs:compare_docx_files",
    "ppt": "slides:compare_pptx_files", "image": "images:compare_images", "csv": "table:compare_csv",
    "table": "table:compare_table",
}


def compare_archive(result: str | None, expected: str, file_path: str = "", file_type: str = "text",
                    **options: Any) -> float:
    """Unpack both archives; the entries under `file_path` must have the same names, and the
    score is the mean of comparing each pair with the `file_type` metric (text, pdf, docx,
    ppt, image, csv, table), the remaining options passed on. No entries, or a folder among
    them, scores 0."""
    import importlib

    if not result or not os.path.isfile(result):
        return 0.0
    if file_type not in _ARCHIVE_COMPARERS:
        raise ValueError(f"compare_archive: file_type {file_type!r} is not supported")
    folders = []
    for path, suffix in ((result, "_pred"), (expected, "_gold")):
        folder = os.path.splitext(path)[0] + suffix
        shutil.rmtree(folder, ignore_errors=True)
        try:
            shutil.unpack_archive(path, folder)
        except (shutil.ReadError, ValueError, OSError, zipfile.BadZipFile):
            return 0.0
        folders.append(os.path.join(folder, file_path))
    try:
        names = [sorted(os.listdir(f)) for f in folders]
    except OSError:
        return 0.0
    if names[0] != names[1]:
        return 0.0
    # OSWorld's compare_archive divides by the number of entries and hands each entry, a
    # folder too, to the file metric: an empty archive or a sub-folder raises there, never a pass.
    if not names[0] or any(os.path.isdir(os.path.join(f, n)) for f in folders for n in names[0]):
        return 0.0
    module, func = _ARCHIVE_COMPARERS[file_type].split(":")
    compare = getattr(importlib.import_module(f"{__package__}.{module}"), func)
    scores = [compare(os.path.join(folders[0], n), os.path.join(folders[1], n), **options) for n in names[0]]
    return sum(scores) / len(scores)


def compare_zip_files(result: str | None, expected: str, **_: Any) -> float:
    """1 when both zips hold the same names with the same bytes (PDFs: text 95% similar)."""
    import difflib
    import io

    if not result or not os.path.isfile(result):
        return 0.0
    with zipfile.ZipFile(result) as z1, zipfile.ZipFile(expected) as z2:
        if set(z1.namelist()) != set(z2.namelist()):
            return 0.0
        for name in z1.namelist():
            a, b = z1.read(name), z2.read(name)
            if name.lower().endswith(".pdf"):
                from pypdf import PdfReader

                ta, tb = ("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(x)).pages) for x in (a, b))
                if difflib.SequenceMatcher(None, ta, tb).ratio() < 0.95:
                    return 0.0
            elif a != b:
                return 0.0
    return 1.0


_RUN_TEST = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("osworld_test_suite", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(getattr(module, sys.argv[2])(), default=bool))
"""


def check_python_file_by_test_suite(result: Any, expected: str | None, test_function_name: str = "test",
                                    **_: Any) -> float:
    """Run `test_function_name()` of the expected test file, in a child Python whose working
    folder is the test file's (the result files were copied beside it); a bool or a number
    (clamped to 0..1) is the score, anything else counts by truth; errors score 0."""
    if not expected or not os.path.isfile(expected):
        return 0.0
    folder = os.path.dirname(os.path.abspath(expected))
    try:
        done = subprocess.run([sys.executable, "-c", _RUN_TEST, os.path.abspath(expected), test_function_name],
                              cwd=folder, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return 0.0
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return 0.0
    try:
        value = json.loads(lines[-1])
    except ValueError:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return max(0.0, min(1.0, float(value)))
    return float(bool(value))


def compare_conference_city_in_order(result: str | None, rules: dict) -> float:
    """1 when cells C2:C22 of the workbook's active sheet hold, in order, the expected cities
    (each an accepted name or a list of them), compared lowercase without accents or
    punctuation, the expected name contained in the cell's."""
    import re
    import unicodedata

    import openpyxl

    if not result or not os.path.isfile(result):
        return 0.0

    def norm(v: Any) -> str:
        text = unicodedata.normalize("NFKD", "" if v is None else str(v))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()

    ws = openpyxl.load_workbook(result).active
    cells = [c.value for row in ws["C2:C22"] for c in row]
    want = rules["expected"]
    for i, value in enumerate(cells):
        if i >= len(want):
            return 0.0
        options = want[i] if isinstance(want[i], list) else [want[i]]
        if not any(norm(o) and norm(o) in norm(value) for o in options):
            return 0.0
    return 1.0
