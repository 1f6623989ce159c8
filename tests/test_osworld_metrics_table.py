"""compare_table's rules and compare_csv, on workbooks made with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tasks.osworld.metrics.table import compare_csv, compare_table
from tests.helpers.osworld import make_xlsx

ROWS = [["Name", "Score"], ["ann", 1.23456], ["bob", 2]]


def rule(kind, **kw):
    return {"type": kind, "sheet_idx0": 0, "sheet_idx1": "EI0", **kw}


@pytest.fixture
def gold(tmp_path) -> str:
    return str(make_xlsx(tmp_path / "gold.xlsx", ROWS))


def book(tmp_path: Path, name: str, rows=ROWS, edit=None, sheet="Sheet1") -> str:
    path = make_xlsx(tmp_path / name, rows, sheet=sheet)
    if edit:
        wb = openpyxl.load_workbook(path)
        edit(wb, wb.active)
        wb.save(path)
    return str(path)


def test_sheet_data_compares_values_to_4_decimals(tmp_path, gold):
    close = book(tmp_path, "close.xlsx", [["Name", "Score"], ["ann", 1.234561], ["bob", 2]])
    wrong = book(tmp_path, "wrong.xlsx", [["Name", "Score"], ["ann", 1.3], ["bob", 2]])
    assert compare_table(close, gold, rules=[rule("sheet_data")]) == 1.0
    assert compare_table(wrong, gold, rules=[rule("sheet_data")]) == 0.0


def test_missing_or_broken_result_scores_0(tmp_path, gold):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    assert compare_table(None, gold, rules=[rule("sheet_data")]) == 0.0
    assert compare_table(str(broken), gold, rules=[rule("sheet_data")]) == 0.0


def test_sheet_names_and_indexes_by_name(tmp_path, gold):
    renamed = book(tmp_path, "r.xlsx", sheet="Data")
    assert compare_table(book(tmp_path, "s.xlsx"), gold, rules=[{"type": "sheet_name"}]) == 1.0
    assert compare_table(renamed, gold, rules=[{"type": "sheet_name"}]) == 0.0
    by_name = {"type": "sheet_data", "sheet_idx0": "RNData", "sheet_idx1": "ENSheet1"}
    assert compare_table(renamed, gold, rules=[by_name]) == 1.0
    assert compare_table(renamed, gold, rules=[{**by_name, "sheet_idx0": "RNNope"}]) == 0.0


def test_sheet_print_reads_the_csv_beside_each_book(tmp_path, gold):
    result = book(tmp_path, "out.xlsx")
    (tmp_path / "out-Sheet1.csv").write_text("Name,Score\nANN,1.23\n\n")
    (tmp_path / "gold-Sheet1.csv").write_text("Name,Score\nann,1.23\n")
    assert compare_table([result, str(tmp_path / "out-Sheet1.csv")], [gold, "x"],
                         rules=[rule("sheet_print", ignore_case=True)]) == 1.0
    assert compare_table(result, gold, rules=[rule("sheet_print")]) == 0.0


def test_sheet_fuzzy_rules(tmp_path, gold):
    result = book(tmp_path, "f.xlsx", [["Name", "Score"], [" Ann Rd.", 1.23456], ["bob", 2]])
    ok = rule("sheet_fuzzy", rules=[{"range": ["A2:A3"], "type": "exact_match", "ignore_case": True,
                                     "trim_leadings": " ", "normalization": [[" Rd.", ""]]}])
    assert compare_table(result, gold, rules=[ok]) == 1.0
    assert compare_table(result, gold, rules=[rule("sheet_fuzzy", rules=[{"range": ["A2"], "type": "exact_match"}])]) == 0.0
    fuzzy = rule("sheet_fuzzy", rules=[{"range": ["A2"], "type": "fuzzy_match", "threshold": 50, "ignore_case": True}])
    assert compare_table(result, gold, rules=[fuzzy]) == 1.0
    includes = rule("sheet_fuzzy", rules=[{"range": ["A2"], "type": "includes", "ignore_case": True}])
    assert compare_table(result, gold, rules=[includes]) == 1.0


def test_check_cell_value_and_style(tmp_path, gold):
    def style(wb, ws):
        ws["A1"].font = openpyxl.styles.Font(bold=True, color="FFFF0000")
        ws.merge_cells("C1:D1")

    result = book(tmp_path, "c.xlsx", edit=style)
    good = {"type": "check_cell", "sheet_idx": 0, "coordinate": "B2",
            "props": {"value": {"method": "approx:0.001", "ref": 1.2346}}}
    assert compare_table(result, None, rules=[good]) == 1.0
    bold = {"type": "check_cell", "sheet_idx": 0, "coordinate": "A1",
            "props": {"font_bold": {"method": "eq", "ref": True}, "font_color": {"method": "eq", "ref": "FFFF0000"},
                      "value": {"method": "eq", "ref": "Name"}}}
    assert compare_table(result, None, rules=[bold]) == 1.0
    merged = {"type": "check_cell", "sheet_idx": 0, "coordinate": "D1", "props": {"merge": {"method": "eq", "ref": True}}}
    assert compare_table(result, None, rules=[merged]) == 1.0
    assert compare_table(gold, None, rules=[merged]) == 0.0
    assert compare_table(gold, None, rules=[bold]) == 0.0


def test_style_rule_includes_conditional_formats(tmp_path, gold):
    def red_fill(wb, ws):
        ws["B3"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF0000")

    def red_by_rule(wb, ws):
        from openpyxl.formatting.rule import CellIsRule

        ws.conditional_formatting.add("B2:B3", CellIsRule(operator="greaterThan", formula=["1.5"],
                                                          fill=openpyxl.styles.PatternFill(bgColor="FFFF0000")))

    expected = book(tmp_path, "e.xlsx", edit=red_fill)
    by_rule = book(tmp_path, "r.xlsx", edit=red_by_rule)
    props = rule("style", props=["bgcolor"])
    assert compare_table(by_rule, expected, rules=[props]) == 1.0
    assert compare_table(gold, expected, rules=[props]) == 0.0


def test_chart_freeze_zoom_rows_and_validation(tmp_path, gold):
    def chart(wb, ws):
        from openpyxl.chart import BarChart, Reference

        c = BarChart()
        c.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
        c.set_categories(Reference(ws, min_col=1, min_row=2, max_row=3))
        c.title = "Scores"
        ws.add_chart(c, "D2")

    def layout(wb, ws):
        ws.freeze_panes = "B2"
        ws.sheet_view.zoomScale = 80
        ws.row_dimensions[3].hidden = True
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1='"Pass,Fail,Held"')
        dv.add("D2:D29")
        ws.add_data_validation(dv)

    with_chart = book(tmp_path, "chart.xlsx", edit=chart)
    laid_out = book(tmp_path, "layout.xlsx", edit=layout)
    charts = rule("chart", chart_props=["type", "title"])
    assert compare_table(with_chart, with_chart, rules=[charts]) == 1.0
    assert compare_table(gold, with_chart, rules=[charts]) == 0.0
    assert compare_table(laid_out, laid_out, rules=[rule("freeze")]) == 1.0
    assert compare_table(gold, laid_out, rules=[rule("freeze")]) == 0.0
    zoom = {"type": "zoom", "sheet_idx": 0, "method": "lt", "ref": 100}
    assert compare_table(laid_out, None, rules=[zoom]) == 1.0
    assert compare_table(gold, None, rules=[zoom]) == 0.0
    rows = rule("row_props", props=["hidden"])
    assert compare_table(laid_out, laid_out, rules=[rows]) == 1.0
    assert compare_table(gold, laid_out, rules=[rows]) == 0.0
    dv = {"type": "data_validation", "sheet_idx": 0, "dv_props": [{
        "ranges": {"method": "spreadsheet_range", "ref": ["D2:D29", "D2:D1048576"]},
        "type": {"method": "eq", "ref": "list"}, "formula1": {"method": "str_set_eq", "ref": ["Pass", "Fail", "Held"]}}]}
    assert compare_table(laid_out, None, rules=[dv]) == 1.0
    assert compare_table(gold, None, rules=[dv]) == 0.0


def _with_pivot(tmp_path: Path, name: str, subtotal: str) -> str:
    from openpyxl.pivot.cache import CacheDefinition, CacheField, CacheSource, SharedItems, WorksheetSource
    from openpyxl.pivot.table import DataField, FieldItem, Location, PivotField, RowColField, TableDefinition

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["Inv", "Amt"], ["a", 1], ["b", 2], ["a", 3]]:
        ws.append(row)
    out = wb.create_sheet("Sheet2")
    table = TableDefinition(
        name="P1", cacheId=1, dataCaption="Values",
        location=Location(ref="A1:B3", firstHeaderRow=1, firstDataRow=1, firstDataCol=1),
        pivotFields=[PivotField(axis="axisRow", showAll=False, items=[FieldItem(x=0), FieldItem(x=1), FieldItem(t="default")]),
                     PivotField(dataField=True, showAll=False)],
        rowFields=[RowColField(x=0)], dataFields=[DataField(name="Amt", fld=1, subtotal=subtotal)])
    table.cache = CacheDefinition(cacheSource=CacheSource(type="worksheet", worksheetSource=WorksheetSource(
        ref="A1:B4", sheet="Sheet"), ), cacheFields=[CacheField(name="Inv", sharedItems=SharedItems()),
                                                     CacheField(name="Amt", sharedItems=SharedItems())])
    out._pivots.append(table)
    wb.save(tmp_path / name)
    return str(tmp_path / name)


def test_pivot_tables_compare_fields_and_aggregation(tmp_path):
    count, count2, total = (_with_pivot(tmp_path, n, s) for n, s in
                            (("c.xlsx", "count"), ("c2.xlsx", "count"), ("s.xlsx", "sum")))
    pivot = {"type": "pivot_table", "sheet_idx0": "RNSheet2", "sheet_idx1": "ENSheet2",
             "pivot_props": ["col_fields", "filter", "row_fields", "data_fields"]}
    assert compare_table(count, count2, rules=[pivot]) == 1.0
    assert compare_table(total, count2, rules=[pivot]) == 0.0


def test_rules_are_all_required(tmp_path, gold):
    same = book(tmp_path, "same.xlsx")
    assert compare_table(same, gold, rules=[rule("sheet_data"), {"type": "sheet_name"}]) == 1.0
    zoom = {"type": "zoom", "sheet_idx": 0, "method": "gt", "ref": 100}
    assert compare_table(same, gold, rules=[rule("sheet_data"), zoom]) == 0.0
    with pytest.raises(ValueError, match="sparkline"):
        compare_table(same, gold, rules=[rule("sparkline")])


def test_compare_csv(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("x,y\n1,2\n")
    b.write_text("x,y \n1,2\n")
    c.write_text("x,y\n1,3\n")
    assert compare_csv(str(a), [str(c), str(a)]) == 1.0
    assert compare_csv(str(a), str(b)) == 0.0
    assert compare_csv(str(a), str(b), strict=False) == 1.0
    assert compare_csv(None, str(a)) == 0.0
