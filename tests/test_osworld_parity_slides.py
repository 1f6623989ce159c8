"""Differential tests: Impress decks (compare_pptx_files option by option, transitions,
orientation, fills) and LibreOffice's settings file, ours against OSWorld's own (desktop-env
1.0.2, tests.helpers.osworld_ref), on files written here with python-pptx."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both

DELIBERATE: dict[str, str] = {
    "compare_pptx_files-split-runs-no-count": "examine_run_count=False is an option of upstream's "
    "compare_pptx_files that 1.0.2 does not know (it always compares runs pairwise); task files pass it",
}


XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Writer/DefaultFont">
 <prop oor:name="Standard" oor:op="fuse"><value>{font}</value></prop></item>
<item oor:path="/org.openoffice.Office.Impress/Misc/Start">
 <prop oor:name="EnablePresenterScreen" oor:op="fuse"><value>{presenter}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Save/Document">
 <prop oor:name="AutoSaveTimeIntervall" oor:op="fuse"><value>{minutes}</value></prop></item>
</oor:items>
"""


def _office_cases(tmp: Path):
    """LibreOffice's registrymodifications.xcu settings and Impress files."""
    import pptx
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    def xcu(name, **k):
        (tmp / name).write_text(XCU.format(**{"font": "Liberation Serif", "presenter": "true", "minutes": 10, **k}))
        return str(tmp / name)

    on, off = xcu("on.xcu"), xcu("off.xcu", font="Times New Roman", presenter="false", minutes=3)
    for tag, path in (("set", off), ("default", on)):
        yield f"find_default_font-{tag}", "find_default_font", (path, {"font_name": "Times New Roman"}), {}
        yield f"check_presenter_console_disable-{tag}", "check_presenter_console_disable", (path,), {}
        yield f"check_auto_saving_time-{tag}", "check_auto_saving_time", (path, {"minutes": 3}), {}
    empty = tmp / "empty.xcu"
    empty.write_text('<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/2001/registry"/>')
    yield "check_auto_saving_time-absent", "check_auto_saving_time", (str(empty), {"minutes": 3}), {}
    yield "find_default_font-missing-file", "find_default_font", (str(tmp / "none.xcu"), {"font_name": "X"}), {}

    def deck(name, portrait=False, background=None, transition=None):
        prs = pptx.Presentation()
        if portrait:
            prs.slide_width, prs.slide_height = Inches(7.5), Inches(10)
        for _ in range(2):
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            if background:
                slide.background.fill.solid()
                slide.background.fill.fore_color.rgb = RGBColor(*background)
        path = tmp / f"{name}.pptx"
        prs.save(path)
        if transition:
            _add_transition(path, transition)
        return str(path)

    yield "check_slide_orientation_Portrait-yes", "check_slide_orientation_Portrait", \
        (deck("portrait", portrait=True),), {}
    yield "check_slide_orientation_Portrait-no", "check_slide_orientation_Portrait", (deck("landscape"),), {}
    faded = deck("faded", transition="fade")
    for kind in ("fade", "dissolve"):
        yield f"check_transition-{kind}", "check_transition", (faded, {"slide_idx": 0, "transition_type": kind}), {}
    yield "check_transition-other-slide", "check_transition", (faded, {"slide_idx": 5, "transition_type": "fade"}), {}
    yield "check_transition-none", "check_transition", \
        (deck("plain-deck"), {"slide_idx": 0, "transition_type": "fade"}), {}
    for name, bg in (("bg-red", (255, 0, 0)), ("bg-near", (250, 10, 0)), ("bg-blue", (0, 0, 255)), ("bg-none", None)):
        path = deck(name, background=bg)
        yield f"evaluate_presentation_fill-{name}", "evaluate_presentation_fill_to_rgb_distance", \
            (path, {"rgb": [255, 0, 0]}), {}
        yield f"evaluate_presentation_fill-original-{name}", "evaluate_presentation_fill_to_rgb_distance", \
            (path, {"rgb": [255, 0, 0], "original_rgb": [0, 0, 255]}), {}


def _add_transition(path: Path, kind: str) -> None:
    """Give the first slide a <p:transition> with a <p:fade/>-like child, as Impress writes."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["ppt/slides/slide1.xml"].decode()
    xml = xml.replace("</p:cSld>", f'</p:cSld><p:transition spd="med"><p:{kind}/></p:transition>', 1)
    parts["ppt/slides/slide1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _deck(path: Path, *, runs=(("Hello World", {}),), moved=False, notes=None, background=None, align=None,
          table=None, two_paragraphs=False) -> str:
    """One slide: a text box whose paragraph is made of `runs` (text, {font attribute: value}),
    optionally a table, speaker notes, a background colour."""
    import pptx
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(2 if moved else 1), Inches(1), Inches(6), Inches(1))
    paragraphs = [box.text_frame.paragraphs[0]]
    if two_paragraphs:
        paragraphs.append(box.text_frame.add_paragraph())
    for para in paragraphs:
        if align:
            para.alignment = getattr(PP_ALIGN, align)
        for text, fmt in runs:
            run = para.add_run()
            run.text = text
            run.font.size = Pt(fmt.get("size", 24))
            for key in ("bold", "italic", "underline", "name"):
                if key in fmt:
                    setattr(run.font, key, fmt[key])
            if "rgb" in fmt:
                run.font.color.rgb = RGBColor.from_string(fmt["rgb"])
    if table:
        shape = slide.shapes.add_table(len(table), len(table[0]), Inches(1), Inches(3), Inches(4), Inches(1))
        for r, row in enumerate(table):
            for c, (text, fmt) in enumerate(row):
                run = shape.table.cell(r, c).text_frame.paragraphs[0].add_run()
                run.text = text
                if fmt.get("bold"):
                    run.font.bold = True
    if notes is not None:
        slide.notes_slide.notes_text_frame.text = notes
    if background:
        slide.background.fill.solid()
        slide.background.fill.fore_color.rgb = RGBColor.from_string(background)
    prs.save(path)
    return str(path)


def _pptx_cases(tmp: Path):
    d = lambda name, **k: _deck(tmp / f"{name}.pptx", **k)  # noqa: E731
    gold = d("g-gold")
    cells = [[("a", {}), ("b", {})], [("1", {}), ("2", {})]]
    tgold = d("g-tgold", table=cells)
    variants = [
        ("same", {}, {}),
        ("split-runs", {"runs": (("Hello ", {}), ("World", {}))}, {}),
        ("split-runs-no-count", {"runs": (("Hello ", {}), ("World", {}))}, {"examine_run_count": False}),
        ("moved", {"moved": True}, {}),
        ("moved-not-examined", {"moved": True}, {"examine_shape": False}),
        ("notes", {"notes": "remember"}, {}),
        ("notes-not-examined", {"notes": "remember"}, {"examine_note": False}),
        ("background", {"background": "FF0000"}, {}),
        ("background-not-examined", {"background": "FF0000"}, {"examine_background_color": False}),
        ("centred", {"align": "CENTER"}, {}),
        ("centred-not-examined", {"align": "CENTER"}, {"examine_alignment": False}),
        ("font-name", {"runs": (("Hello World", {"name": "Arial"}),)}, {}),
        ("font-name-not-examined", {"runs": (("Hello World", {"name": "Arial"}),)}, {"examine_font_name": False}),
        ("colour", {"runs": (("Hello World", {"rgb": "FF0000"}),)}, {}),
        ("colour-not-examined", {"runs": (("Hello World", {"rgb": "FF0000"}),)}, {"examine_color_rgb": False}),
        ("underline", {"runs": (("Hello World", {"underline": True}),)}, {}),
        ("italic", {"runs": (("Hello World", {"italic": True}),)}, {}),
        ("italic-not-examined", {"runs": (("Hello World", {"italic": True}),)}, {"examine_font_italic": False}),
        ("two-paragraphs", {"two_paragraphs": True}, {}),
        ("text-not-examined", {"runs": (("Hello there", {}),)}, {"examine_text": False}),
    ]
    for name, kw, opts in variants:
        yield f"compare_pptx_files-{name}", "compare_pptx_files", (d(f"v-{name}", **kw), gold), opts
    for name, table in [("table-same", cells), ("table-text", [[("a", {}), ("b", {})], [("1", {}), ("3", {})]]),
                        ("table-bold", [[("a", {"bold": True}), ("b", {})], [("1", {}), ("2", {})]])]:
        yield f"compare_pptx_files-{name}", "compare_pptx_files", (d(f"t-{name}", table=table), tgold), {}


def _all(tmp: Path):
    return (*_office_cases(tmp), *_pptx_cases(tmp))


def _ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in _all(Path(tmp))]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return {c[0]: c[1:] for c in _all(tmp_path_factory.mktemp("slides"))}


@pytest.mark.parametrize("case_id", _ids())
def test_slides_metric(case_id, cases):
    metric, args, options = cases[case_id]
    theirs, ours = score_both("metric", metric, *args, **options)
    check_case(case_id, theirs, ours, DELIBERATE)
