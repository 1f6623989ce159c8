"""Metrics of HTML pages and EPUB books, compared element by element or line by line.

HTML is parsed with BeautifulSoup over lxml, as OSWorld's evaluator does: the parser decides
which elements exist (it adds html/body, mends unclosed tags), so another would score
differently.
"""

from __future__ import annotations

import difflib
import zipfile
from typing import Any

from drivers.base import require


def _soup(path: str):
    bs4 = require("bs4", "osworld")
    with open(path, encoding="utf-8") as f:
        return bs4.BeautifulSoup(f, "lxml")


def compare_htmls(result: str | None, expected: str | None, ignore_sdnum: bool = False, **_: Any) -> float:
    """1 when two HTML files hold the same elements in document order: same tag names,
    trimmed texts and attributes, and equal text nodes. With `ignore_sdnum`, LibreOffice's
    number-format attribute `sdnum` is left out of the attribute comparison. As in OSWorld,
    the walk stops at the end of the shorter document."""
    if not result or not expected:
        return 0.0
    bs4 = require("bs4", "osworld")
    pairs = zip(_soup(result).descendants, _soup(expected).descendants)
    return float(all(_same(a, b, ignore_sdnum, bs4.Tag) for a, b in pairs))


def _same(a, b, ignore_sdnum: bool, tag_type) -> bool:
    if not (isinstance(a, tag_type) and isinstance(b, tag_type)):
        return a == b
    if a.name != b.name or a.text.strip() != b.text.strip():
        return False
    if ignore_sdnum:
        return {k: v for k, v in a.attrs.items() if k != "sdnum"} == {k: v for k, v in b.attrs.items() if k != "sdnum"}
    return a.attrs == b.attrs


def _epub_parts(path: str) -> list[tuple[str, list[str]]]:
    """The parts of an EPUB that are compared, as (name, lines), sorted by name: toc.ncx
    without navPoint lines, content.opf without dc:identifier lines, and every .html page
    re-serialised (line breaks dropped, then pretty-printed by lxml)."""
    import lxml.html

    parts: list[tuple[str, list[str]]] = []
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            for name, skip in (("toc.ncx", "navPoint"), ("content.opf", "dc:identifier")):
                if name in names:
                    lines = z.read(name).decode().splitlines()
                    parts.append((name, [line for line in lines if skip not in line]))
            for name in names:
                if name.endswith(".html"):
                    flat = z.read(name).decode().replace("\n", "").replace("\r", "")
                    page = lxml.html.fromstring(flat.encode())
                    text = lxml.html.tostring(page, pretty_print=True, encoding="unicode")
                    parts.append((name, text.splitlines()))
    except zipfile.BadZipFile:
        return []
    return sorted(parts, key=lambda p: p[0])


def compare_epub(result: str | None, expected: str | None, **_: Any) -> float:
    """The mean line similarity (difflib ratio) of the compared parts of two EPUBs, paired in
    name order; parts only one book has are left out of the pairs but count in the mean as
    the result book's number of parts."""
    if result is None:
        return 0.0
    mine, gold = _epub_parts(result), _epub_parts(expected)
    total = sum(difflib.SequenceMatcher(a=a, b=b).ratio() for (_, a), (_, b) in zip(mine, gold))
    return total / len(mine) if mine else 0.0
