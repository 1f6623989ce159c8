"""Differential tests: compare_table and compare_csv, ours against OSWorld's own (desktop-env
1.0.2, loaded by tests.helpers.osworld_ref), on workbooks and CSV files written here with
openpyxl and, for a few, saved again by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both

# Case id -> why ours differs on purpose (docs/osworld.md, "Parity with OSWorld's evaluator").
DELIBERATE: dict[str, str] = {
    "fuzzy-preserved-spaces": "OSWorld's read_cell_value turns an inline string whose <t> keeps "
    "its blanks (xml:space=preserve, as openpyxl writes ' Apple Inc. ') into xmltodict's dict, "
    "compared as its str(); ours reads the text",
}

RED, GREEN = "FFFF0000", "FF00FF00"


def _book(path: Path, rows, *, cf=(), freeze=None, chart_title=None, fonts=None, csvs=None, pane=None) -> str:
    import openpyxl
    from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.differential import DifferentialStyle

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    for coord, font in (fonts or {}).items():
        ws[coord].font = font
    fill = lambda c: PatternFill(start_color=c, end_color=c, fill_type="solid")  # noqa: E731
    for kind, rng, arg, colour in cf:
        if kind == "cellIs":
            op, formula = arg
            ws.conditional_formatting.add(rng, CellIsRule(operator=op, formula=formula, fill=fill(colour)))
        elif kind == "expression":
            ws.conditional_formatting.add(rng, FormulaRule(formula=[arg], fill=fill(colour)))
        elif kind == "expression-font":
            ws.conditional_formatting.add(rng, FormulaRule(formula=[arg], font=Font(bold=True, color=colour)))
        elif kind == "top10":
            ws.conditional_formatting.add(rng, Rule(type="top10", rank=arg, dxf=DifferentialStyle(fill=fill(colour))))
    if freeze:
        ws.freeze_panes = freeze
    if pane:  # as saved after scrolling (top-left cell) or with another split
        for key, value in pane.items():
            setattr(ws.sheet_view.pane, key, value)
    if chart_title is not None:
        from openpyxl.chart import BarChart, Reference
        from openpyxl.chart.text import RichText, Text
        from openpyxl.chart.title import Title
        from openpyxl.drawing.text import Paragraph, RegularTextRun

        chart = BarChart()
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=len(rows)), titles_from_data=True)
        runs = [RegularTextRun(t=t) for t in chart_title]
        chart.title = Title(tx=Text(rich=RichText(p=[Paragraph(r=runs)])))
        ws.add_chart(chart, "E2")
    wb.save(path)
    for name, lines in (csvs or {}).items():
        path.with_name(f"{path.stem}-{name}.csv").write_bytes(lines)
    return str(path)


ROWS = [["name", "score"], ["a", 3], ["b", 12], ["c", 7], ["d", 20], ["e", 1]]
ROWS_F = [["name", "score", "double"], *[[n, s, f"=B{i + 2}*2"] for i, (n, s) in enumerate(
    [("a", 3), ("b", 12), ("c", 7)])]]


def _style(props=("bgcolor",)):
    return [{"type": "style", "sheet_idx0": 0, "sheet_idx1": "EI0", "props": list(props)}]


def _cases(tmp: Path):
    """(case id, result, expected, rules) - each workbook built on first use."""
    b = lambda name, *a, **k: _book(tmp / f"{name}.xlsx", *a, **k)  # noqa: E731
    data = [{"type": "sheet_data", "sheet_idx0": 0, "sheet_idx1": "EI0"}]
    names = [{"type": "sheet_name"}]
    gold = b("gold", ROWS)
    yield "data-same", b("same", ROWS), gold, data
    yield "data-wrong-value", b("wrong", [*ROWS[:-1], ["e", 2]]), gold, data
    yield "data-extra-row", b("extra", [*ROWS, ["f", 0]]), gold, data
    yield "data-empty-result", b("empty", []), gold, data
    yield "data-missing-result", str(tmp / "absent.xlsx"), gold, data
    broken = tmp / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    yield "data-broken-result", str(broken), gold, data
    yield "data-text-result", str(_text(tmp / "text.xlsx")), gold, data
    yield "sheet-name-same", b("same2", ROWS), gold, names
    yield "data-formulas-vs-values", b("formulas", ROWS_F), b("values", [["name", "score", "double"],
                                                                        ["a", 3, 6], ["b", 12, 24], ["c", 7, 14]]), data
    # Conditional formats: expression rules evaluated by formula, cellIs by constant.
    cf_gold = b("cf-gold", ROWS, cf=[("expression", "B2:B6", "B2>5", RED)])
    yield "style-cf-expression-same", b("cf-same", ROWS, cf=[("expression", "B2:B6", "B2>5", RED)]), cf_gold, _style()
    yield "style-cf-expression-vs-cellis", \
        b("cf-cellis", ROWS, cf=[("cellIs", "B2:B6", ("greaterThan", ["5"]), RED)]), cf_gold, _style()
    yield "style-cf-expression-wrong-threshold", b("cf-wrong", ROWS, cf=[("expression", "B2:B6", "B2>10", RED)]), \
        cf_gold, _style()
    yield "style-cf-expression-wrong-colour", b("cf-colour", ROWS, cf=[("expression", "B2:B6", "B2>5", GREEN)]), \
        cf_gold, _style()
    yield "style-cf-none-vs-expression", b("cf-none", ROWS), cf_gold, _style()
    yield "style-cf-and", b("cf-and", ROWS, cf=[("expression", "B2:B6", "AND(B2>5,B2<15)", RED)]), \
        b("cf-and-gold", ROWS, cf=[("cellIs", "B2:B6", ("between", ["6", "14"]), RED)]), _style()
    yield "style-cf-text", b("cf-text", ROWS, cf=[("expression", "A2:A6", 'A2="c"', RED)]), \
        b("cf-text-gold", ROWS, cf=[("cellIs", "A2:A6", ("equal", ['"c"']), RED)]), _style()
    yield "style-cf-absolute-range", b("cf-max", ROWS, cf=[("expression", "B2:B6", "B2=MAX($B$2:$B$6)", RED)]), \
        b("cf-max-gold", ROWS, cf=[("cellIs", "B2:B6", ("equal", ["20"]), RED)]), _style()
    yield "style-cf-absolute-cell-raises", b("cf-abs", ROWS, cf=[("expression", "B2:B6", "B2>$B$4", RED)]), \
        b("cf-abs-gold", ROWS, cf=[("expression", "B2:B6", "B2>$B$4", RED)]), _style()
    yield "style-cf-top10-never-applied", b("cf-top", ROWS, cf=[("top10", "B2:B6", 2, RED)]), b("plain", ROWS), _style()
    yield "style-cf-top10-vs-cellis", b("cf-top2", ROWS, cf=[("top10", "B2:B6", 2, RED)]), \
        b("cf-top-gold", ROWS, cf=[("cellIs", "B2:B6", ("greaterThan", ["10"]), RED)]), _style()
    yield "style-cf-top10-after-expression", b("cf-leak", ROWS, cf=[("expression", "B2:B6", "B2>5", GREEN),
                                                                    ("top10", "B2:B6", 2, RED)]), \
        b("cf-leak-gold", ROWS, cf=[("expression", "B2:B6", "B2>5", GREEN)]), _style()
    yield "style-cf-font-props-on-fill-only", b("cf-fillonly", ROWS, cf=[("expression", "B2:B6", "B2>5", RED)]), \
        cf_gold, _style(("font_bold", "bgcolor"))
    yield "style-cf-font-dxf", b("cf-font", ROWS, cf=[("expression-font", "B2:B6", "B2>5", RED)]), \
        b("cf-font-gold", ROWS, cf=[("expression-font", "B2:B6", "B2>5", RED)]), _style(("font_bold",))
    yield "style-fonts-same", b("fonts", ROWS, fonts=_fonts()), b("fonts-gold", ROWS, fonts=_fonts()), \
        _style(("font_bold", "font_italic", "font_size", "font_name"))
    yield "style-fonts-differ", b("fonts2", ROWS), b("fonts-gold2", ROWS, fonts=_fonts()), _style(("font_bold",))
    # Freeze: the pane's top-left cell.
    freeze = [{"type": "freeze", "sheet_idx0": 0, "sheet_idx1": "EI0"}]
    yield "freeze-same", b("fz", ROWS, freeze="B2"), b("fz-gold", ROWS, freeze="B2"), freeze
    yield "freeze-other-cell", b("fz2", ROWS, freeze="A2"), b("fz-gold2", ROWS, freeze="B2"), freeze
    yield "freeze-none", b("fz3", ROWS), b("fz-gold3", ROWS, freeze="B2"), freeze
    yield "freeze-same-split-scrolled", b("fz4", ROWS, freeze="B2", pane={"topLeftCell": "B20"}), \
        b("fz-gold4", ROWS, freeze="B2"), freeze
    yield "freeze-other-split-same-cell", b("fz5", ROWS, freeze="B2", pane={"xSplit": None}), \
        b("fz-gold5", ROWS, freeze="B2"), freeze
    # Chart titles: OSWorld reads the first run of the first paragraph.
    chart = [{"type": "chart", "sheet_idx0": 0, "sheet_idx1": "EI0", "chart_props": ["title", "type"]}]
    yield "chart-title-same", b("ch", ROWS, chart_title=["Scores"]), b("ch-gold", ROWS, chart_title=["Scores"]), chart
    yield "chart-title-runs", b("ch2", ROWS, chart_title=["Scores", " 2024"]), \
        b("ch-gold2", ROWS, chart_title=["Scores 2024"]), chart
    yield "chart-title-wrong", b("ch3", ROWS, chart_title=["Totals"]), b("ch-gold3", ROWS, chart_title=["Scores"]), \
        chart
    # check_cell and sheet_print.
    cell = lambda coord, rule: [{"type": "check_cell", "sheet_idx": 0, "coordinate": coord,  # noqa: E731
                                 "props": {"value": rule}}]
    yield "check-cell-right", b("cc", ROWS), None, cell("B3", {"method": "eq", "ref": 12.0})
    yield "check-cell-wrong", b("cc2", ROWS), None, cell("B3", {"method": "eq", "ref": 13.0})
    yield "check-cell-approx", b("cc3", ROWS), None, cell("B3", {"method": "approx:0.5", "ref": 12.2})
    prn = [{"type": "sheet_print", "sheet_idx0": "RNSheet1", "sheet_idx1": "ENSheet1"}]
    lines = b"name,score\r\na,3\r\n"
    yield "print-same", b("pr", ROWS, csvs={"Sheet1": lines}), b("pr-gold", ROWS, csvs={"Sheet1": lines}), prn
    yield "print-bom", b("pr2", ROWS, csvs={"Sheet1": b"\xef\xbb\xbf" + lines}), \
        b("pr-gold2", ROWS, csvs={"Sheet1": lines}), prn
    yield "print-missing", b("pr3", ROWS), b("pr-gold3", ROWS, csvs={"Sheet1": lines}), prn


def _laid_out(path: Path, *, chart_at="E2", chart_kind="bar", zoom=None, dv=None, widths=None, heights=None,
              hidden_row=None, cells=None, two_cell=False) -> str:
    """A workbook with ROWS plus layout: a chart, zoom, data validation, column widths, row heights."""
    import openpyxl
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append(row)
    for coord, value in (cells or {}).items():
        ws[coord] = value
    if chart_at:
        chart = BarChart() if chart_kind == "bar" else LineChart()
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=len(ROWS)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(ROWS)))
        if two_cell:  # as LibreOffice and Excel anchor charts: from one cell to another
            from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
            from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

            col, row = coordinate_from_string(chart_at)
            c, r = column_index_from_string(col) - 1, row - 1
            chart.anchor = TwoCellAnchor(editAs="oneCell", _from=AnchorMarker(col=c, row=r),
                                         to=AnchorMarker(col=c + 6, row=r + 12))
            ws.add_chart(chart)
        else:
            ws.add_chart(chart, chart_at)
    if zoom:
        ws.sheet_view.zoomScale = zoom
    if dv:
        validation = DataValidation(type=dv[0], formula1=dv[1], allow_blank=True)
        validation.add("C2:C6")
        ws.add_data_validation(validation)
    for col, width in (widths or {}).items():
        ws.column_dimensions[col].width = width
    for row, height in (heights or {}).items():
        ws.row_dimensions[row].height = height
    if hidden_row:
        ws.row_dimensions[hidden_row].hidden = True
    wb.save(path)
    return str(path)


def _layout_cases(tmp: Path):
    lo = lambda name, **k: _laid_out(tmp / f"{name}.xlsx", **k)  # noqa: E731
    two = lambda kind, **k: [{"type": kind, "sheet_idx0": 0, "sheet_idx1": "EI0", **k}]  # noqa: E731
    chart = lambda *props: two("chart", chart_props=list(props))  # noqa: E731
    gold = lo("lo-gold")
    yield "chart-anchor-one-cell-raises", lo("lo-same"), gold, chart("anchor", "type")
    gold2 = lo("lo-gold2", two_cell=True)
    yield "chart-anchor-same", lo("lo-same2", two_cell=True), gold2, chart("anchor", "type")
    yield "chart-anchor-moved-down", lo("lo-down", chart_at="E3", two_cell=True), gold2, chart("anchor")
    yield "chart-anchor-moved-right", lo("lo-right", chart_at="F2", two_cell=True), gold2, chart("anchor")
    yield "chart-type-line", lo("lo-line", chart_kind="line"), gold, chart("type")
    yield "chart-direction-bar", lo("lo-bar"), gold, chart("direction", "legend")
    yield "chart-direction-line-raises", lo("lo-line2", chart_kind="line"), gold, chart("direction")
    yield "chart-none", lo("lo-nochart", chart_at=None), gold, chart("type")
    yield "chart-size", lo("lo-size"), gold, chart("width", "height")
    zoom = lambda method, ref: [{"type": "zoom", "sheet_idx": 0, "method": method, "ref": ref}]  # noqa: E731
    yield "zoom-eq", lo("lo-zoom", zoom=150), None, zoom("eq", 150.0)
    yield "zoom-default", lo("lo-zoom2"), None, zoom("eq", 100.0)
    yield "zoom-gt", lo("lo-zoom3", zoom=80), None, zoom("gt", 100.0)
    dv = lambda props: [{"type": "data_validation", "sheet_idx": 0, "dv_props": props}]  # noqa: E731
    listed = lo("lo-dv", dv=("list", '"Yes,No"'))
    yield "dv-list-right", listed, None, dv([{"type": {"method": "eq", "ref": "list"},
                                              "formula1": {"method": "eq", "ref": '"Yes,No"'}}])
    yield "dv-list-wrong-values", listed, None, dv([{"formula1": {"method": "eq", "ref": '"Yes,Maybe"'}}])
    yield "dv-none", lo("lo-nodv"), None, dv([{"type": {"method": "eq", "ref": "list"}}])
    yield "dv-sqref", listed, None, dv([{"sqref": {"method": "spreadsheet_range", "ref": ["C2:C3", "C1:C10"]}}])
    wide = lo("lo-wide", widths={"A": 30}, heights={2: 40})
    yield "col-props-same", wide, lo("lo-wide2", widths={"A": 30}, heights={2: 40}), two("col_props", props=["width"])
    yield "col-props-differ", wide, lo("lo-narrow", widths={"A": 10}), two("col_props", props=["width"])
    yield "row-props-same", wide, lo("lo-wide3", widths={"A": 30}, heights={2: 40}), two("row_props", props=["height"])
    yield "row-props-hidden", lo("lo-hidden", hidden_row=3), lo("lo-hidden2", hidden_row=3), \
        two("row_props", props=["hidden"])
    yield "row-props-hidden-differ", lo("lo-hidden3", hidden_row=3), gold, two("row_props", props=["hidden"])
    fuzzy = lambda *rules: two("sheet_fuzzy", rules=list(rules))  # noqa: E731
    got = lo("lo-text", chart_at=None, cells={"C2": " Apple Inc. ", "C3": "banana", "C4": "+Apple, Inc.",
                                              "C5": "Main Rd"})
    want = lo("lo-text-gold", chart_at=None, cells={"C2": "apple inc", "C3": "Banana split", "C4": "apple inc",
                                                    "C5": "Main Road"})
    yield "fuzzy-preserved-spaces", got, want, fuzzy({"range": ["C2"], "type": "exact_match", "ignore_case": True,
                                                      "trim_leadings": " ", "trim_trailings": ". "})
    yield "fuzzy-trim-ignore-chars", got, want, fuzzy({"range": ["C4"], "type": "exact_match", "ignore_case": True,
                                                       "trim_leadings": "+", "trim_trailings": ".",
                                                       "ignore_chars": ","})
    yield "fuzzy-trim-wrong", got, want, fuzzy({"range": ["C4"], "type": "exact_match", "ignore_case": True})
    yield "fuzzy-normalization", got, want, fuzzy({"range": ["C5"], "type": "exact_match",
                                                   "normalization": [["Rd", "Road"]]})
    yield "fuzzy-included-by", got, want, fuzzy({"range": ["C3"], "type": "included_by", "ignore_case": True})
    yield "fuzzy-includes-wrong", got, want, fuzzy({"range": ["C3"], "type": "includes"})
    yield "fuzzy-ratio", got, want, fuzzy({"range": ["C3:C4"], "type": "fuzzy_match", "threshold": 60,
                                           "ignore_case": True})
    yield "fuzzy-ratio-strict", got, want, fuzzy({"range": ["C3:C5"], "type": "fuzzy_match", "threshold": 90})
    def cell(coord, **props):
        return [{"type": "check_cell", "sheet_idx": 0, "coordinate": coord, "props": props}]

    styled = _book(tmp / "styled.xlsx", ROWS, fonts=_fonts())
    yield "check-cell-bold", styled, None, cell("A1", font_bold={"method": "eq", "ref": True})
    yield "check-cell-size", styled, None, cell("A1", font_size={"method": "eq", "ref": 14.0})
    yield "check-cell-name-wrong", styled, None, cell("A1", font_name={"method": "eq", "ref": "Calibri"})
    yield "check-cell-colour-unset-raises", styled, None, cell("A1", font_color={"method": "eq", "ref": "FF000000"})
    yield "check-cell-missing-sheet", styled, None, [{"type": "check_cell", "sheet_idx": "RNNope", "coordinate": "A1",
                                                      "props": {"value": {"method": "eq", "ref": "x"}}}]


def _text(path: Path) -> Path:
    path.write_text("name,score\na,3\n")
    return path


def _fonts():
    from openpyxl.styles import Font

    return {"A1": Font(bold=True, size=14, name="Arial"), "B2": Font(italic=True)}


def _all_ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in (*_cases(Path(tmp)), *_layout_cases(Path(tmp)))]


@pytest.fixture(scope="module")
def table_cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tables")
    return {c[0]: c[1:] for c in (*_cases(tmp), *_layout_cases(tmp))}


@pytest.mark.parametrize("case_id", _all_ids())
def test_compare_table(case_id, table_cases):
    result, expected, rules = table_cases[case_id]
    theirs, ours = score_both("metric", "compare_table", result, expected, rules=rules)
    check_case(case_id, theirs, ours, DELIBERATE)


def _csv_cases(tmp: Path):
    def w(name: str, data: bytes) -> str:
        (tmp / name).write_bytes(data)
        return str(tmp / name)

    gold = w("gold.csv", b"a,b\n1,2\n")
    yield "same", w("same.csv", b"a,b\n1,2\n"), gold, {}
    yield "crlf", w("crlf.csv", b"a,b\r\n1,2\r\n"), gold, {}
    yield "bom-vs-plain", w("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n"), gold, {}
    yield "bom-vs-bom", w("bom2.csv", b"\xef\xbb\xbfa,b\n1,2\n"), w("gold-bom.csv", b"\xef\xbb\xbfa,b\n1,2\n"), {}
    yield "latin1", w("latin.csv", "é,b\n1,2\n".encode("latin-1")), w("gold-utf8.csv", "é,b\n1,2\n".encode()), {}
    yield "trailing-space-strict", w("sp.csv", b"a,b \n1,2\n"), gold, {}
    yield "trailing-space-loose", w("sp2.csv", b"a,b \n1,2\n"), gold, {"strict": False}
    yield "case", w("case.csv", b"A,B\n1,2\n"), gold, {"ignore_case": True}
    yield "wrong", w("wrong.csv", b"a,b\n1,3\n"), gold, {}
    yield "empty", w("empty.csv", b""), gold, {}
    yield "missing", str(tmp / "absent.csv"), gold, {}
    yield "any-of-list", w("alt.csv", b"x\n"), [gold, w("gold-alt.csv", b"x\n")], {}
    yield "list-with-missing", w("alt2.csv", b"x\n"), [str(tmp / "nope.csv"), w("gold-alt2.csv", b"x\n")], {}


def _csv_ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in _csv_cases(Path(tmp))]


@pytest.fixture(scope="module")
def csv_cases(tmp_path_factory):
    return {c[0]: c[1:] for c in _csv_cases(tmp_path_factory.mktemp("csv"))}


@pytest.mark.parametrize("case_id", _csv_ids())
def test_compare_csv(case_id, csv_cases):
    result, expected, options = csv_cases[case_id]
    theirs, ours = score_both("metric", "compare_csv", result, expected, **options)
    check_case(case_id, theirs, ours, {})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("rules", [
    [{"type": "sheet_data", "sheet_idx0": 0, "sheet_idx1": "EI0"}],
    [{"type": "freeze", "sheet_idx0": 0, "sheet_idx1": "EI0"}],
    [{"type": "style", "sheet_idx0": 0, "sheet_idx1": "EI0", "props": ["bgcolor", "font_bold"]}],
], ids=["sheet_data", "freeze", "style-cf"])
def test_compare_table_libreoffice_saved(rules, tmp_path):
    """A workbook LibreOffice saved again against the openpyxl original it came from."""
    src = _book(tmp_path / "orig.xlsx", ROWS_F, freeze="B2", cf=[("expression", "B2:B4", "B2>5", RED)])
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), src],
                   check=True, capture_output=True, timeout=120)
    theirs, ours = score_both("metric", "compare_table", str(out / "orig.xlsx"), src, rules=rules)
    check_case("libreoffice-" + rules[0]["type"], theirs, ours, {})
