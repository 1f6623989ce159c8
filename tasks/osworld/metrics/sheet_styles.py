"""Cell styles as compare_table's `style` and `check_cell` rules see them, including styles
that conditional formatting gives a cell (see sheet_styles for which rules apply, and how)."""

from __future__ import annotations

import re
from typing import Any

from .rules import Unscorable
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
        if dxf is not None and dxf.numFmt is None:
            raise Unscorable("a conditional format without a number format, asked for one")
        return dxf.numFmt.formatCode if dxf is not None else cell.number_format
    if prop.startswith("font_"):
        if empty:
            return None
        font = src.font
        if font is None:  # only a differential style lacks a font; OSWorld's reader raises
            raise Unscorable("a conditional format without a font, asked for a font property")
        attr = {"font_name": "name", "font_family": "family", "font_bold": "bold", "font_italic": "italic",
                "font_underline": "underline", "font_size": "size"}.get(prop)
        if prop == "font_color":
            if font.color is None:  # OSWorld reads font.color.rgb and raises
                raise Unscorable("a font without a colour, asked for font_color")
            return font.color.rgb
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
    """{coordinate: [prop values]} for every cell of the sheet, conditional formats applied the
    way OSWorld's load_xlsx_styles applies them: `cellIs` against its constant formulas, and
    `expression`/text rules by evaluating the formula with the `formulas` library, the cell's
    value standing in for its first relative reference and each absolute range ($A$1:$A$9)
    for the next ones. Other types (top10, aboveAverage, duplicates, colour scales) are not
    evaluated: OSWorld applies the latest evaluated rule's test with their style (its loop
    variable outlives the rule), and so do we; before any, they style nothing. A formula with
    a single absolute cell ($B$1) raises Unscorable, as OSWorld's does."""
    ws = book.sheet(sheet)
    if ws is None:
        return {}
    out = {c.coordinate: [cell_style(p, c) for p in props] for col in ws.iter_cols() for c in col}
    last = None  # the latest supported rule's test: OSWorld reuses it for unsupported types
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.type in _TEXT_TYPES or rule.type == "cellIs":
                test = _condition(book, sheet, rule)
                if test is None:
                    continue
                last = test
            else:
                test = last
            if test is None:
                continue
            for coord in _active_cells(book, sheet, cf, test):
                out[coord] = [cell_style(p, ws[coord], rule.dxf) for p in props]
    return out


_TEXT_TYPES = {"expression", "containsText", "notContainsText", "endsWith", "beginsWith",
               "containsErrors", "notContainsErrors"}
_ABSOLUTE = re.compile(r"\$([A-Z]{1,3})\$(\d+)(?::\$([A-Z]{1,3})\$(\d+))?")


def _condition(book: Book, sheet: str, rule):
    """A test of one cell value for a cellIs/expression/text rule, or None when the rule is
    skipped (a formula that does not parse; cellIs on a cell reference)."""
    from openpyxl.worksheet.cell_range import CellRange

    from drivers.base import require

    formulas = require("formulas", "osworld")

    compiled, args = [], []
    for text in rule.formula:
        try:
            compiled.append(formulas.Parser().ast("=" + text)[1].compile())
        except Exception:  # formulas raises its own kinds on what it cannot parse
            return None
        refs = []
        for c1, r1, c2, r2 in _ABSOLUTE.findall(text):
            if not c2:
                raise Unscorable(f"conditional format {text!r}: a single absolute cell")
            refs.append([book.cell_value(sheet, f"{_col(col)}{row}")
                         for row, col in CellRange(f"{c1}{r1}:{c2}{r2}").cells])
        args.append(refs)
    if not compiled:
        return None
    if rule.type == "cellIs":
        try:
            refs = [fn() for fn in compiled]
        except Exception:  # a reference to a cell: no constant to compare with
            return None
        return lambda v: _cell_is(rule.operator, v, refs)
    return lambda v: compiled[0](v, *args[0])


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _active_cells(book: Book, sheet: str, cf, test) -> list[str]:
    """The cells of the range the test holds for. Like OSWorld, an empty cell is never active
    and, after 50 empty cells, the rest of a range is not looked at."""
    active, empty = [], 0
    for rng in cf.cells.ranges:
        for row, col in rng.cells:
            coord = f"{_col(col)}{row}"
            value = book.cell_value(sheet, coord)
            if value is None:
                empty += 1
                if empty > 50:
                    break
                continue
            try:
                ok = bool(test(value))
            except Exception:  # a formula that fails on this value does not apply
                ok = False
            if ok:
                active.append(coord)
    return active


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
