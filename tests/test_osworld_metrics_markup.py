"""compare_htmls and compare_epub on files the tests write."""

from __future__ import annotations

import zipfile

import pytest

from tasks.osworld.metrics.markup import compare_epub, compare_htmls

TABLE = """<html><body><table>
<tr><td sdnum="1033;0;0.00" align="right">{a}</td><td>{b}</td></tr>
</table><p class="n">{note}</p></body></html>"""


def html(tmp_path, name, **kw):
    values = {"a": "1.00", "b": "x", "note": "ok", **kw}
    path = tmp_path / name
    path.write_text(TABLE.format(**values), encoding="utf-8")
    return str(path)


def test_htmls_equal_text_and_attribute_differences(tmp_path):
    gold = html(tmp_path, "gold.html")
    assert compare_htmls(html(tmp_path, "same.html"), gold) == 1.0
    assert compare_htmls(html(tmp_path, "text.html", b="y"), gold) == 0.0
    # an element's text is compared trimmed, but its text nodes as they are (as in OSWorld)
    assert compare_htmls(html(tmp_path, "spaces.html", note="  ok  "), gold) == 0.0
    sdnum = (tmp_path / "sdnum.html")
    sdnum.write_text(TABLE.format(a="1.00", b="x", note="ok").replace("1033;0;0.00", "1033;0;#,##0.00"))
    assert compare_htmls(str(sdnum), gold) == 0.0
    assert compare_htmls(str(sdnum), gold, ignore_sdnum=True) == 1.0
    later = tmp_path / "later.html"  # the walk goes on past an element differing only in sdnum
    later.write_text(sdnum.read_text().replace('class="n"', 'class="m"'))
    assert compare_htmls(str(later), gold, ignore_sdnum=True) == 0.0


def test_htmls_other_attribute_and_missing_tail(tmp_path):
    gold = html(tmp_path, "gold.html")
    aligned = tmp_path / "aligned.html"
    aligned.write_text(TABLE.format(a="1.00", b="x", note="ok").replace('align="right"', 'align="left"'))
    assert compare_htmls(str(aligned), gold, ignore_sdnum=True) == 0.0
    assert compare_htmls(None, gold) == 0.0


def epub(tmp_path, name, chapters, identifier="urn:uuid:1", nav="Chapter One"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("toc.ncx", f'<ncx>\n<docTitle><text>Book</text></docTitle>\n'
                              f'<navPoint id="1">{nav}</navPoint>\n</ncx>\n')
        z.writestr("content.opf", f"<package>\n<dc:identifier>{identifier}</dc:identifier>\n"
                                  "<dc:title>Book</dc:title>\n</package>\n")
        for i, text in enumerate(chapters):
            z.writestr(f"ch{i}.html", f"<html>\n<body>\n<h1>Chapter {i}</h1>\n<p>{text}</p>\n</body></html>")
    return str(path)


def test_epub_same_book_with_other_ids_and_navigation_scores_1(tmp_path):
    gold = epub(tmp_path, "gold.epub", ["It begins.", "It ends."])
    mine = epub(tmp_path, "mine.epub", ["It begins.", "It ends."], identifier="urn:uuid:2", nav="Other")
    assert compare_epub(mine, gold) == 1.0


def test_epub_changed_chapter_lowers_the_mean(tmp_path):
    gold = epub(tmp_path, "gold.epub", ["It begins.", "It ends."])
    mine = epub(tmp_path, "mine.epub", ["It begins.", "Something else entirely."])
    score = compare_epub(mine, gold)
    assert 0.5 < score < 1.0


def test_epub_missing_or_not_a_zip(tmp_path):
    gold = epub(tmp_path, "gold.epub", ["a"])
    junk = tmp_path / "junk.epub"
    junk.write_text("not a zip")
    assert compare_epub(None, gold) == 0.0
    assert compare_epub(str(junk), gold) == 0.0


@pytest.mark.parametrize("chapters", [[], ["one"], ["one", "two", "three"]])
def test_epub_of_another_length_scores_below_1(tmp_path, chapters):
    gold = epub(tmp_path, "gold.epub", ["one", "two"])
    assert compare_epub(epub(tmp_path, "mine.epub", chapters), gold) < 0.9
