"""Cell styles as compare_table's `style` and `check_cell` rules see them, including styles
that conditional formatting gives a cell (cellIs and top10 rules; others are not applied)."""

from __future__ import annotations

import re
from typing import Any

from .sheets import Book

STYLE_PROPS = ("number_format", "font_name", "font_family", "font_color", "font_bold",
               "font_italic", "font_underline", "font_size", "fill_type", "bgcolor", "fgcolor",
               "hyperlink", "merge")


def cell_style(prop: str, cell, dxf=None) -> Any:
    """One style property of a cell; `dxf`, a conditional format's differential style, takes
    the place of the cell's own font/fill/number format. Font properties and number formats of
    empty cells are None (only what shows counts). Colours are aRGB strings ('FFFF0000')."""
    from openpyxl.cell.cell import MergedCell

    src = dxf if dxf is not None else cell
    empty = cell.value is None
    if prop == "number_format":
        if empty or cell.data_type != "n":
            return None
        return dxf.numFmt.formatCode if dxf is not None and dxf.numFmt is not None else cell.number_format
    if prop.startswith("font_"):
        if empty:
            return None
        font = src.font
        if font is None:
            return None
        attr = {"font_name": "name", "font_family": "family", "font_bold": "bold", "font_italic": "italic",
                "font_underline": "underline", "font_size": "size"}.get(prop)
        if prop == "font_color":
            return font.color.rgb if font.color is not None else None
        return getattr(font, attr)
    if prop == "fill_type":
        return getattr(src.fill, "tagname", None) if src.fill is not None else None
    if prop in ("bgcolor", "fgcolor"):
        try:
            return dxf.fill.bgColor.rgb if dxf is not None else cell.fill.fgColor.rgb
        except AttributeError:
            return None
    if prop == "hyperlink":
        return None if empty else (cell.hyperlink or "")
    if prop == "merge":
        return isinstance(cell, MergedCell)
    raise ValueError(f"unknown cell style {prop!r}")


def sheet_styles(book: Book, sheet: str, props: list[str]) -> dict[str, list]:
    """{coordinate: [prop values]} for every cell of the sheet, conditional formats applied."""
    ws = book.sheet(sheet)
    if ws is None:
        return {}
    out = {c.coordinate: [cell_style(p, c) for p in props] for col in ws.iter_cols() for c in col}
    for cf in ws.conditional_formatting:
        coords = [f"{_col(c)}{r}" for rng in cf.cells.ranges for r, c in rng.cells]
        for rule in cf.rules:
            active = _active_cells(book, sheet, coords, rule)
            for coord in active:
                out[coord] = [cell_style(p, ws[coord], rule.dxf) for p in props]
    return out


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _constant(book: Book, sheet: str, formula: str) -> Any:
    text = formula.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        return float(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if re.fullmatch(r"\$?[A-Z]{1,3}\$?\d+", text):
        return book.cell_value(sheet, text)
    raise ValueError(f"formula {formula!r} is not a constant")


def _active_cells(book: Book, sheet: str, coords: list[str], rule) -> list[str]:
    values = {c: book.cell_value(sheet, c) for c in coords}
    numbers = {c: v for c, v in values.items() if isinstance(v, float)}
    if rule.type == "top10":
        ranked = sorted(numbers, key=numbers.get, reverse=not rule.bottom)
        rank = int(rule.rank or 10)
        if rule.percent:
            rank = max(1, len(ranked) * rank // 100)
        cut = [numbers[c] for c in ranked[:rank]]
        if not cut:
            return []
        edge = cut[-1]
        return [c for c in numbers if (numbers[c] <= edge if rule.bottom else numbers[c] >= edge)]
    if rule.type != "cellIs":
        return []
    try:
        refs = [_constant(book, sheet, f) for f in rule.formula]
    except ValueError:
        return []
    return [c for c, v in values.items() if v is not None and _cell_is(rule.operator, v, refs)]


def _cell_is(op: str, v: Any, refs: list) -> bool:
    import operator

    compare = {"equal": operator.eq, "notEqual": operator.ne, "greaterThan": operator.gt,
               "greaterThanOrEqual": operator.ge, "lessThan": operator.lt, "lessThanOrEqual": operator.le}
    try:
        if op == "between":
            return min(refs) <= v <= max(refs)
        if op == "notBetween":
            return not (min(refs) <= v <= max(refs))
        return op in compare and bool(compare[op](v, refs[0]))
    except (TypeError, IndexError, ValueError):
        return False
