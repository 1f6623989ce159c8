"""The metrics and getters added for coverage against OSWorld's own functions (desktop-env
1.0.2, tests/helpers/osworld_ref.py), on the same generated inputs.

A reference that raises is taken as a score of 0, which is what a run records for it. The
cases where the two differ on purpose are marked DELIBERATE, with the reason; every other
case must give the same number.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tasks.osworld.getters.dates import rule_relativeTime
from tasks.osworld.getters.pages import product_filters
from tasks.osworld.metrics import desktop, markup, media, slides_extra
from tests.helpers.osworld_ref import StubUsed, osworld_wheel, reference  # noqa: F401 (a fixture)
from tests.test_osworld_metrics_desktop import PILL, TREE
from tests.test_osworld_metrics_markup import TABLE, epub, html
from tests.test_osworld_metrics_media import STATUS, pdf_with_images, picture, tone, video
from tests.test_osworld_metrics_slides_extra import coloured_master, deck, png


def ref_score(name: str, *args, **kwargs) -> float:
    try:
        return float(reference("metric", name)(*args, **kwargs))
    except StubUsed:
        raise
    except Exception:
        return 0.0


def both(name: str, ours, *args, **kwargs) -> tuple[float, float]:
    return float(ours(*args, **kwargs)), ref_score(name, *args, **kwargs)


def test_compare_audios(tmp_path):
    pytest.importorskip("librosa")
    a = tone(tmp_path / "a.wav", [440, 660, 880])
    cases = [(a, a), (a, tone(tmp_path / "same.mp3", [440, 660, 880], fmt="MP3")),
             (a, tone(tmp_path / "other.wav", [200, 1500, 300])), (a, tone(tmp_path / "short.wav", [440], 0.1))]
    broken, empty = tmp_path / "broken.mp3", tmp_path / "empty.wav"
    broken.write_bytes(b"not audio")
    empty.write_bytes(b"")
    cases += [(str(broken), a), (str(broken), str(empty))]
    for result, expected in cases:
        ours, theirs = both("compare_audios", media.compare_audios, result, expected)
        assert ours == pytest.approx(theirs, abs=1e-9), (result, expected)


def test_compare_videos(tmp_path):
    a = video(tmp_path / "a.mp4", [(10, 20, 200), (200, 20, 10)])
    cases = [(a, video(tmp_path / "again.mp4", [(10, 20, 200), (200, 20, 10)]), {}),
             (a, video(tmp_path / "other.mp4", [(200, 200, 10), (10, 200, 200)]), {}),
             (a, video(tmp_path / "short.mp4", [(10, 20, 200)]), {}),
             (a, video(tmp_path / "short2.mp4", [(10, 20, 200)]), {"max_frames_to_check": 5}),
             (a, str(tmp_path / "absent.mp4"), {})]
    for result, expected, options in cases:
        ours, theirs = both("compare_videos", media.compare_videos, result, expected, **options)
        assert ours == theirs, (expected, options)


def test_compare_pdf_images(tmp_path):
    a = pdf_with_images(tmp_path / "a.pdf", [picture(1), picture(2)])
    cases = [pdf_with_images(tmp_path / "b.pdf", [picture(1, 256), picture(2, 256)]),
             pdf_with_images(tmp_path / "c.pdf", [picture(1), picture(3)]),
             pdf_with_images(tmp_path / "d.pdf", [picture(1)]),
             str(tmp_path / "absent.pdf")]
    for expected in cases:
        ours, theirs = both("compare_pdf_images", media.compare_pdf_images, a, expected)
        assert ours == theirs, expected
    none1, none2 = pdf_with_images(tmp_path / "e.pdf", []), pdf_with_images(tmp_path / "f.pdf", [])
    assert both("compare_pdf_images", media.compare_pdf_images, none1, none2) == (1.0, 1.0)


def test_check_mp3_meta(tmp_path):
    from mutagen.easyid3 import EasyID3

    song = tone(tmp_path / "song.mp3", [440], fmt="MP3")
    tags = EasyID3()
    tags["title"], tags["artist"] = "Missing You", ["Cheng Xiang", "Guest"]
    tags.save(song)
    for rules in ({"title": {"method": "eq", "ref": "Missing You"}},
                  {"title": {"method": "eq", "ref": "Missing You"}, "artist": {"method": "eq", "ref": "Cheng Xiang"}},
                  {"artist": {"method": "eq", "ref": "Cheng Xiang,Guest"}},
                  {"title": {"method": "re", "ref": "^Miss"}}, {"album": {"method": "eq", "ref": ""}}):
        ours, theirs = both("check_mp3_meta", media.check_mp3_meta, song, rules)
        assert ours == theirs, rules


@pytest.mark.parametrize("state, field, value, rule", [
    ("playing", "filename", "Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}),
    ("playing", "title", "/home/u/Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}),
    ("paused", "filename", "Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}),
    ("playing", "filename", "Other.mp4", {"type": "file_name", "file_name": "Rick.mp4"}),
    ("playing", "url", "https://h/v/master.m3u8?x=1", {"type": "url", "url": "https://h/v/master.m3u8"}),
    ("playing", "filename", "master.m3u8", {"type": "url", "url": "https://h/v/master.m3u8"}),
    ("playing", "url", "https://h/v/x/master.m3u8/seg", {"type": "url", "url": "https://h/v/x/master.m3u8"}),
    ("playing", "url", "https://other/v/master.m3u8", {"type": "url", "url": "https://h/v/master.m3u8"}),
    ("playing", "title", "x", {"type": "volume"}),
])
def test_is_vlc_playing(tmp_path, state, field, value, rule):
    path = tmp_path / "status.xml"
    path.write_text(STATUS.format(state=state, field=field, value=value))
    ours, theirs = both("is_vlc_playing", media.is_vlc_playing, str(path), rule)
    assert ours == theirs


def test_compare_htmls(tmp_path):
    gold = html(tmp_path, "gold.html")
    sdnum = tmp_path / "sdnum.html"
    sdnum.write_text(TABLE.format(a="1.00", b="x", note="ok").replace("1033;0;0.00", "1033;0;#,##0.00"))
    aligned = tmp_path / "aligned.html"
    aligned.write_text(TABLE.format(a="1.00", b="x", note="ok").replace('align="right"', 'align="left"'))
    longer = tmp_path / "longer.html"
    longer.write_text(TABLE.format(a="1.00", b="x", note="ok").replace("</body>", "<p>more</p></body>"))
    both_differ = tmp_path / "both.html"  # sdnum differs, and later a paragraph's class
    both_differ.write_text(sdnum.read_text().replace('class="n"', 'class="m"'))
    for result in (html(tmp_path, "same.html"), html(tmp_path, "text.html", b="y"),
                   html(tmp_path, "spaces.html", note=" ok "), str(sdnum), str(aligned), str(longer),
                   str(both_differ)):
        for options in ({}, {"ignore_sdnum": True}):
            ours, theirs = both("compare_htmls", markup.compare_htmls, result, gold, **options)
            assert ours == theirs, (result, options)


def test_compare_epub(tmp_path):
    gold = epub(tmp_path, "gold.epub", ["It begins.", "It ends."])
    junk = tmp_path / "junk.epub"
    junk.write_text("not a zip")
    for result in (epub(tmp_path, "same.epub", ["It begins.", "It ends."], identifier="urn:2", nav="x"),
                   epub(tmp_path, "changed.epub", ["It begins.", "Something else."]),
                   epub(tmp_path, "short.epub", ["It begins."]), epub(tmp_path, "none.epub", []), str(junk)):
        ours, theirs = both("compare_epub", markup.compare_epub, result, gold)
        assert ours == pytest.approx(theirs), result


def test_check_image_stretch_and_center(tmp_path):
    from pptx import Presentation

    size = Presentation()
    w, h = size.slide_width, size.slide_height
    original = deck(tmp_path / "orig.pptx", png("red"))
    boxes = [(0, 0, w, h), (100000, 100000, w - 200000, h - 200000), (w // 2, h // 2, w, h), None]
    results = [deck(tmp_path / f"r{i}.pptx", png("red"), box) for i, box in enumerate(boxes)]
    results.append(deck(tmp_path / "other.pptx", png("blue"), (0, 0, w, h)))
    for result in results:
        ours, theirs = both("check_image_stretch_and_center", slides_extra.check_image_stretch_and_center,
                            result, original)
        assert ours == theirs, result
    empty = deck(tmp_path / "empty.pptx", None)
    assert both("check_image_stretch_and_center", slides_extra.check_image_stretch_and_center,
                results[0], empty) == (0.0, 0.0)


@pytest.mark.parametrize("fill", ["FF0000", "C9211E", "800000", "000000", "00FF00", "0000FF", "3465A4"])
@pytest.mark.parametrize("colour", ["red", "green", "blue", "black", "purple"])
def test_check_page_number_colors(tmp_path, fill, colour):
    path = coloured_master(tmp_path, "deck", ["595959", fill, "595959"])
    ours, theirs = both("check_page_number_colors", slides_extra.check_page_number_colors, path, {"color": colour})
    assert ours == theirs


@pytest.mark.parametrize("rules", [
    [{"selectors": [PILL.format("fox@")]}, {"selectors": [PILL.format("cat@")]}],
    [{"selectors": [PILL.format("fox@")]}, {"selectors": [PILL.format("dog@")]}],
    [{"xpath": "//application[@name='Thunderbird']//*[contains(@name, 'Send')]"}],
    [{"xpath": "//*[@st:active='true']"}],
    [{"xpath": "//push-button", "text": "Send", "exact": True}],
    [{"xpath": "//push-button", "text": "Sent", "exact": True}],
    [{"xpath": "//push-button", "text": "Sent", "exact": False}],
    [{"xpath": "//label[@name='To']", "text": "", "exact": False}],
])
def test_check_accessibility_tree(rules):
    ours, theirs = both("check_accessibility_tree", desktop.check_accessibility_tree, TREE, rules)
    assert ours == pytest.approx(theirs)


def test_check_accessibility_tree_text_without_exact():
    """DELIBERATE: OSWorld reads rule['exact'] unguarded and raises (scores 0) when a rule has
    `text` but no `exact`; its docstring says exact defaults to True, which is what we do."""
    rules = [{"xpath": "//push-button", "text": "Send"}]
    assert both("check_accessibility_tree", desktop.check_accessibility_tree, TREE, rules) == (1.0, 0.0)


def test_check_left_panel_and_shortcuts_and_cart():
    ns = TREE.split(">", 1)[0]
    for name in ("Slides View", "Outline View"):
        tree = f'{ns}><application name="soffice"><document-frame name="{name}"/></application></desktop-frame>'
        assert both("check_left_panel", desktop.check_left_panel, tree) in ((1.0, 1.0), (0.0, 0.0))
    files = {"a.desktop": "[Desktop Entry]\nName=Play Puzzle Game 2048\nExec=/opt/chrome --app-id=x\n"}
    for rule in ({"type": "name", "name": "Play Puzzle Game 2048"}, {"type": "name", "name": "Play"},
                 {"type": "exec", "exec": "/opt/chrome --app-id=x"}, {"type": "url", "url": "x"}):
        for shortcuts in (files, {}):
            assert ref_score("is_shortcut_on_desktop", shortcuts, rule) == \
                _score_or_zero(desktop.is_shortcut_on_desktop, shortcuts, rule)
    page = {"title": "Cart", "url": "u", "content": "<div>Dota Plus</div><div>Portal 2</div>"}
    for items in (["Dota Plus", "Portal 2"], ["Dota Plus", "Half-Life"], []):
        ours, theirs = both("is_added_to_steam_cart", desktop.is_added_to_steam_cart, page, {"items": items})
        assert ours == theirs


def _score_or_zero(fn, *args):
    try:
        return float(fn(*args))
    except ValueError:  # an unsupported rule type: OSWorld raises too
        return 0.0


RELATIVE = [
    {"from": "tomorrow"}, {"from": "this month"}, {"from": "5th next month"}, {"from": "10th next month"},
    {"from": "next Monday"}, {"from": "first monday four months later"},
    {"from": "first monday eight months later"},
    {"from": "10th next month", "to": "11th next month"}, {"from": "this Saturday", "to": "this Sunday"},
    {"from": "next Monday", "to": "next Friday"}, {"from": "next Friday", "to": "next Sunday"},
    {"from": "next Saturday", "to": "next Sunday"}, {"from": "next week Friday", "to": "next week Sunday"},
    {"from": "next week Saturday", "to": "next week Sunday"},
    {"from": "next Monday split", "to": "next Friday split"},
]


@pytest.mark.parametrize("span", RELATIVE, ids=lambda s: " to ".join(s.values()))
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Kiritimati"])
def test_rule_relative_time(span, zone):
    fmt = "{DoW}, {Month} {Day0D}, {Year} {MonthFull} {month} {Month0D} {DayD} {MonthD}"
    if "to" in span and span["from"].endswith("split"):
        expected = {k: "{DayD}/{MonthD}/{Year}" for k in ("puDay", "puMonth", "puYear", "doDay", "doMonth", "doYear")}
    elif "to" in span:
        expected = {"from": fmt, "to": fmt, "city": "Boston"}
    else:
        expected = {"time": fmt, "city": "Boston"}
    config = {"type": "rule_relativeTime", "rules": {"relativeTime": span, "timezone": zone, "expected": expected}}
    try:
        theirs = reference("getter", "get_rule_relativeTime")(None, copy.deepcopy(config))
    except (ValueError, UnboundLocalError) as exc:  # DELIBERATE: month 0 in OSWorld's month arithmetic
        pytest.skip(f"OSWorld raises for this span today ({exc}); ours gives the intended date")
    assert rule_relativeTime(None, copy.deepcopy(config)) == theirs


@pytest.mark.parametrize("url", [
    "https://www.macys.com/shop/mens-clothing/shop-all-mens-clothing/Men_regular_size_t,Price_discount_range,"
    "Product_department,Sleeve_length/L,50_PERCENT_%20off%20%26%20more,T-shirts,Short%20Sleeve?id=1",
    "https://www.macys.com/shop/mens-clothing/Men_regular_size_t,Price_discount_range/M,"
    "50_PERCENT_%20off%20%26%20more|30_PERCENT_%20off%20%26%20more",
    "https://www.macys.com/shop/mens-clothing/shirts/Product_department,Men_regular_size_t/Shirts,XL",
    "https://www.macys.com/shop/womens",
])
def test_url_path_parse(url, monkeypatch):
    """OSWorld's getter reads the URL from a live browser; its module's URL reader is pointed
    at `url` (their code, not ours), the parsing is compared."""
    theirs_fn = reference("getter", "get_url_path_parse")
    module = theirs_fn.__globals__
    monkeypatch.setitem(module, "get_active_url_from_accessTree", lambda env, config: url)
    keys = ["mens_clothing", "shirts", "Men_regular_size_t", "Price_discount_range", "short_sleeve"]
    assert product_filters(url, keys) == theirs_fn(None, {"parse_keys": keys})


def test_the_reference_wheel_is_the_one_read(osworld_wheel):
    assert (Path(osworld_wheel) / "desktop_env" / "evaluators" / "metrics" / "vlc.py").is_file()
