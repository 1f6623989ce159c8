"""Reading what compare_table compares out of .xlsx workbooks.

Cell values are read from the file's XML as saved (the cached result of a formula, a date as
its serial number), which is what a person saw when the file was saved; openpyxl reads the
rest (charts, pivot tables, styles, panes, validations).
"""

from __future__ import annotations

import posixpath
import zipfile
from functools import cached_property
from typing import Any
from xml.etree import ElementTree as ET

from .rules import Unscorable

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


class Book:
    """One workbook file, each view of it loaded on first use."""

    def __init__(self, path: str):
        self.path = path
        self._sheet_xml: dict[str, dict[str, Any]] = {}

    @cached_property
    def _zip_parts(self) -> tuple[list[str], dict[str, str], list[str]]:
        with zipfile.ZipFile(self.path) as z:
            wb = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
            names, files = [], {}
            for sheet in wb.findall("m:sheets/m:sheet", _NS):
                name = sheet.get("name")
                target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
                names.append(name)
                files[name] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
            try:
                sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
                shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t"))
                          for si in sst.findall("m:si", _NS)]
            except KeyError:
                shared = []
        return names, files, shared

    @property
    def sheet_names(self) -> list[str]:
        return self._zip_parts[0]

    def cell_value(self, sheet: str, coordinate: str) -> Any:
        """The saved value of a cell: float for numbers (dates too), str for text and formula
        text results and errors; None for an empty or missing cell or sheet."""
        cells = self._sheet_xml.get(sheet)
        if cells is None:
            cells = self._sheet_xml[sheet] = self._read_cells(sheet)
        return cells.get(coordinate.replace("$", "").upper())

    def _read_cells(self, sheet: str) -> dict[str, Any]:
        names, files, shared = self._zip_parts
        if sheet not in files:
            return {}
        with zipfile.ZipFile(self.path) as z:
            root = ET.fromstring(z.read(files[sheet]))
        m = f"{{{_NS['m']}}}"
        out: dict[str, Any] = {}
        for c in root.iter(f"{m}c"):
            kind, v = c.get("t", "n"), c.find(f"{m}v")
            try:
                if kind == "n":
                    value = float(v.text) if v is not None and v.text else None
                elif kind == "s":
                    value = shared[int(v.text)]
                elif kind in ("str", "e"):
                    value = v.text if v is not None else None
                elif kind == "inlineStr":
                    value = "".join(t.text or "" for t in c.iter(f"{m}t"))
                else:  # booleans ('b') were not values to OSWorld either
                    value = None
            except (AttributeError, ValueError, IndexError, TypeError):
                value = None
            out[c.get("r")] = value
        return out

    @cached_property
    def workbook(self):
        """The openpyxl workbook (formulas as written, styles, charts, pivots)."""
        import openpyxl

        return openpyxl.load_workbook(self.path)

    @cached_property
    def excel(self):
        """The pandas ExcelFile, for sheets as data frames."""
        import pandas as pd

        return pd.ExcelFile(self.path)

    def frame(self, sheet: str):
        """A sheet as a pandas DataFrame (first row as header), or None when absent."""
        if sheet not in self.sheet_names:
            return None
        import pandas as pd

        return pd.read_excel(self.excel, sheet_name=sheet)

    def sheet(self, name: str):
        """The openpyxl worksheet, or None when absent."""
        return self.workbook[name] if name in self.workbook.sheetnames else None


def _title_text(title) -> str | None:
    """The first run of the first paragraph, as OSWorld's load_charts reads a title: a title
    split across runs ('Sales ' + bold '2024') compares by its first run only."""
    try:
        return title.tx.rich.p[0].r[0].t
    except (AttributeError, IndexError, TypeError):
        return None


def charts(ws, props: list[str]) -> dict[str, dict]:
    """The sheet's charts keyed by their series' data references ('values,categories;...'),
    each with the asked properties: title, legend, anchor, width, height, type, direction,
    xtitle, ytitle, ztitle."""
    out: dict[str, dict] = {}
    for ch in getattr(ws, "_charts", []):
        refs = []
        for s in ch.series:
            refs.append(f"{_ref(s.val)},{_ref(s.cat)}")
        info: dict[str, Any] = {}
        for p in props:
            if p == "title":
                info[p] = _title_text(ch.title) if ch.title is not None else None
            elif p == "legend":
                info[p] = ch.legend.position if ch.legend is not None else None
            elif p == "anchor":
                a = ch.anchor
                # OSWorld's load_charts lists the end row twice and never the start row: two
                # charts of the same size whose tops differ compare equal there, and here.
                if not hasattr(a, "editAs"):  # a one-cell anchor (openpyxl's): OSWorld raises
                    raise Unscorable("chart anchor asked of a one-cell anchored chart")
                info[p] = [a.editAs, a._from.col, a.to.row, a.to.col, a.to.row]
            elif p == "type":
                info[p] = ch.tagname
            elif p == "direction":
                if not hasattr(ch, "barDir"):  # OSWorld reads ch.barDir and raises on other charts
                    raise Unscorable(f"chart direction asked of a {ch.tagname}")
                info[p] = ch.barDir
            elif p in ("xtitle", "ytitle", "ztitle"):
                axis = getattr(ch, f"{p[0]}_axis", None)
                info[p] = _title_text(axis.title) if axis is not None and axis.title is not None else None
            else:
                info[p] = getattr(ch, p, None)
        out[";".join(refs)] = info
    return out


def _ref(data) -> str:
    for kind in ("numRef", "strRef"):
        ref = getattr(data, kind, None)
        if ref is not None and getattr(ref, "f", None):
            return ref.f
    return ""


def pivots(ws, props: list[str]) -> dict[str, dict]:
    """The sheet's pivot tables keyed by 'sourceType;(r,c):(r,c);sourceSheet' of the fields
    they use, each with the asked properties: name, show_total, show_empty_row,
    show_empty_col, show_headers, location, filter/selection (chosen items per field; a list
    when 'ordered' is asked), col_fields, row_fields, data_fields ('field;name;subtotal;showAs',
    the name only with 'data_fields_name'). Field numbers count from the first used field."""
    from openpyxl.utils import coordinate_to_tuple

    out: dict[str, dict] = {}
    for pt in getattr(ws, "_pivots", []):
        picked = [[(it.h, it.x) for it in (f.items or []) if it.x is not None] for f in pt.pivotFields]
        first = next((i for i, s in enumerate(picked) if s), len(picked))
        last = next((i for i in range(len(picked) - 1, -1, -1) if picked[i]), first - 1)
        used = picked[first:last + 1]
        src = pt.cache.cacheSource
        a, b = src.worksheetSource.ref.split(":")
        (r1, c1), (r2, c2) = coordinate_to_tuple(a), coordinate_to_tuple(b)
        c1, c2 = c1 + first, c2 - (len(picked) - 1 - last)
        key = f"{src.type};{(r1, c1)}:{(r2, c2)};{src.worksheetSource.sheet}"
        info: dict[str, Any] = {}
        simple = {"name": "name", "show_total": "visualTotals", "show_empty_row": "showEmptyRow",
                  "show_empty_col": "showEmptyCol", "show_headers": "showHeaders", "location": "location"}
        for p, attr in simple.items():
            if p in props:
                info[p] = getattr(pt, attr)
        if "filter" in props or "selection" in props:
            info["selection"] = used if "ordered" in props else [set(s) for s in used]
        if "filter" in props:
            info["filter_fields"] = {f.fld for f in pt.pageFields}
        if "col_fields" in props:
            info["col_fields"] = [f.x - first for f in pt.colFields]
        if "row_fields" in props:
            info["row_fields"] = [f.x - first for f in pt.rowFields]
        if "data_fields" in props:
            info["data_fields"] = [
                f"{f.fld - first};{f.name if 'data_fields_name' in props else ''};{f.subtotal};{f.showDataAs}"
                for f in pt.dataFields]
        out[key] = info
    return out


def freeze_key(ws) -> str | None:
    """The pane's top-left cell (openpyxl's `freeze_panes`), which is what OSWorld's freeze
    rule compares: two sheets frozen at B2 agree whatever their split or scroll state."""
    return ws.freeze_panes


def dimensions(ws, obj: str, props: list[str]) -> dict:
    """Row ('row') or column ('column') properties as saved: {index: {prop: value}}."""
    holder = ws.row_dimensions if obj == "row" else ws.column_dimensions
    return {k: {p: getattr(d, p, None) for p in props} for k, d in holder.items()}
