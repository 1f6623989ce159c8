"""Differential tests: Writer (.docx) metrics and compare_pptx_files on plain decks, ours against
OSWorld's own (desktop-env 1.0.2, tests.helpers.osworld_ref), on documents written here with
python-docx and python-pptx, a few saved again by LibreOffice. Impress decks in detail and
LibreOffice's settings: test_osworld_parity_slides.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both


def _docx(path: Path, paras: list[str], *, table=None, centered_first=False, font=None, page_break=False,
          spacing=None) -> str:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    d = docx.Document()
    for i, text in enumerate(paras):
        p = d.add_paragraph()
        run = p.add_run(text)
        if font:
            run.font.name = font
        if i == 0 and centered_first:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if spacing is not None:
            p.paragraph_format.line_spacing = spacing
        if page_break and i == 0:
            run.add_break(WD_BREAK.PAGE)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    d.save(path)
    return str(path)


def _pptx(path: Path, slides: list[list[str]], *, size=None, bold=False) -> str:
    import pptx
    from pptx.util import Inches, Pt

    prs = pptx.Presentation()
    for texts in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        for i, text in enumerate(texts):
            box = slide.shapes.add_textbox(Inches(1), Inches(1 + i), Inches(6), Inches(1))
            run = box.text_frame.paragraphs[0].add_run()
            run.text = text
            if size:
                run.font.size = Pt(size)
            run.font.bold = bold or None
    prs.save(path)
    return str(path)


PARAS = ["Title line", "The quick brown fox.", "Jumps over the lazy dog."]


def _cases(tmp: Path):
    d = lambda name, *a, **k: _docx(tmp / f"{name}.docx", *a, **k)  # noqa: E731
    gold = d("gold", PARAS)
    for name, paras in [("same", PARAS), ("typo", [*PARAS[:2], "Jumps over the lazy cat."]),
                        ("fewer", PARAS[:2]), ("empty", [])]:
        path = d(name, paras)
        yield f"compare_docx_files-{name}", "compare_docx_files", (path, gold), {}
        yield f"compare_docx_files-ignore-blanks-{name}", "compare_docx_files", (path, gold), {"ignore_blanks": False}
        yield f"compare_docx_files_and_ignore_new_lines-{name}", "compare_docx_files_and_ignore_new_lines", \
            (path, gold), {}
    shuffled = d("shuffled", PARAS[::-1])
    spaced = d("spaced", ["Title  line", "", "The quick  brown fox.", "Jumps over the lazy dog. "])
    near = d("near", ["Title line", "The quick brown fox!", "Jumps over the lazy dog."])
    for name, path, opts in [("order", shuffled, {}), ("order-ignored", shuffled, {"ignore_order": True}),
                             ("spaced", spaced, {}), ("spaced-strict", spaced, {"ignore_blanks": False}),
                             ("spaced-empty-lines", spaced, {"delete_empty_lines": True}),
                             ("content-only", near, {"content_only": True}), ("fuzzy", near, {"fuzzy_match": True}),
                             ("content-only-shuffled", shuffled, {"content_only": True})]:
        yield f"compare_docx_files-{name}", "compare_docx_files", (path, gold), opts
    yield "compare_docx_files-case", "compare_docx_files", (d("upper", [p.upper() for p in PARAS]), gold), \
        {"ignore_case": True}
    yield "compare_docx_files-missing", "compare_docx_files", (str(tmp / "absent.docx"), gold), {}
    broken = tmp / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    for metric in ("compare_docx_files", "compare_docx_tables", "compare_line_spacing", "compare_docx_lines",
                   "compare_docx_images", "compare_subscript_contains", "check_tabstops", "compare_references"):
        yield f"{metric}-broken-file", metric, (str(broken), gold), {}
    yield "compare_pptx_files-broken-file", "compare_pptx_files", (str(broken), _pptx(tmp / "b-gold.pptx", [["x"]])), {}
    yield "has_page_numbers_in_footers-broken-file", "has_page_numbers_in_footers", (str(broken),), {}
    tgold = d("tgold", PARAS, table=[["a", "b"], ["1", "2"]])
    yield "compare_docx_tables-same", "compare_docx_tables", \
        (d("tsame", PARAS, table=[["a", "b"], ["1", "2"]]), tgold), {}
    yield "compare_docx_tables-diff", "compare_docx_tables", \
        (d("tdiff", PARAS, table=[["a", "b"], ["1", "3"]]), tgold), {}
    yield "compare_docx_tables-none", "compare_docx_tables", (d("tnone", PARAS), tgold), {}
    yield "is_first_line_centered-yes", "is_first_line_centered", (d("c1", PARAS, centered_first=True),), {}
    yield "is_first_line_centered-no", "is_first_line_centered", (gold,), {}
    yield "contains_page_break-yes", "contains_page_break", \
        (d("pb", PARAS, page_break=True), {"page_break_count": 1}), {}
    yield "contains_page_break-no", "contains_page_break", (gold, {"page_break_count": 1}), {}
    yield "compare_font_names-right", "compare_font_names", (d("f1", PARAS, font="Arial"), {"font_name": "Arial"}), {}
    yield "compare_font_names-wrong", "compare_font_names", \
        (d("f2", PARAS, font="Courier New"), {"font_name": "Arial"}), {}
    sgold = d("sgold", PARAS, spacing=2.0)
    yield "compare_line_spacing-same", "compare_line_spacing", (d("s1", PARAS, spacing=2.0), sgold), {}
    yield "compare_line_spacing-diff", "compare_line_spacing", (d("s2", PARAS, spacing=1.0), sgold), {}
    yield "compare_docx_lines-same", "compare_docx_lines", (d("l1", PARAS[::-1]), gold), {}
    yield "compare_docx_lines-diff", "compare_docx_lines", (d("l2", PARAS[:2]), gold), {}
    # Impress.
    s = lambda name, *a, **k: _pptx(tmp / f"{name}.pptx", *a, **k)  # noqa: E731
    pgold = s("pgold", [["Hello", "World"], ["Second slide"]], size=24)
    for name, slides, kw, opts in [
        ("same", [["Hello", "World"], ["Second slide"]], {"size": 24}, {}),
        ("text", [["Hello", "World!"], ["Second slide"]], {"size": 24}, {}),
        ("slides", [["Hello", "World"]], {"size": 24}, {}),
        ("size", [["Hello", "World"], ["Second slide"]], {"size": 18}, {}),
        ("size-not-examined", [["Hello", "World"], ["Second slide"]], {"size": 18}, {"examine_font_size": False}),
        ("bold", [["Hello", "World"], ["Second slide"]], {"size": 24, "bold": True}, {}),
    ]:
        yield f"compare_pptx_files-{name}", "compare_pptx_files", (s(name, slides, **kw), pgold), opts
    yield "compare_pptx_files-missing", "compare_pptx_files", (str(tmp / "absent.pptx"), pgold), {}


def _runs(path: Path, paras: list[list[tuple[str, dict]]], *, table=None, footer=None, tabs=None,
          image=None) -> str:
    """A .docx of paragraphs made of runs, each (text, {font attribute: value}); `table` rows
    of cells given the same way; `tabs` [(position in inches, alignment)] on every paragraph."""
    import docx
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Inches

    d = docx.Document()

    def fill(p, runs):
        for text, fmt in runs:
            r = p.add_run(text)
            for key, value in fmt.items():
                setattr(r.font, key, value)
        for pos, align in tabs or ():
            p.paragraph_format.tab_stops.add_tab_stop(Inches(pos), getattr(WD_TAB_ALIGNMENT, align))

    for runs in paras:
        fill(d.add_paragraph(), runs)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, runs in enumerate(row):
                fill(t.cell(r, c).paragraphs[0], runs)
    if footer is not None:
        d.sections[0].footer.paragraphs[0].text = footer
    if image:
        d.add_picture(image, width=Inches(1))
    d.save(path)
    return str(path)


def _extra_cases(tmp: Path):
    from docx.shared import Pt

    r = lambda name, *a, **k: _runs(tmp / f"{name}.docx", *a, **k)  # noqa: E731
    plain = [[("Some text here", {})], [("Last line", {})]]
    gold = r("x-gold", plain)
    italic = lambda size: [[("Some ", {}), ("text", {"italic": True, "size": Pt(size)}), (" here", {})],  # noqa: E731
                           [("Last line", {})]]
    italic14, italic12 = r("italic14", italic(14)), r("italic12", italic(12))
    yield "check_italic_font_size_14-right", "check_italic_font_size_14", (italic14, gold), {}
    yield "check_italic_font_size_14-wrong", "check_italic_font_size_14", (italic12, gold), {}
    struck = r("struck", [[("Some text here", {})], [("Last ", {"strike": True}), ("line", {"strike": True})]])
    half = r("half", [[("Some text here", {})], [("Last ", {"strike": True}), ("line", {})]])
    yield "evaluate_strike_through-right", "evaluate_strike_through_last_paragraph", (struck, gold), {}
    yield "evaluate_strike_through-half", "evaluate_strike_through_last_paragraph", (half, gold), {}
    yield "evaluate_strike_through-text-differs", "evaluate_strike_through_last_paragraph", \
        (struck, r("x2", [[("Other", {})]])), {}
    sub = r("sub", [[("H", {}), ("2", {"subscript": True}), ("O", {})]])
    sub2 = r("sub2", [[("H", {}), ("2", {"subscript": True}), ("O", {})]])
    nosub = r("nosub", [[("H", {}), ("2", {}), ("O", {})]])
    yield "compare_subscript_contains-right", "compare_subscript_contains", (sub, sub2), {}
    yield "compare_subscript_contains-none", "compare_subscript_contains", (nosub, sub2), {}
    yield "has_page_numbers_in_footers-yes", "has_page_numbers_in_footers", (r("foot", plain, footer="Page 1"),), {}
    yield "has_page_numbers_in_footers-no", "has_page_numbers_in_footers", (r("nofoot", plain, footer="Draft"),), {}
    yield "has_page_numbers_in_footers-empty", "has_page_numbers_in_footers", (gold,), {}
    tab_gold = r("tab-gold", [[("Name\tValue", {})]], tabs=[(2.0, "LEFT"), (4.0, "RIGHT")])
    yield "check_tabstops-same", "check_tabstops", \
        (r("tab-same", [[("Name\tValue", {})]], tabs=[(2.0, "LEFT"), (4.0, "RIGHT")]),
         tab_gold), {}
    yield "check_tabstops-moved", "check_tabstops", \
        (r("tab-moved", [[("Name\tValue", {})]], tabs=[(2.5, "LEFT"), (4.0, "RIGHT")]),
         tab_gold), {}
    yield "check_tabstops-align", "check_tabstops", \
        (r("tab-align", [[("Name\tValue", {})]], tabs=[(2.0, "CENTER"), (4.0, "RIGHT")]),
         tab_gold), {}
    yield "check_tabstops-words", "check_tabstops", \
        (r("tab-words", [[("Two words\tValue", {})]], tabs=[(2.0, "LEFT"), (4.0, "RIGHT")]),
         tab_gold), {"word_number_split_by_tabstop": 1, "index": 0}
    refs = [[("Intro", {})], [("References", {})], [("Smith, J. (2020). A paper.", {})],
            [("Doe, A. (2019). Another.", {})]]
    ref_gold = r("ref-gold", refs)
    yield "compare_references-same", "compare_references", (r("ref-same", refs), ref_gold), {}
    yield "compare_references-typo", "compare_references", \
        (r("ref-typo", [*refs[:3], [("Doe, A. (2018). Another.", {})]]),
         ref_gold), {}
    yield "compare_references-missing", "compare_references", (r("ref-none", refs[:1]), ref_gold), {}
    yield "evaluate_colored_words-right", "evaluate_colored_words_in_tables", \
        (_colored(tmp / "col1.docx", [("apple", (255, 0, 0)), ("pear", (0, 0, 255))]),
         _colored(tmp / "col-gold.docx", [("apple", (0, 0, 0)), ("pear", (0, 0, 0))])), {}
    yield "evaluate_colored_words-wrong", "evaluate_colored_words_in_tables", \
        (_colored(tmp / "col2.docx", [("apple", (0, 0, 255)), ("pear", (0, 0, 255))]),
         _colored(tmp / "col-gold2.docx", [("apple", (0, 0, 0)), ("pear", (0, 0, 0))])), {}
    yield "evaluate_colored_words-near-red", "evaluate_colored_words_in_tables", \
        (_colored(tmp / "col3.docx", [("apple", (250, 5, 5)), ("pear", (0, 0, 250))]),
         _colored(tmp / "col-gold3.docx", [("apple", (0, 0, 0)), ("pear", (0, 0, 0))])), {}
    trains = lambda ids: [[(f"2024-01-0{i},{t},Berlin,Paris", {})] for i, t in enumerate(ids, 1)]  # noqa: E731
    initial = r("tr-init", trains(["T1", "T2", "T2", "T3"]))
    tgold = r("tr-gold", trains(["T1", "T2", "T3"]))
    yield "compare_unique_train_records-right", "compare_unique_train_records", \
        (r("tr-ok", trains(["T1", "T2", "T3"])), [tgold, initial]), {}
    yield "compare_unique_train_records-dupes", "compare_unique_train_records", (initial, [tgold, initial]), {}
    yield "compare_unique_train_records-lost", "compare_unique_train_records", \
        (r("tr-lost", trains(["T1", "T3"])), [tgold, initial]), {}
    png = tmp / "pic.png"
    from PIL import Image

    Image.new("RGB", (8, 8), (10, 200, 30)).save(png)
    png2 = tmp / "pic2.png"
    Image.new("RGB", (8, 8), (200, 10, 30)).save(png2)
    with_img = r("img1", plain, image=str(png))
    yield "compare_docx_images-same", "compare_docx_images", (with_img, r("img2", plain, image=str(png))), {}
    yield "compare_docx_images-other", "compare_docx_images", (with_img, r("img3", plain, image=str(png2))), {}
    yield "compare_docx_images-none", "compare_docx_images", (gold, with_img), {}
    yield "compare_insert_equation-none", "compare_insert_equation", (gold, r("x3", plain)), {}
    r = lambda name, *a, **k: _runs(tmp / f"{name}.docx", *a, **k)  # noqa: E731
    for name, text in (("three", "12 x = 5"), ("close", "12.0 x= 5"), ("two", "12 5")):
        yield f"fuzzy_place_math-{name}", "fuzzy_place_math", \
            (r(f"m-{name}", [[(text, {})]]), {"expected": ["12", "x", "5", "="]}), {}


def _colored(path: Path, words: list[tuple[str, tuple[int, int, int]]]) -> str:
    import docx
    from docx.shared import RGBColor

    d = docx.Document()
    d.add_paragraph("Words")
    t = d.add_table(rows=1, cols=len(words))
    for i, (word, rgb) in enumerate(words):
        t.cell(0, i).paragraphs[0].add_run(word).font.color.rgb = RGBColor(*rgb)
    d.save(path)
    return str(path)


def _ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in (*_cases(Path(tmp)), *_extra_cases(Path(tmp)))]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    return {c[0]: c[1:] for c in (*_cases(tmp), *_extra_cases(tmp))}


@pytest.mark.parametrize("case_id", _ids())
def test_docs_metric(case_id, cases):
    metric, args, options = cases[case_id]
    theirs, ours = score_both("metric", metric, *args, **options)
    check_case(case_id, theirs, ours, {})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("ext,metric", [("docx", "compare_docx_files"), ("pptx", "compare_pptx_files")])
def test_libreoffice_saved(ext, metric, tmp_path):
    """A document LibreOffice saved again against the python-docx/-pptx original."""
    src = _docx(tmp_path / "orig.docx", PARAS) if ext == "docx" else \
        _pptx(tmp_path / "orig.pptx", [["Hello", "World"]], size=24)
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", ext, "--outdir", str(out), src], check=True, capture_output=True, timeout=120)
    theirs, ours = score_both("metric", metric, str(out / f"orig.{ext}"), src)
    check_case(f"libreoffice-{ext}", theirs, ours, {})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_check_highlighted_words_on_odt(tmp_path):
    """check_highlighted_words reads .odt: documents LibreOffice converted, with and without a
    yellow highlight, against an unhighlighted gold."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    sources = []
    for name, colour in (("gold", None), ("clean", None), ("marked", WD_COLOR_INDEX.YELLOW),
                         ("green", WD_COLOR_INDEX.BRIGHT_GREEN)):
        d = docx.Document()
        p = d.add_paragraph("Some ")
        run = p.add_run("important")
        if colour is not None:
            run.font.highlight_color = colour
        p.add_run(" words.")
        d.save(tmp_path / f"{name}.docx")
        sources.append(str(tmp_path / f"{name}.docx"))
    out = tmp_path / "odt"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "odt", "--outdir", str(out), *sources],
                   check=True, capture_output=True, timeout=120)
    gold = str(out / "gold.odt")
    for name in ("clean", "marked", "green"):
        theirs, ours = score_both("metric", "check_highlighted_words", str(out / f"{name}.odt"), gold)
        check_case(f"check_highlighted_words-{name}", theirs, ours, {})
