"""Spreadsheet metrics: compare_table (a list of rules over two workbooks) and compare_csv.

compare_table(result, expected, rules=[...]) scores 1 only when every rule holds, in order.
A rule names sheets with `sheet_idx0`/`sheet_idx1` (or `sheet_idx`): an int n or 'RI<n>'
is the result's n-th sheet, 'RN<name>' the result's sheet by name, 'EI<n>'/'EN<name>' the
expected workbook's. `result`/`expected` may be lists (several files fetched with `multi`):
the first is the workbook; `sheet_print` reads '<book stem>-<sheet>.csv' beside it.
"""

from __future__ import annotations

import os
import zipfile
from typing import Any, Callable
from xml.etree import ElementTree as ET

from .rules import fuzz_ratio, match_rule
from .sheet_styles import cell_style, sheet_styles
from .sheets import Book, charts, dimensions, freeze_key, pivots


# UTF-8 first, as OSWorld's _safe_read_file: a byte-order mark stays part of the first line,
# so a CSV saved with one matches only another saved with one. latin-1 accepts any bytes.
_ENCODINGS = ("utf-8", "latin-1")


def _first(x: Any) -> Any:
    return x[0] if isinstance(x, list) else x


class _Pair:
    """The result and expected workbooks, and sheet-index resolution over them."""

    def __init__(self, result: str, expected: str | None):
        self.books = {"R": Book(result), "E": Book(expected) if expected else None}

    def sheet(self, idx: int | str) -> tuple[Book | None, str | None]:
        if isinstance(idx, int):
            side, how, arg = "R", "I", idx
        else:
            side, how, arg = idx[0], idx[1], idx[2:]
            if side not in "RE" or how not in "IN":
                raise ValueError(f"sheet index {idx!r}: use an int, RI<n>, RN<name>, EI<n> or EN<name>")
        book = self.books[side]
        if book is None:
            return None, None
        if how == "N":
            return book, arg if arg in book.sheet_names else None
        n = int(arg)
        return book, book.sheet_names[n] if 0 <= n < len(book.sheet_names) else None


def _sheet_data(pair: _Pair, r: dict) -> bool:
    frames = []
    for key in ("sheet_idx0", "sheet_idx1"):
        book, name = pair.sheet(r[key])
        frame = book.frame(name) if name else None
        if frame is None:
            return False
        frames.append(frame.round(r.get("precision", 4)))
    # Some tasks give sheet_data an ignore_case; OSWorld's scores never applied it, nor do ours.
    return frames[0].equals(frames[1])


def _printed(book: Book, name: str) -> list[str] | None:
    csv_path = f"{os.path.splitext(book.path)[0]}-{name}.csv"
    for encoding in _ENCODINGS:
        try:
            with open(csv_path, encoding=encoding) as f:
                lines = [line.strip() for line in f.read().splitlines()]
            break
        except UnicodeDecodeError:
            continue
        except OSError:
            return None
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _sheet_print(pair: _Pair, r: dict) -> bool:
    sheets = []
    for key in ("sheet_idx0", "sheet_idx1"):
        book, name = pair.sheet(r[key])
        lines = _printed(book, name) if name else None
        if lines is None:
            return False
        sheets.append([l.lower() for l in lines] if r.get("ignore_case") else lines)
    return sheets[0] == sheets[1]


def _sheet_fuzzy(pair: _Pair, r: dict) -> bool:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange

    (b1, s1), (b2, s2) = pair.sheet(r["sheet_idx0"]), pair.sheet(r["sheet_idx1"])
    for rl in r["rules"]:
        for rng in MultiCellRange(rl["range"]).ranges:
            for row, col in rng.cells:
                coord = f"{get_column_letter(col)}{row}"
                v1 = str(b1.cell_value(s1, coord) if s1 else None)
                v2 = str(b2.cell_value(s2, coord) if s2 else None)
                v1, v2 = _normalise(v1, rl), _normalise(v2, rl)
                kind = rl["type"]
                ok = (v2 in v1 if kind == "includes" else v1 in v2 if kind == "included_by"
                      else fuzz_ratio(v1, v2) >= rl.get("threshold", 85.0) if kind == "fuzzy_match"
                      else v1 == v2)
                if not ok:
                    return False
    return True


def _normalise(v: str, rl: dict) -> str:
    for old, new in rl.get("normalization", []):
        v = v.replace(old, new)
    if "trim_leadings" in rl:
        v = v.lstrip(rl["trim_leadings"])
    if "trim_trailings" in rl:
        v = v.rstrip(rl["trim_trailings"])
    if "ignore_chars" in rl:
        v = "".join(ch for ch in v if ch not in set(rl["ignore_chars"]))
    return v.lower() if rl.get("ignore_case", False) else v


def _both(pair: _Pair, r: dict, read: Callable[[Book, str], Any]) -> bool:
    """Read the same thing from sheet_idx0 and sheet_idx1 and compare (absent sheet -> {})."""
    values = []
    for key in ("sheet_idx0", "sheet_idx1"):
        book, name = pair.sheet(r[key])
        values.append(read(book, name) if name else {})
    return values[0] == values[1]


def _data_validation(pair: _Pair, r: dict) -> bool:
    book, name = pair.sheet(r["sheet_idx"])
    ws = book.sheet(name) if name else None
    if ws is None:
        return False
    dvs = ws.data_validations.dataValidation
    if len(dvs) < len(r["dv_props"]):
        return False
    return all(any(all(match_rule(getattr(dv, attr), rule) for attr, rule in props.items())
                   for props in r["dv_props"]) for dv in dvs)


def _check_cell(pair: _Pair, r: dict) -> bool:
    book, name = pair.sheet(r["sheet_idx"])
    ws = book.sheet(name) if name else None
    if ws is None:
        return False
    for prop, rule in r["props"].items():
        value = book.cell_value(name, r["coordinate"]) if prop == "value" \
            else cell_style(prop, ws[r["coordinate"]])
        if not match_rule(value, rule):
            return False
    return True


def _zoom(pair: _Pair, r: dict) -> bool:
    book, name = pair.sheet(r["sheet_idx"])
    ws = book.sheet(name) if name else None
    return ws is not None and match_rule(ws.sheet_view.zoomScale or 100.0, r)


def _freeze(pair: _Pair, r: dict) -> bool:
    keys = []
    for key in ("sheet_idx0", "sheet_idx1"):
        book, name = pair.sheet(r[key])
        ws = book.sheet(name) if name else None
        if ws is None:
            return False
        keys.append(freeze_key(ws))
    return keys[0] == keys[1]


RULES: dict[str, Callable[[_Pair, dict], bool]] = {
    "sheet_name": lambda p, r: p.books["E"] is not None and
    p.books["R"].sheet_names == p.books["E"].sheet_names,
    "sheet_data": _sheet_data,
    "sheet_print": _sheet_print,
    "sheet_fuzzy": _sheet_fuzzy,
    "chart": lambda p, r: _both(p, r, lambda b, n: charts(b.sheet(n), r.get("chart_props", []))),
    "pivot_table": lambda p, r: _both(p, r, lambda b, n: pivots(b.sheet(n), r.get("pivot_props", []))),
    "style": lambda p, r: _both(p, r, lambda b, n: sheet_styles(b, n, r.get("props", []))),
    "row_props": lambda p, r: _both(p, r, lambda b, n: dimensions(b.sheet(n), "row", r.get("props", []))),
    "col_props": lambda p, r: _both(p, r, lambda b, n: dimensions(b.sheet(n), "column", r.get("props", []))),
    "freeze": _freeze,
    "zoom": _zoom,
    "data_validation": _data_validation,
    "check_cell": _check_cell,
}
"""compare_table rule types this tool checks."""


def compare_table(result: Any, expected: Any = None, rules: list[dict] = (), **_: Any) -> float:
    """1 when every rule holds (see the module docstring), else 0; no result file scores 0."""
    result, expected = _first(result), _first(expected)
    if not result or not os.path.isfile(result):
        return 0.0
    pair = _Pair(result, expected)
    try:
        pair.books["R"].sheet_names
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):  # not a workbook any more
        return 0.0
    for r in rules:
        if r["type"] not in RULES:
            raise ValueError(f"compare_table: rule type {r['type']!r} is not supported")
        if not RULES[r["type"]](pair, r):  # Unscorable: the checker scores 0 and keeps why
            return 0.0
    return 1.0


def _lines(path: str) -> list[str]:
    for encoding in _ENCODINGS:
        try:
            with open(path, encoding=encoding) as f:
                return f.read().splitlines()
        except UnicodeDecodeError:
            continue
    return []


def compare_csv(result: str | None, expected: str | list[str], strict: bool = True,
                ignore_case: bool = False, **_: Any) -> float:
    """1 when the CSV file's lines equal those of the expected file (or any of several);
    strict=False strips each line first."""
    if not result or not os.path.isfile(result):
        return 0.0
    got = _lines(result)
    for path in (expected if isinstance(expected, list) else [expected]):
        if not os.path.isfile(path):
            continue
        a, b = got, _lines(path)
        if not strict:
            a, b = [l.strip() for l in a], [l.strip() for l in b]
        if ignore_case:
            a, b = [l.lower() for l in a], [l.lower() for l in b]
        if a == b:
            return 1.0
    return 0.0
