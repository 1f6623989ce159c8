"""compare_pptx_files on presentations made with python-pptx."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

from tasks.osworld.metrics.slides import compare_pptx_files
from tests.helpers.osworld import make_pptx


def edit(src: str, dst: Path, change) -> str:
    prs = Presentation(src)
    change(prs)
    prs.save(dst)
    return str(dst)


def test_identical_decks_match_and_text_changes_do_not(tmp_path):
    a = str(make_pptx(tmp_path / "a.pptx", [["Title", "Body"], ["Two"]]))
    b = str(make_pptx(tmp_path / "b.pptx", [["Title", "Body"], ["Two"]]))
    c = str(make_pptx(tmp_path / "c.pptx", [["Title", "Body!"], ["Two"]]))
    assert compare_pptx_files(a, b) == 1.0
    assert compare_pptx_files(a, c) == 0.0
    assert compare_pptx_files(a, c, examine_text=False) == 0.0  # the bullet check reads text too
    assert compare_pptx_files(a, c, examine_text=False, examine_bullets=False) == 1.0
    assert compare_pptx_files(None, b) == 0.0


def test_slide_count_and_notes(tmp_path):
    a = str(make_pptx(tmp_path / "a.pptx", [["One"]]))
    two = str(make_pptx(tmp_path / "two.pptx", [["One"], ["Extra"]]))
    assert compare_pptx_files(a, two) == 0.0
    noted = edit(a, tmp_path / "n.pptx", lambda p: setattr(p.slides[0].notes_slide.notes_text_frame, "text", "say hi"))
    assert compare_pptx_files(noted, a) == 0.0
    assert compare_pptx_files(noted, a, examine_note=False) == 1.0


def test_font_properties(tmp_path):
    plain = str(make_pptx(tmp_path / "p.pptx", [["Word"]]))
    bold = str(make_pptx(tmp_path / "b.pptx", [["Word"]], bold=True))
    assert compare_pptx_files(bold, plain) == 0.0
    assert compare_pptx_files(bold, plain, examine_font_bold=False) == 1.0

    def recolour(prs):
        from pptx.dml.color import RGBColor

        prs.slides[0].shapes[0].text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(255, 0, 0)

    red = edit(plain, tmp_path / "r.pptx", recolour)
    red2 = edit(plain, tmp_path / "r2.pptx", recolour)
    assert compare_pptx_files(red, red2) == 1.0
    blue = edit(plain, tmp_path / "bl.pptx", lambda p: setattr(
        p.slides[0].shapes[0].text_frame.paragraphs[0].runs[0].font.color, "rgb",
        __import__("pptx.dml.color", fromlist=["RGBColor"]).RGBColor(0, 0, 255)))
    assert compare_pptx_files(red, blue) == 0.0


def test_shape_position_tolerance_and_alignment(tmp_path):
    a = str(make_pptx(tmp_path / "a.pptx", [["Box"]]))
    nudged = edit(a, tmp_path / "n.pptx", lambda p: setattr(p.slides[0].shapes[0], "left", Inches(1) + 100))
    moved = edit(a, tmp_path / "m.pptx", lambda p: setattr(p.slides[0].shapes[0], "left", Inches(3)))
    assert compare_pptx_files(nudged, a) == 1.0  # within 0.5%
    assert compare_pptx_files(moved, a) == 0.0
    assert compare_pptx_files(moved, a, examine_shape=False) == 1.0
    centred = edit(a, tmp_path / "c.pptx", lambda p: setattr(
        p.slides[0].shapes[0].text_frame.paragraphs[0], "alignment", PP_ALIGN.CENTER))
    left = edit(a, tmp_path / "l.pptx", lambda p: setattr(
        p.slides[0].shapes[0].text_frame.paragraphs[0], "alignment", PP_ALIGN.LEFT))
    assert compare_pptx_files(left, a) == 1.0  # unset alignment is left
    assert compare_pptx_files(centred, a) == 0.0
    assert compare_pptx_files(centred, a, examine_alignment=False) == 1.0


def test_tables_compare_cell_runs(tmp_path):
    def deck(name, bold):
        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        table = slide.shapes.add_table(2, 2, Inches(1), Inches(1), Inches(4), Inches(1)).table
        for r in range(2):
            for c in range(2):
                run = table.cell(r, c).text_frame.paragraphs[0].add_run()
                run.text = f"{r}{c}"
                run.font.bold = bold and r == 0
        prs.save(tmp_path / name)
        return str(tmp_path / name)

    assert compare_pptx_files(deck("a.pptx", True), deck("b.pptx", True)) == 1.0
    assert compare_pptx_files(deck("c.pptx", True), deck("d.pptx", False)) == 0.0


def test_modify_height_checks_only_heights_of_shapes_without_text(tmp_path):
    def deck(name, height):
        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_picture(str(_png(tmp_path)), Inches(1), Inches(1), Inches(2), Inches(height))
        prs.save(tmp_path / name)
        return str(tmp_path / name)

    opts = {"examine_shape": False, "examine_modify_height": True}
    assert compare_pptx_files(deck("a.pptx", 2), deck("b.pptx", 2), **opts) == 1.0
    assert compare_pptx_files(deck("c.pptx", 3), deck("d.pptx", 2), **opts) == 0.0


def _png(tmp_path: Path) -> Path:
    from tests.helpers.osworld import make_image

    return make_image(tmp_path / "pic.png")


def test_presentation_settings_and_backgrounds(tmp_path):
    from pptx.dml.color import RGBColor

    from tasks.osworld.metrics import office_settings as office

    a = str(make_pptx(tmp_path / "a.pptx", [["One"], ["Two"]]))
    portrait = edit(a, tmp_path / "p.pptx", lambda p: (setattr(p, "slide_width", Inches(7.5)),
                                                       setattr(p, "slide_height", Inches(10))))
    assert office.check_slide_orientation_Portrait(portrait) == 1.0
    assert office.check_slide_orientation_Portrait(a) == 0.0

    def transition(prs):
        from lxml import etree

        ns = "http://schemas.openxmlformats.org/presentationml/2006/main"
        t = etree.SubElement(prs.slides[1]._element, f"{{{ns}}}transition")
        etree.SubElement(t, f"{{{ns}}}dissolve")

    faded = edit(a, tmp_path / "t.pptx", transition)
    assert office.check_transition(faded, {"slide_idx": 1, "transition_type": "dissolve"}) == 1.0
    assert office.check_transition(faded, {"slide_idx": 0, "transition_type": "dissolve"}) == 0.0

    def paint(prs):
        for slide in prs.slides:
            slide.background.fill.solid()
            slide.background.fill.fore_color.rgb = RGBColor(0, 0, 255)

    blue = edit(a, tmp_path / "b.pptx", paint)
    assert office.evaluate_presentation_fill_to_rgb_distance(blue, {"rgb": [0, 0, 255]}) == 1.0
    assert office.evaluate_presentation_fill_to_rgb_distance(blue, {"rgb": [0, 0, 255], "original_rgb": [0, 0, 255]}) == 0.0

    xcu = tmp_path / "registrymodifications.xcu"
    xcu.write_text('<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/2001/registry">'
                   '<item oor:path="/org.openoffice.Office.Impress/Misc/Start"><prop oor:name="EnablePresenterScreen">'
                   '<value>false</value></prop></item><item oor:path="/org.openoffice.Office.Common/Save/Document">'
                   '<prop oor:name="AutoSaveTimeIntervall"><value>3</value></prop></item></oor:items>')
    assert office.check_presenter_console_disable(str(xcu)) == 1.0
    assert office.check_presenter_console_disable(a) == 0.0
    assert office.check_auto_saving_time(str(xcu), {"minutes": 3}) == 1.0
    assert office.check_auto_saving_time(str(xcu), {"minutes": 5}) == 0.0
