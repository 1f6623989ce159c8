"""Word-processor metrics on documents made with python-docx (and a hand-written .odt)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Inches, Pt, RGBColor

from tasks.osworld.metrics import docs, docs_extra
from tests.helpers.osworld import make_docx, make_image


def save(doc, path: Path) -> str:
    doc.save(path)
    return str(path)


def test_compare_docx_files_options(tmp_path):
    a = str(make_docx(tmp_path / "a.docx", ["Hello  world", "", "Second"]))
    b = str(make_docx(tmp_path / "b.docx", ["Hello world", "Second"]))
    c = str(make_docx(tmp_path / "c.docx", ["second", "hello  world", ""]))
    assert docs.compare_docx_files(a, b) == 1.0  # blanks ignored by default
    assert docs.compare_docx_files(a, b, ignore_blanks=False) == 0.0
    assert docs.compare_docx_files(a, c, ignore_blanks=False, ignore_order=True, ignore_case=True) == 1.0
    assert docs.compare_docx_files(a, c) == 0.0
    assert docs.compare_docx_files(a, b, ignore_blanks=False, delete_empty_lines=True, fuzzy_match=True) > 0.9
    assert 0.0 < docs.compare_docx_files(a, c, content_only=True) < 1.0
    assert docs.compare_docx_files(None, b) == 0.0
    assert docs.compare_docx_files_and_ignore_new_lines(a, b) == 1.0
    assert docs.compare_docx_files_and_ignore_new_lines(a, c) == 0.0
    assert docs.compare_docx_lines(a, str(make_docx(tmp_path / "d.docx", ["Second", "Hello  world"]))) == 1.0
    assert docs.compare_docx_lines(a, c) == 0.0


def _odt(path: Path, paragraphs: list[str], yellow_span: str | None = None) -> str:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
    styles = ('<office:automatic-styles><style:style style:name="T1" style:family="text">'
              '<style:text-properties fo:background-color="#ffff00"/></style:style></office:automatic-styles>')
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    if yellow_span:
        body += f'<text:p><text:span text:style-name="T1">{yellow_span}</text:span></text:p>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", f'<?xml version="1.0"?><office:document-content {ns}>{styles}'
                                  f"<office:body><office:text>{body}</office:text></office:body>"
                                  "</office:document-content>")
    return str(path)


def test_odt_documents_and_highlights(tmp_path):
    plain = _odt(tmp_path / "a.odt", ["One", "Two words"])
    same = _odt(tmp_path / "b.odt", ["One", "Two  words"])
    marked = _odt(tmp_path / "c.odt", ["One"], yellow_span="Two words")
    assert docs.compare_docx_files(plain, same) == 1.0
    assert docs.compare_docx_files(plain, str(make_docx(tmp_path / "x.docx", ["One"]))) == 0.0
    assert docs_extra.check_highlighted_words(plain, same) == 1.0
    assert docs_extra.check_highlighted_words(marked, same) == 0.0


def test_tables_images_and_spacing(tmp_path):
    t1 = str(make_docx(tmp_path / "t1.docx", ["x"], table=[["a", "b"], ["c", "d "]]))
    t2 = str(make_docx(tmp_path / "t2.docx", ["x"], table=[["a", "b"], ["c", "d"]]))
    t3 = str(make_docx(tmp_path / "t3.docx", ["x"], table=[["a", "b"], ["c", "e"]]))
    assert docs.compare_docx_tables(t1, t2) == 1.0 and docs.compare_docx_tables(t1, t3) == 0.0

    def with_image(name, color):
        doc = Document()
        doc.add_picture(str(make_image(tmp_path / f"{name}.png", color=color)), width=Inches(1))
        return save(doc, tmp_path / f"{name}.docx")

    assert docs.compare_docx_images(with_image("i1", (1, 2, 3)), with_image("i2", (1, 2, 3))) == 1.0
    assert docs.compare_docx_images(with_image("i3", (1, 2, 3)), with_image("i4", (9, 9, 9))) == 0.0

    def spaced(name, spacing):
        doc = Document()
        doc.add_paragraph("Line").paragraph_format.line_spacing = spacing
        return save(doc, tmp_path / f"{name}.docx")

    assert docs.compare_line_spacing(spaced("s1", 2.0), spaced("s2", 2.0)) == 1.0
    assert docs.compare_line_spacing(spaced("s3", 1.5), spaced("s4", 2.0)) == 0.0


def test_run_level_checks(tmp_path):
    doc = Document()
    p = doc.add_paragraph()
    r = p.add_run("H")
    r.font.name = "Arial"
    sub = p.add_run("2")
    sub.font.subscript, sub.font.name = True, "Arial"
    it = doc.add_paragraph().add_run("slanted")
    it.italic, it.font.size, it.font.name = True, Pt(14), "Arial"
    last = doc.add_paragraph().add_run("gone")
    last.font.strike, last.font.name = True, "Arial"
    doc.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    good = save(doc, tmp_path / "good.docx")
    doc.add_page_break()
    broken = save(doc, tmp_path / "broken.docx")
    plain = str(make_docx(tmp_path / "plain.docx", ["H2", "slanted", "gone"]))
    assert docs.compare_font_names(good, {"font_name": "Arial"}) == 1.0
    assert docs.compare_font_names(plain, {"font_name": "Arial"}) == 0.0
    assert docs.compare_subscript_contains(good, good) == 1.0 and docs.compare_subscript_contains(good, plain) == 0.0
    assert docs.check_italic_font_size_14(good, good) == 1.0
    assert docs.is_first_line_centered(good) == 1.0 and docs.is_first_line_centered(plain) == 0.0
    assert docs.contains_page_break(broken, {"page_break_count": 1}) == 1.0
    assert docs.contains_page_break(good, {}) == 0.0
    struck = Document(good)
    struck.add_paragraph("not struck")
    assert docs.evaluate_strike_through_last_paragraph(save(struck, tmp_path / "s.docx"), str(tmp_path / "s.docx")) == 0.0
    no_break = Document()
    no_break.add_paragraph("H2")
    no_break.add_paragraph("slanted")
    no_break.add_paragraph("gone").runs[0].font.strike = True
    p2 = save(no_break, tmp_path / "nb.docx")
    assert docs.evaluate_strike_through_last_paragraph(p2, p2) == 1.0
    big = Document()
    big.add_paragraph().add_run("slanted").italic = True
    p3 = save(big, tmp_path / "big.docx")
    assert docs.check_italic_font_size_14(p3, p3) == 0.0


def test_equation_footer_and_tabstops(tmp_path):
    from docx.oxml import OxmlElement

    eq = Document()
    eq.add_paragraph().add_run("E")._r.append(OxmlElement("w:object"))
    with_eq = save(eq, tmp_path / "eq.docx")
    assert docs.compare_insert_equation(with_eq, with_eq) == 1.0
    assert docs.compare_insert_equation(str(make_docx(tmp_path / "e2.docx", ["E"])), with_eq) == 0.0

    footed = Document()
    footed.add_paragraph("body")
    footed.sections[0].footer.paragraphs[0].text = "Page 1"
    assert docs.has_page_numbers_in_footers(save(footed, tmp_path / "f.docx")) == 1.0
    assert docs.has_page_numbers_in_footers(str(make_docx(tmp_path / "nf.docx", ["body"]))) == 0.0

    def tabbed(name, inches):
        doc = Document()
        p = doc.add_paragraph("Alpha beta\tgamma")
        p.paragraph_format.tab_stops.add_tab_stop(Inches(inches))
        return save(doc, tmp_path / f"{name}.docx")

    assert docs_extra.check_tabstops(tabbed("t1", 3), tabbed("t2", 3), word_number_split_by_tabstop=2) == 1.0
    assert 0.5 < docs_extra.check_tabstops(tabbed("t3", 2), tabbed("t4", 3)) < 1.0
    assert docs_extra.check_tabstops(tabbed("t5", 3), tabbed("t6", 3), word_number_split_by_tabstop=3) == 0.0


def test_references_records_and_words(tmp_path):
    a = str(make_docx(tmp_path / "a.docx", ["Intro", "References", "Smith 2020. A paper.", "Doe 2021. B."]))
    b = str(make_docx(tmp_path / "b.docx", ["Intro", "References", "Smith 2020. A paper.", "Doe 2021. B."]))
    c = str(make_docx(tmp_path / "c.docx", ["Intro", "References", "Zhang 1999. Other thing entirely."]))
    assert docs_extra.compare_references(a, b) == 1.0 and docs_extra.compare_references(a, c) == 0.0
    initial = str(make_docx(tmp_path / "i.docx", ["d,T1,x,y", "d,T2,x,y", "d,T1,x,y"]))
    gold = str(make_docx(tmp_path / "g.docx", ["d,T1,x,y", "d,T2,x,y"]))
    dup = str(make_docx(tmp_path / "dup.docx", ["d,T1,x,y", "d,T2,x,y", "d,T1,x,y"]))
    assert docs_extra.compare_unique_train_records(gold, [gold, initial]) == 1.0
    assert docs_extra.compare_unique_train_records(dup, [gold, initial]) == 0.0
    three = str(make_docx(tmp_path / "m.docx", ["x+1", "y", "z"]))
    assert docs_extra.fuzzy_place_math(three, {"expected": ["x+1", "y", "z"]}) == 1.0
    assert docs_extra.fuzzy_place_math(str(make_docx(tmp_path / "m2.docx", ["x"])), {"expected": ["x"]}) == 0.0


def test_colored_words_in_tables(tmp_path):
    def coloured(name, vowel_rgb):
        doc = Document()
        table = doc.add_table(rows=1, cols=2)
        for cell, word, rgb in ((table.cell(0, 0), "apple", vowel_rgb), (table.cell(0, 1), "pear", (0, 0, 255))):
            cell.paragraphs[0].add_run(word).font.color.rgb = RGBColor(*rgb)
        return save(doc, tmp_path / f"{name}.docx")

    good, bad = coloured("g", (255, 0, 0)), coloured("b", (0, 128, 0))
    assert docs_extra.evaluate_colored_words_in_tables(good, good) == 1.0
    assert docs_extra.evaluate_colored_words_in_tables(bad, bad) == 0.0
    assert docs_extra.delta_e2000((255, 0, 0), (255, 0, 0)) == 0.0
    assert abs(docs_extra.delta_e2000((255, 0, 0), (0, 0, 255)) - 52.88) < 0.1  # CIEDE2000 red vs blue


def test_default_font_in_libreoffice_settings(tmp_path):
    xcu = tmp_path / "registrymodifications.xcu"
    xcu.write_text('<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/2001/registry">'
                   '<item oor:path="/org.openoffice.Office.Writer/DefaultFont"><prop oor:name="Standard">'
                   "<value>Times New Roman</value></prop></item></oor:items>")
    assert docs_extra.find_default_font(str(xcu), {"font_name": "Times New Roman"}) == 1.0
    assert docs_extra.find_default_font(str(xcu), {"font_name": "Arial"}) == 0.0
