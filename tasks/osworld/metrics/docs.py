"""Word-processor metrics over .docx files (python-docx) and .odt files (their XML)."""

from __future__ import annotations

import re
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from .rules import fuzz_ratio

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _doc(path: str | None):
    """The python-docx Document, or None for a missing or unreadable file (scores 0)."""
    if not path:
        return None
    from docx import Document

    try:
        return Document(path)
    except Exception:  # python-docx raises several kinds for a file that is not a document
        return None


def _odt_paragraphs(path: str) -> list[str] | None:
    try:
        with zipfile.ZipFile(path) as z:
            root = ET.fromstring(z.read("content.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return None
    return ["".join(p.itertext()) for p in root.iter(f"{{{_ODF_TEXT}}}p")]


def _paragraphs(path: str) -> list[str] | None:
    if path.endswith(".odt"):
        return _odt_paragraphs(path)
    doc = _doc(path)
    return None if doc is None else [p.text for p in doc.paragraphs]


def _squash(paragraphs: list[str]) -> str:
    return re.sub(r"\s+", " ", "\n".join(paragraphs)).strip()


def compare_docx_files(result: str | None, expected: str | None, ignore_blanks: bool = True,
                       ignore_case: bool = False, ignore_order: bool = False,
                       content_only: bool = False, fuzzy_match: bool = False,
                       delete_empty_lines: bool = False, **_: Any) -> float:
    """Compare two documents' paragraph texts (both .docx or both .odt).

    ignore_order sorts paragraphs; delete_empty_lines drops blank ones. content_only returns
    the fuzzy similarity 0..1 of the whole texts with whitespace runs collapsed. Otherwise
    ignore_blanks (the default) compares those collapsed texts (fuzzy_match: similarity),
    and without it the paragraphs one by one (fuzzy_match: mean similarity)."""
    if not result or not expected:
        return 0.0
    result, expected = str(result), str(expected)
    if result.endswith(".odt") != expected.endswith(".odt"):
        return 0.0
    p1, p2 = _paragraphs(result), _paragraphs(expected)
    if p1 is None or p2 is None:
        return 0.0
    if ignore_order:
        p1, p2 = sorted(p1), sorted(p2)
    if delete_empty_lines:
        p1, p2 = [p for p in p1 if p.strip()], [p for p in p2 if p.strip()]
    if ignore_case:
        p1, p2 = [p.lower() for p in p1], [p.lower() for p in p2]
    if content_only or ignore_blanks:
        t1, t2 = _squash(p1), _squash(p2)
        if content_only or fuzzy_match:
            return fuzz_ratio(t1, t2) / 100.0
        return float(t1 == t2)
    if len(p1) != len(p2):
        return 0.0
    if fuzzy_match:
        return sum(fuzz_ratio(a, b) for a, b in zip(p1, p2)) / 100.0 / len(p1) if p1 else 1.0
    return float(p1 == p2)


def compare_docx_files_and_ignore_new_lines(result: str | None, expected: str | None,
                                            ignore_blanks: bool = True, **_: Any) -> float:
    """Like compare_docx_files with empty paragraphs dropped first (.docx only)."""
    if not result or not expected or not (result.endswith(".docx") and expected.endswith(".docx")):
        return 0.0
    p1, p2 = _paragraphs(result), _paragraphs(expected)
    if p1 is None or p2 is None:
        return 0.0
    p1, p2 = [p for p in p1 if p], [p for p in p2 if p]
    return float(_squash(p1) == _squash(p2)) if ignore_blanks else float(p1 == p2)


def compare_docx_lines(result: str | None, expected: str | None) -> float:
    """1 when the two documents have the same set of non-blank, stripped paragraphs."""
    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None:
        return 0.0
    lines = [{p.text.strip() for p in d.paragraphs if p.text.strip()} for d in (d1, d2)]
    return float(lines[0] == lines[1])


def compare_docx_tables(result: str | None, expected: str | None) -> float:
    """1 when both documents have the same tables, cell texts equal once stripped."""
    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None or len(d1.tables) != len(d2.tables):
        return 0.0
    for t1, t2 in zip(d1.tables, d2.tables):
        if len(t1.rows) != len(t2.rows) or len(t1.columns) != len(t2.columns):
            return 0.0
        for i in range(len(t1.rows)):
            for j in range(len(t1.columns)):
                if t1.cell(i, j).text.strip() != t2.cell(i, j).text.strip():
                    return 0.0
    return 1.0


def compare_docx_images(result: str | None, expected: str | None) -> float:
    """1 when both documents hold the same images (decoded pixels), in the same order."""
    import io

    from PIL import Image

    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None:
        return 0.0
    blobs = [[r.target_part.blob for r in d.part.rels.values() if "image" in r.reltype] for d in (d1, d2)]
    if len(blobs[0]) != len(blobs[1]):
        return 0.0
    for a, b in zip(*blobs):
        ia, ib = Image.open(io.BytesIO(a)), Image.open(io.BytesIO(b))
        if ia.size != ib.size or ia.tobytes() != ib.tobytes():
            return 0.0
    return 1.0


def compare_line_spacing(result: str | None, expected: str | None) -> float:
    """1 when the texts match (compare_docx_files) and every paragraph's line spacing too."""
    if not compare_docx_files(result, expected):
        return 0.0
    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None or len(d1.paragraphs) != len(d2.paragraphs):
        return 0.0
    return float(all(a.paragraph_format.line_spacing == b.paragraph_format.line_spacing
                     for a, b in zip(d1.paragraphs, d2.paragraphs)))


def contains_page_break(result: str | None, rules: dict) -> float:
    """1 when the document has a page break (exactly rules["page_break_count"] if given)."""
    doc = _doc(result)
    if doc is None:
        return 0.0
    count = sum(1 for p in doc.paragraphs for r in p.runs for br in r.element.iter(f"{_W}br")
                if br.get(f"{_W}type") == "page")
    want = (rules or {}).get("page_break_count")
    if want is not None and count != want:
        return 0.0
    return float(count > 0)


def compare_font_names(result: str | None, rules: dict) -> float:
    """1 when every run's font is rules["font_name"]."""
    doc = _doc(result)
    if doc is None:
        return 0.0
    return float(all(r.font.name == rules["font_name"] for p in doc.paragraphs for r in p.runs))


def compare_subscript_contains(result: str | None, expected: str | None) -> float:
    """1 when some run at the same place in both documents is subscript in both."""
    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None:
        return 0.0
    return float(any(r1.font.subscript and r2.font.subscript
                     for p1, p2 in zip(d1.paragraphs, d2.paragraphs) for r1, r2 in zip(p1.runs, p2.runs)))


def compare_insert_equation(result: str | None, expected: str | None) -> float:
    """1 when the texts match and some run at the same place holds an object in both."""
    if not compare_docx_files(result, expected):
        return 0.0
    d1, d2 = _doc(result), _doc(expected)
    return float(any(list(r1.element.iter(f"{_W}object")) and list(r2.element.iter(f"{_W}object"))
                     for p1, p2 in zip(d1.paragraphs, d2.paragraphs) for r1, r2 in zip(p1.runs, p2.runs)))


def has_page_numbers_in_footers(result: str | None) -> float:
    """1 when every section's footer's first paragraph holds a digit."""
    doc = _doc(result)
    if doc is None:
        return 0.0
    for section in doc.sections:
        paras = section.footer.paragraphs
        if not any(ch.isdigit() for ch in (paras[0].text if paras else "")):
            return 0.0
    return 1.0


def is_first_line_centered(result: str | None) -> float:
    """1 when the first paragraph is centred."""
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

    doc = _doc(result)
    if doc is None or not doc.paragraphs:
        return 0.0
    return float(doc.paragraphs[0].paragraph_format.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER)


def check_italic_font_size_14(result: str | None, expected: str | None) -> float:
    """1 when the texts match and every italic run is 14 pt."""
    if not compare_docx_files(result, expected):
        return 0.0
    doc = _doc(result)
    return float(all(r.font.size is not None and r.font.size.pt == 14
                     for p in doc.paragraphs for r in p.runs if r.italic))


def evaluate_strike_through_last_paragraph(result: str | None, expected: str | None) -> float:
    """1 when the texts match and every run of the last paragraph is struck through."""
    if not compare_docx_files(result, expected):
        return 0.0
    doc = _doc(result)
    return float(bool(doc.paragraphs) and all(r.font.strike for r in doc.paragraphs[-1].runs))
