"""Options OSWorld's task files pass that only upstream's newer evaluator code knows (the
desktop-env 1.0.2 wheel the parity tests load ignores them): `examine_run_count` of
compare_pptx_files and `containment_ok` of compare_config, with upstream's meaning, plus the
other behaviours upstream's compare_pptx_files added since 1.0.2. Options are passed the way
the checker passes a task file's `options` object: as keyword arguments, resolved by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.util import Inches, Pt

from tasks.osworld.registry import METRICS, resolve

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def compare_pptx_files(result, expected, **options) -> float:
    return resolve(METRICS["compare_pptx_files"])(result, expected, **options)


def compare_config(result, rules, **options) -> float:
    return resolve(METRICS["compare_config"])(result, rules, **options)


# A paragraph is a list of runs; a run is its text, or (text, {"bold": True, "size": 24}).
def deck(path: Path, paragraphs: list, *, cell: list | None = None, bullet: str | None = None,
         levels: dict | None = None) -> str:
    """One slide: a text box holding `paragraphs` (the first with `bullet` as its bullet
    character, levels[i] as paragraph i's level) and, with `cell`, a 1x1 table whose cell
    holds those runs."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(5), Inches(2)).text_frame
    for i, runs in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _fill(para, runs)
        para.level = (levels or {}).get(i, 0)
    if bullet:
        etree.SubElement(frame.paragraphs[0]._p.get_or_add_pPr(), f"{_A}buChar").set("char", bullet)
    if cell is not None:
        table = slide.shapes.add_table(1, 1, Inches(1), Inches(4), Inches(4), Inches(1)).table
        _fill(table.cell(0, 0).text_frame.paragraphs[0], cell)
    prs.save(path)
    return str(path)


def _fill(para, runs: list) -> None:
    for spec in runs:
        text, font = (spec, {}) if isinstance(spec, str) else spec
        run = para.add_run()
        run.text = text
        run.font.size = Pt(font.get("size", 18))
        if font.get("bold"):
            run.font.bold = True


# --- compare_pptx_files: examine_run_count ---------------------------------------------------

def test_run_count_on_by_default_off_lets_text_split_into_more_runs(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Hello World"]])
    split = deck(tmp_path / "split.pptx", [["Hello ", "World"]])
    assert compare_pptx_files(split, gold) == 0.0
    assert compare_pptx_files(split, gold, examine_run_count=True) == 0.0
    assert compare_pptx_files(split, gold, examine_run_count=False) == 1.0
    assert compare_pptx_files(gold, split, examine_run_count=False) == 1.0


def test_run_count_off_still_checks_the_text(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Hello World"]])
    typo = deck(tmp_path / "typo.pptx", [["Hello ", "Word"]])
    assert compare_pptx_files(typo, gold, examine_run_count=False) == 0.0


def test_run_count_off_pairs_runs_in_order_and_compares_their_fonts(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Hello ", "World"]])
    bold_second = deck(tmp_path / "bold2.pptx", [["Hello ", ("World", {"bold": True})]])
    # Same number of runs: the option changes nothing, the second pair's bold differs.
    assert compare_pptx_files(bold_second, gold, examine_run_count=False) == 0.0
    assert compare_pptx_files(bold_second, gold, examine_run_count=False, examine_font_bold=False) == 1.0
    # One run against two: only the first pair is compared ("Hello World" against "Hello ").
    one = deck(tmp_path / "one.pptx", [["Hello World"]])
    big_first = deck(tmp_path / "big1.pptx", [[("Hello ", {"size": 30}), "World"]])
    big_second = deck(tmp_path / "big2.pptx", [["Hello ", ("World", {"size": 30})]])
    assert compare_pptx_files(big_first, one, examine_run_count=False) == 0.0
    assert compare_pptx_files(big_second, one, examine_run_count=False) == 1.0
    assert compare_pptx_files(big_second, one, examine_run_count=False, examine_font_size=False) == 1.0
    assert compare_pptx_files(big_first, one, examine_run_count=False, examine_font_size=False) == 1.0


def test_run_count_applies_to_table_cells_too(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Title"]], cell=["Cell text"])
    split = deck(tmp_path / "split.pptx", [["Title"]], cell=["Cell ", "text"])
    assert compare_pptx_files(split, gold) == 0.0
    assert compare_pptx_files(split, gold, examine_run_count=False) == 1.0
    # In cells bold is compared whatever examine_font_bold says, pair by pair: a bold first
    # run differs, a bold run past the gold's last one is never looked at.
    bold_first = deck(tmp_path / "b1.pptx", [["Title"]], cell=[("Cell ", {"bold": True}), "text"])
    bold_extra = deck(tmp_path / "b2.pptx", [["Title"]], cell=["Cell ", ("text", {"bold": True})])
    assert compare_pptx_files(bold_first, gold, examine_run_count=False) == 0.0
    assert compare_pptx_files(bold_first, gold, examine_run_count=False, examine_font_bold=False) == 0.0
    assert compare_pptx_files(bold_extra, gold, examine_run_count=False) == 1.0


def test_blank_paragraphs_count_only_runs_that_hold_text(tmp_path):
    # Upstream's normalisation, whatever examine_run_count says: a blank paragraph with an
    # empty run and one with no run at all are the same (the 1.0.2 wheel counts 1 against 0).
    no_run = deck(tmp_path / "none.pptx", [["Title"], [], ["End"]])
    empty_run = deck(tmp_path / "empty.pptx", [["Title"], [""], ["End"]])
    spaces = deck(tmp_path / "spaces.pptx", [["Title"], ["  "], ["End"]])
    assert compare_pptx_files(empty_run, no_run) == 1.0
    assert compare_pptx_files(spaces, no_run) == 0.0  # "  " is other paragraph text than ""
    assert compare_pptx_files(spaces, no_run, examine_text=False) == 1.0  # 1 run against 0: equal
    # Only when both are blank: a paragraph with text keeps its empty runs in the count.
    gold = deck(tmp_path / "gold.pptx", [["Title"], ["End"]])
    trailing = deck(tmp_path / "trail.pptx", [["Title"], ["End", ""]])
    assert compare_pptx_files(trailing, gold) == 0.0
    assert compare_pptx_files(trailing, gold, examine_run_count=False) == 1.0


# --- compare_pptx_files: the rest of what upstream changed since 1.0.2 -----------------------

def test_indent_levels_zero_and_one_count_as_the_same(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Title"], ["Body"]])
    one = deck(tmp_path / "one.pptx", [["Title"], ["Body"]], levels={1: 1})
    two = deck(tmp_path / "two.pptx", [["Title"], ["Body"]], levels={1: 2})
    assert compare_pptx_files(one, gold, examine_bullets=False) == 1.0
    assert compare_pptx_files(two, gold, examine_bullets=False) == 0.0
    assert compare_pptx_files(two, gold, examine_bullets=False, examine_indent=False) == 1.0


def test_bullet_levels_count_only_where_a_bullet_shows(tmp_path):
    gold = deck(tmp_path / "gold.pptx", [["Title"], ["Body"]])
    deeper = deck(tmp_path / "deep.pptx", [["Title"], ["Body"]], levels={1: 1})
    assert compare_pptx_files(deeper, gold) == 1.0  # no bullet: the levels are not compared
    dotted = deck(tmp_path / "dot.pptx", [["Title"], ["Body"]], bullet="•")
    dotted_deep = deck(tmp_path / "dotdeep.pptx", [["Title"], ["Body"]], bullet="•", levels={0: 1})
    assert compare_pptx_files(dotted, dotted) == 1.0
    assert compare_pptx_files(dotted, gold) == 0.0
    assert compare_pptx_files(dotted_deep, dotted, examine_indent=False) == 0.0  # bullet shown: levels count
    assert compare_pptx_files(dotted, gold, examine_bullets=False) == 1.0


def test_bullet_check_is_skipped_on_a_slide_with_an_empty_text_element(tmp_path):
    # Upstream (and 1.0.2) join each paragraph's <a:t> texts; an empty run is <a:t/>, whose
    # text is None, the join raises, and the bare except skips the bullet comparison.
    gold = deck(tmp_path / "gold.pptx", [["Title"], ["Body", ""]], bullet="•")
    plain = deck(tmp_path / "plain.pptx", [["Title"], ["Body", ""]])
    assert compare_pptx_files(plain, gold) == 1.0
    gold_full = deck(tmp_path / "goldfull.pptx", [["Title"], ["Body"]], bullet="•")
    plain_full = deck(tmp_path / "plainfull.pptx", [["Title"], ["Body"]])
    assert compare_pptx_files(plain_full, gold_full) == 0.0


def test_shapes_without_text_are_exempt_from_the_position_check(tmp_path):
    def with_box(name: str, left: float) -> str:
        path = tmp_path / name
        prs = Presentation(deck(path, [["Title"]]))
        prs.slides[0].shapes.add_shape(1, Inches(left), Inches(5), Inches(1), Inches(1))
        prs.save(path)
        return str(path)

    gold = with_box("gold.pptx", 1)
    moved = with_box("moved.pptx", 4)
    assert compare_pptx_files(moved, gold) == 1.0
    moved_title = Presentation(gold)
    moved_title.slides[0].shapes[0].left = Inches(3)
    moved_title.save(tmp_path / "mt.pptx")
    assert compare_pptx_files(str(tmp_path / "mt.pptx"), gold) == 0.0


# --- compare_config: containment_ok ----------------------------------------------------------

SETTINGS = {"workbench.colorTheme": "Default Dark+", "editor": {"fontSize": 14, "rulers": [80, 120]}}


def _write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


@pytest.mark.parametrize("options", [{}, {"containment_ok": True}])
def test_containment_json_subset_right_and_wrong(tmp_path, options):
    path = _write(tmp_path, "settings.json", json.dumps(SETTINGS, indent=4))
    right = [{"workbench.colorTheme": "Default Dark+"}, {"editor": {"fontSize": 14}}, {},
             {"editor": {"rulers": [80, 120]}}, SETTINGS]
    wrong = [{"workbench.colorTheme": "Light"}, {"editor": {"fontSize": "14"}}, {"missing": None},
             {"editor": {"rulers": [80]}}, {"editor": {"rulers": [120, 80]}},  # lists: equal, in order
             {"editor": 14}, [SETTINGS]]
    for want in right:
        assert compare_config(path, {"expected": json.dumps(want)}, **options) == 1.0, want
    for want in wrong:
        assert compare_config(path, {"expected": json.dumps(want)}, **options) == 0.0, want


def test_containment_falls_back_to_text_when_either_side_is_not_json(tmp_path):
    ini = _write(tmp_path, "app.conf", "[ui]\ntheme = dark\nfont = 12\n")
    assert compare_config(ini, {"expected": "theme = dark"}) == 1.0
    assert compare_config(ini, {"expected": "  theme = dark\n"}) == 1.0  # the expected text is stripped
    assert compare_config(ini, {"expected": "theme = light"}) == 0.0
    assert compare_config(ini, {"expected": "theme =  dark"}) == 0.0  # no blank folding
    # JSON on one side only: text containment, so a re-indented object no longer matches.
    broken = _write(tmp_path, "broken.json", '{"a": 1, "b": 2,}')
    assert compare_config(broken, {"expected": '"a": 1'}) == 1.0
    assert compare_config(broken, {"expected": '{"a": 1}'}) == 0.0
    # Both JSON but not a subset: 0, with no fall back to text.
    scalar = _write(tmp_path, "scalar.json", '"Default Dark+ theme"')
    assert compare_config(scalar, {"expected": '"Default Dark+"'}) == 0.0


def test_containment_off_needs_equal_text_or_equal_json(tmp_path):
    path = _write(tmp_path, "settings.json", json.dumps(SETTINGS, indent=4))
    off = {"containment_ok": False}
    assert compare_config(path, {"expected": json.dumps(SETTINGS)}, **off) == 1.0  # other layout, same JSON
    assert compare_config(path, {"expected": json.dumps({"workbench.colorTheme": "Default Dark+"})}, **off) == 0.0
    ini = _write(tmp_path, "app.conf", "theme = dark\n")
    assert compare_config(ini, {"expected": "theme = dark\n"}, **off) == 1.0
    assert compare_config(ini, {"expected": "theme = dark"}, **off) == 0.0  # text must be whole
    assert compare_config(ini, {"expected": "theme = dark"}) == 1.0


def test_compare_config_edges(tmp_path):
    path = _write(tmp_path, "settings.json", json.dumps(SETTINGS))
    assert compare_config(None, {"expected": "{}"}) == 0.0
    assert compare_config(path, {"expected": ""}) == 0.0  # nothing expected scores 0, not 1
    assert compare_config(path, {}) == 0.0
    latin1 = _write(tmp_path, "latin1.conf", "theme = dark\nname = caf\xe9\n".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):  # as upstream: not UTF-8 is an error (the checker scores 0)
        compare_config(latin1, {"expected": "theme = dark"})
