"""Less common word-processor metrics: tab stops, references, colours, highlights, settings."""

from __future__ import annotations

import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from .docs import _doc, compare_docx_files
from .rules import fuzz_ratio


def check_tabstops(result: str | None, expected: str | None, word_number_split_by_tabstop: int | None = None,
                   index: int = 0, **_: Any) -> float:
    """Compare the tab stops of non-blank paragraphs: same count and alignments, score
    1 - mean(sum |position difference| / text width). With word_number_split_by_tabstop=n,
    the index-th tab-separated part of each result paragraph must hold n words."""
    from docx.enum.text import WD_TAB_ALIGNMENT

    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None:
        return 0.0
    p1 = [p for p in d1.paragraphs if p.text.strip()]
    p2 = [p for p in d2.paragraphs if p.text.strip()]
    if len(p1) != len(p2) or not p1:
        return 0.0
    if word_number_split_by_tabstop is not None:
        for p in p1:
            parts = p.text.split("\t")
            if index >= len(parts) or len(parts[index].split()) != word_number_split_by_tabstop:
                return 0.0
    section = d2.sections[0]
    width = section.page_width - section.left_margin - section.right_margin

    def stops(p):
        return [t for t in p.paragraph_format.tab_stops if not (
            t.alignment == WD_TAB_ALIGNMENT.CLEAR or (t.alignment == WD_TAB_ALIGNMENT.LEFT and t.position == 0))]

    penalty = 0.0
    for a, b in zip(p1, p2):
        sa, sb = stops(a), stops(b)
        if len(sa) != len(sb) or any(x.alignment != y.alignment for x, y in zip(sa, sb)):
            return 0.0
        penalty += sum(abs(x.position - y.position) for x, y in zip(sa, sb)) / width
    return 1.0 - penalty / len(p1)


def _rescale(value: float, base: float) -> float:
    """OSWorld's 'better than a baseline' scaling: 0 unless value beats base by 0.01."""
    return (value - base) / (1 - base) if value >= base + 0.01 else 0.0


def compare_references(result: str | None, expected: str | None, reference_indicator: str = "References",
                       reference_base_result: float = 0.5, **_: Any) -> float:
    """Fuzzy-compare the non-blank paragraphs after the `reference_indicator` heading; the mean
    similarity is rescaled against reference_base_result. No heading in either: 1."""
    d1, d2 = _doc(result), _doc(expected)
    if d1 is None or d2 is None or not result.endswith(".docx"):
        return 0.0
    texts = [[p.text for p in d.paragraphs] for d in (d1, d2)]
    where = [t.index(reference_indicator) if reference_indicator in t else -1 for t in texts]
    if where == [-1, -1]:
        return 1.0
    if -1 in where:
        return 0.0
    r1, r2 = ([p for p in t[i + 1:] if p.strip()] for t, i in zip(texts, where))
    if len(r1) != len(r2) or not r1:
        return 0.0 if len(r1) != len(r2) else 1.0
    mean = sum(fuzz_ratio(a, b) for a, b in zip(r1, r2)) / 100.0 / len(r1)
    return _rescale(mean, reference_base_result)


def compare_unique_train_records(result: str | None, expected: list, **_: Any) -> float:
    """Deduplication check: expected = [gold, original]. Every result line must come from the
    original, train ids (2nd of 4 comma fields) must be unique, match the gold's set, and the
    line count must equal the gold's."""
    if not result or not isinstance(expected, list) or len(expected) < 2:
        return 0.0

    def read(path):
        doc = _doc(path)
        if doc is None:
            return None, None
        lines = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
        return lines, [l.split(",")[1].strip() for l in lines if len(l.split(",")) == 4]

    (lines, ids), (gold, gold_ids), (initial, _) = read(result), read(expected[0]), read(expected[1])
    if lines is None or gold is None or initial is None:
        return 0.0
    return float(set(lines) <= set(initial) and len(ids) == len(set(ids))
                 and set(ids) == set(gold_ids) and len(lines) == len(gold))


def fuzzy_place_math(result: str | None, rules: dict) -> float:
    """The document must hold exactly three words; score the mean of each word's best fuzzy
    similarity to rules["expected"] answers."""
    doc = _doc(result)
    if doc is None:
        return 0.0
    words = [w for p in doc.paragraphs for w in p.text.split()]
    if len(words) != 3:
        return 0.0
    return sum(max(fuzz_ratio(w, a) for a in rules["expected"]) / 100.0 for w in words) / 3


def find_default_font(result: str | None, rules: dict) -> float:
    """1 when LibreOffice's registrymodifications.xcu sets Writer's default (Standard) font to
    rules["font_name"]."""
    if not result:
        return 0.0
    oor = "{http://openoffice.org/2001/registry}"
    try:
        root = ET.parse(result).getroot()
    except (OSError, ET.ParseError):
        return 0.0
    font = None
    for item in root.iter("item"):
        if item.get(f"{oor}path") == "/org.openoffice.Office.Writer/DefaultFont":
            for prop in item.iter("prop"):
                if prop.get(f"{oor}name") == "Standard":
                    value = prop.find("value")
                    font = value.text if value is not None else font
    return float(font == rules["font_name"])


def check_highlighted_words(result: str | None, expected: str | None) -> float:
    """1 when the texts match and the .odt result has no yellow-highlighted (#ffff00) span."""
    if not compare_docx_files(result, expected):
        return 0.0
    style_ns = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    fo_ns = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    try:
        with zipfile.ZipFile(result) as z:
            root = ET.fromstring(z.read("content.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return 0.0
    yellow = {s.get(f"{{{style_ns}}}name") for s in root.iter(f"{{{style_ns}}}style")
              if any(p.get(f"{{{fo_ns}}}background-color", "").lower() == "#ffff00" for p in s)}
    used = {span.get(f"{{{text_ns}}}style-name") for span in root.iter(f"{{{text_ns}}}span")}
    return float(not (yellow & used))


def _lab(rgb) -> tuple[float, float, float]:
    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(float(c)) for c in rgb)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e2000(rgb1, rgb2) -> float:
    """CIEDE2000 colour difference of two sRGB colours (0..255 each)."""
    import math

    (l1, a1, b1), (l2, a2, b2) = _lab(rgb1), _lab(rgb2)
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = (math.degrees(math.atan2(b, a)) % 360 for a, b in ((a1p, b1), (a2p, b2)))
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_barp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc, sh = 1 + 0.045 * c_barp, 1 + 0.015 * c_barp * t
    rt = -2 * math.sqrt(c_barp ** 7 / (c_barp ** 7 + 25 ** 7)) * math.sin(
        math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dH / sh) ** 2 + rt * (dc / sc) * (dH / sh))


def evaluate_colored_words_in_tables(result: str | None, expected: str | None, threshold: float = 3.5,
                                     **_: Any) -> float:
    """1 when the texts match and, in the result's tables, words starting with a vowel are red
    and other words blue (CIEDE2000 difference at most `threshold`)."""
    if not compare_docx_files(result, expected):
        return 0.0
    doc = _doc(result)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        if not run.text:
                            continue
                        rgb = run.font.color.rgb if run.font.color is not None else None
                        want = (255, 0, 0) if run.text[0].lower() in "aeiou" else (0, 0, 255)
                        if rgb is None or delta_e2000(tuple(rgb), want) > threshold:
                            return 0.0
    return 1.0
