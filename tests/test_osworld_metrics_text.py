"""Metrics over strings, text files, JSON, settings files and URLs: each with a case that
matches and one that does not."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tasks.osworld.metrics import apps, structured, text, urls
from tasks.osworld.metrics.rules import match_rule


def write(tmp: Path, name: str, content: str) -> str:
    path = tmp / name
    path.write_text(content)
    return str(path)


# (function, args that score 1, args that score 0); file arguments are written by the test.
PLAIN = [
    (text.check_include_exclude, ("43 132\n", {"include": ["43 132"], "exclude": ["error"]}),
     ("43 132 error", {"include": ["43 132"], "exclude": ["error"]})),
    (text.exact_match, ("true", {"expected": "true"}), ("false", {"expected": "true"})),
    (text.match_in_list, ("b", {"expected": ["a", "b"]}), ("c", {"expected": ["a", "b"]})),
    (text.is_in_list, (["x", "y"], {"expected": "y"}), (["x"], {"expected": "y"})),
    (text.is_in_vm_clickboard, ({"expected": ["ab", "cd"]}, "ab cd"), ({"expected": "zz"}, "ab cd")),
    (structured.check_direct_json_object, ("{'a': 1, 'b': 'x'}", {"expected": {"a": 1}}),
     ({"a": 2}, {"expected": {"a": 1}})),
    (structured.check_direct_json_object, ({"k": "long text"}, {"expected": {"k": ["zz", "long text"]},
                                                                "expect_in_result": True}),
     ({"k": "other"}, {"expected": {"k": "text"}, "expect_in_result": True})),
    (structured.is_extension_installed, ("ms-python.python\n", {"type": "contain", "expected": "ms-python.python"}),
     ("ms-python.python\n", {"type": "not_contain", "expected": "ms-python.python"})),
    (structured.check_gnome_favorite_apps, ("['a.desktop', 'b.desktop']", {"expected": ["b.desktop", "a.desktop"]}),
     ("['a.desktop']", {"expected": ["b.desktop", "a.desktop"]})),
    (structured.is_utc_0, ("Local time: x\n Time zone: Etc/UTC (UTC, +0000)\n",),
     ("Local time: x\n Time zone: Europe/Paris (CET, +0100)\n",)),
    (structured.check_moved_jpgs, ({"children": [{"name": "a.jpg"}, {"name": "b.jpg"}]}, {"expected": ["b.jpg", "a.jpg"]}),
     ({"children": [{"name": "a.jpg"}]}, {"expected": ["b.jpg", "a.jpg"]})),
    (urls.is_expected_active_tab, ({"url": "https://www.airbnb.com.sg/"}, {"type": "url", "url": "https://airbnb.com"}),
     ({"url": "https://airbnb.com/rooms"}, {"type": "url", "url": "https://airbnb.com"})),
    (urls.is_expected_active_tab_approximate, ("https://a.com/p?x=1", {"type": "url", "url": "https://a.com/p?y=2"}),
     ("https://a.com/q", {"type": "url", "url": "https://a.com/p"})),
    (urls.is_expected_url_pattern_match, ({"url": "https://x.com/search?q=cats"}, {"expected": [r"q=cats", "x\\.com"]}),
     ("https://x.com/", {"expected": [r"q=cats"]})),
    (urls.is_expected_tabs, ([{"url": "http://b.org"}, {"url": "http://www.a.com/"}], {"type": "url", "urls": ["a.com", "b.org"]}),
     ([{"url": "https://b.org"}], {"type": "url", "urls": ["a.com", "b.org"]})),
    (urls.is_expected_search_query, ({"url": "https://s.com/?q=dogs"}, {"expect": {"pattern": "q=dogs"}}),
     ({"url": "https://s.com/?q=cats"}, {"expect": {"pattern": "q=dogs"}})),
    (urls.is_expected_bookmarks, ({"bookmark_bar": {"children": [{"type": "folder", "name": "Fav"}]}},
                                  {"type": "bookmark_bar_folders_names", "names": ["Fav"]}),
     ({"bookmark_bar": {"children": []}}, {"type": "bookmark_bar_folders_names", "names": ["Fav"]})),
    (urls.is_expected_bookmarks, ({"bookmark_bar": {"children": [{"type": "folder", "name": "Liked Authors", "children": [
        {"type": "url", "url": "u2"}]}]}}, {"type": "liked_authors_websites_urls", "urls": [["u1", "u2"]]}),
     ({"bookmark_bar": {"children": [{"type": "url", "url": "u"}]}},
      {"type": "bookmark_bar_websites_urls", "urls": ["v"]})),
    (urls.is_expected_installed_extensions, (["A", "B"], {"expected": ["A"]}), (["B"], {"expected": ["A"]})),
    (urls.is_cookie_deleted, ([(1, ".other.com")], {"type": "domains", "domains": [".example.com"]}),
     ([(1, ".example.com")], {"type": "domains", "domains": ["example.com"]})),
    (urls.check_history_deleted, ([("https://a.org", "t", 1)], {"type": "keywords", "keywords": ["youtube"]}),
     ([("https://youtube.com/x", "t", 1)], {"type": "keywords", "keywords": ["youtube"]})),
    (urls.check_font_size, ({"default_font_size": 20}, {"type": "range", "min": 16, "max": 24}),
     ({"default_font_size": 16}, {"type": "value", "value": 20})),
    (apps.is_vlc_fullscreen, ({"width": 1280, "height": 800}, {"width": 1280, "height": 800}),
     ({"width": 640, "height": 800}, {"width": 1280, "height": 800})),
]


@pytest.mark.parametrize("func,good,bad", PLAIN, ids=[f"{p[0].__name__}-{i}" for i, p in enumerate(PLAIN)])
def test_plain_metrics(func, good, bad):
    assert func(*good) == 1.0
    assert func(*bad) == 0.0


def test_literal_and_fuzzy_match():
    assert text.literal_match("Hello", "hello", ignore_case=True) == 1.0
    assert text.literal_match("Hello", "hello") == 0.0
    assert text.literal_match(["A", 1], ["a", "1"], type="list", ignore_case=True) == 1.0
    assert text.literal_match(["A"], ["A", "B"], type="list") == 0.0
    assert text.fuzzy_match("kitten", {"expected": "kitten"}) == 1.0
    assert 0.5 < text.fuzzy_match("kitten", {"expected": "sitting"}) < 0.7


def test_text_file_metrics(tmp_path):
    a = write(tmp_path, "a.txt", "one\ntwo  three\n")
    same = write(tmp_path, "b.txt", "one\ntwo  three\n")
    spaced = write(tmp_path, "c.txt", "one two\tthree")
    other = write(tmp_path, "d.txt", "one\nfour\n")
    assert text.compare_text_file(a, same) == 1.0 and text.compare_text_file(a, spaced) == 0.0
    assert text.compare_text_file(a, spaced, ignore_blanks=True) == 1.0
    assert text.diff_text_file(a, same) == 1.0 and text.diff_text_file(a, other) == 0.5
    assert text.file_contains(a, {"expected": ["two", "one"]}) == 1.0
    assert text.file_contains(a, {"expected": ["five"]}) == 0.0
    assert text.check_list(a, {"expect": ["^two"], "unexpect": ["four"]}) == 1.0
    assert text.check_list(other, {"expect": ["^two"]}) == 0.0
    assert text.compare_terminal_and_txt(a, "one\ntwo  three\n") == 1.0
    assert text.compare_terminal_and_txt(a, "one") == 0.0
    assert text.compare_text_file(None, same) == 0.0


def test_check_csv_and_line_numbers(tmp_path):
    csv_file = write(tmp_path, "x.csv", "name,age\nann,30\nbob,40\n")
    assert text.check_csv(csv_file, {"expect": [{"name": "ann", "age": "30"}], "unexpect": [{"name": "eve"}]}) == 1.0
    assert text.check_csv(csv_file, {"expect": [{"name": "ann"}], "unexpect": [{"name": "bob"}]}) == 0.0
    log = write(tmp_path, "log.txt", "10:00:01 start\nnothing\n23:59:59 end\n")
    assert text.check_line_number(log, {"expected": "2"}) == 1.0
    assert text.check_line_number(log, {"expected": 3}) == 0.0


def test_python_and_answer_files(tmp_path):
    a = write(tmp_path, "a.py", "#!/usr/bin/env python\nx = 1\n\n\tif x:  \n")
    b = write(tmp_path, "b.py", "x = 1\n    if x:\n")
    c = write(tmp_path, "c.py", "x = 2\n")
    assert text.compare_python_pure_text(a, b) == 1.0 and text.compare_python_pure_text(a, c) == 0.0
    assert text.compare_result_files(write(tmp_path, "r", "The answer is 42\n"), write(tmp_path, "g", "42")) == 1.0
    assert text.compare_result_files(write(tmp_path, "r2", "42.00001"), write(tmp_path, "g2", "42")) == 1.0
    assert text.compare_result_files(write(tmp_path, "r3", "41"), write(tmp_path, "g3", "42")) == 0.0


def test_json_metrics(tmp_path):
    settings = write(tmp_path, "settings.json", json.dumps({"editor.fontSize": 14, "a": {"b": [1, 2]}}))
    assert structured.check_json_settings(settings, {"expected": {"editor.fontSize": 14}}) == 1.0
    assert structured.check_json_settings(settings, {"expected": {"editor.fontSize": 12}}) == 0.0
    rules = {"expect": [{"key": ["a", "b", 1], "method": "eq", "ref": 2}],
             "unexpect": [{"key": ["gone"], "method": "eq", "ref": 1}]}
    assert structured.check_json(settings, rules) == 1.0
    assert structured.check_json(settings, {"expect": [{"key": ["a", "x"], "method": "eq", "ref": 2}]}) == 0.0
    yaml_file = write(tmp_path, "c.yaml", "name: demo\nport: 80\n")
    assert structured.check_json(yaml_file, {"expect": [{"key": ["port"], "method": "ge", "ref": 80}]}, is_yaml=True) == 1.0
    assert structured.check_json(yaml_file, {"expect": [{"key": ["port"], "method": "lt", "ref": 80}]}, is_yaml=True) == 0.0
    keys = write(tmp_path, "keybindings.json", '// comment\n[{"key": "ctrl+j", "command": "x"}]')
    assert structured.check_json_keybindings(keys, {"expected": {"key": "ctrl+j", "command": "x"}}) == 1.0
    assert structured.check_json_keybindings(keys, {"expected": {"key": "ctrl+k", "command": "x"}}) == 0.0
    assert structured.compare_config(settings, {"expected": '{"a": {"b": [1, 2]}}'}) == 1.0
    assert structured.compare_config(settings, {"expected": '{"a": {"b": [1]}}'}) == 0.0
    assert structured.compare_config(settings, {"expected": '{"a": {"b": [1, 2]}}'}, containment_ok=False) == 0.0


def test_run_sqlite3(tmp_path):
    db = tmp_path / "d.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (v int)")
        conn.execute("insert into t values (1)")
    assert structured.run_sqlite3(str(db), {"sql": "select count(*) = 1 from t"}) == 1.0
    assert structured.run_sqlite3(str(db), {"sql": "select count(*) = 2 from t"}) == 0.0


def test_rule_methods():
    assert match_rule("Hello", {"method": "re.I", "ref": "^hel"}) and not match_rule("Hello", {"method": "re", "ref": "^hel"})
    assert match_rule(3.04, {"method": "approx:0.1", "ref": 3}) and not match_rule("x", {"method": "approx:0.1", "ref": 3})
    assert match_rule(2, {"method": "range.te", "ref": [1, 2]}) and not match_rule(1, {"method": "range.te", "ref": [1, 2]})
    assert match_rule('"Pass,Fail"', {"method": "str_set_eq", "ref": ["Fail", "Pass"]})
    assert not match_rule("Pass,Fail", {"method": "str_list_eq", "ref": ["Fail", "Pass"]})
    assert match_rule("D2:D29", {"method": "spreadsheet_range", "ref": ["D2:D29", "D2:D1048576"]})
    assert not match_rule("D2:D9", {"method": "spreadsheet_range", "ref": ["D2:D29", "D2:D1048576"]})
    assert match_rule(None, {"method": "eq", "ref": None}) and not match_rule(None, {"method": "lt", "ref": 3})
    with pytest.raises(ValueError):
        match_rule(1, {"method": "nope", "ref": 1})


def test_thunderbird_settings(tmp_path):
    prefs = write(tmp_path, "prefs.js", 'user_pref("mail.spam.manualMark", true);\n'
                                        'user_pref("mailnews.start_page.enabled", false);\n')
    assert apps.check_thunderbird_prefs(prefs, {"expect": {"mail.spam.manualMark": {"method": "eq", "ref": True}},
                                                "unexpect": {"mailnews.start_page.enabled": {"method": "eq", "ref": True}}}) == 1.0
    assert apps.check_thunderbird_prefs(prefs, {"expect": {"mail.other": {"method": "eq", "ref": True}}}) == 0.0
    filters = write(tmp_path, "msgFilterRules.dat", 'version="9"\nname="Spam"\nenabled="yes"\ntype="17"\n'
                                                    'action="Move to folder"\nactionValue="mailbox://x/Spam"\n'
                                                    'condition="AND (subject,contains,discount)"\n')
    assert apps.check_thunderbird_filter(filters, {"expect": [{"name": "Spam", "action": "Move to folder",
                                                               "condition": ["AND (subject,contains,discount)"]}]}) == 1.0
    assert apps.check_thunderbird_filter(filters, {"expect": [{"name": "Spam"}], "unexpect": [{"enabled": "yes"}]}) == 0.0


def test_vlc_and_gimp_settings(tmp_path):
    vlcrc = write(tmp_path, "vlcrc", "#qt-bgcone=1\nqt-bgcone=0\n#qt-max-volume=125\n"
                                     "input-record-path=/home/user/Desktop\nglobal-key-play-pause=Ctrl+p\n"
                                     "qt-slider-colours=10;10;10;20;20;20\n")
    assert apps.check_qt_bgcone(vlcrc, {"expected_qt_bgcone": 0}) == 1.0
    assert apps.check_qt_bgcone(vlcrc, {"expected_qt_bgcone": 1}) == 0.0
    assert apps.check_qt_max_volume(vlcrc, {"expected_qt_max_volume": 125}) == 1.0
    assert apps.check_qt_max_volume(vlcrc, {"expected_qt_max_volume": 200}) == 0.0
    assert apps.check_qt_minimal_view(vlcrc, {"expected_qt_minimal_view": 0}) == 1.0
    assert apps.check_qt_minimal_view(vlcrc, {"expected_qt_minimal_view": 1}) == 0.0
    assert apps.check_one_instance_when_started_from_file(vlcrc, {"expected_one_instance_when_started_from_file": 1}) == 1.0
    assert apps.check_one_instance_when_started_from_file(vlcrc, {"expected_one_instance_when_started_from_file": 0}) == 0.0
    assert apps.check_play_and_exit(vlcrc, {"expected_play_and_exit": 0}) == 1.0
    assert apps.check_play_and_exit(vlcrc, {"expected_play_and_exit": 1}) == 0.0
    assert apps.check_global_key_play_pause(vlcrc, {"expected_global_key_play_pause": 1}) == 1.0
    assert apps.check_global_key_play_pause(vlcrc, {"expected_global_key_play_pause": 0}) == 0.0
    assert apps.check_qt_slider_colours(vlcrc, {"type": "blackish"}) == 1.0
    assert apps.check_qt_slider_colours(vlcrc, {"type": "match", "expected_qt_slider_colours": "1;2;3"}) == 0.0
    assert apps.is_vlc_recordings_folder(vlcrc, {"recording_file_path": "/home/user/Desktop"}) == 1.0
    assert apps.is_vlc_recordings_folder(vlcrc, {"recording_file_path": "/tmp"}) == 0.0
    gimprc = write(tmp_path, "gimprc", "# comment\n(default-image (width 640))\n(undo-levels 5)\n")
    assert apps.check_config_status(gimprc, {"key": "undo-levels", "value": "5"}) == 1.0
    assert apps.check_config_status(gimprc, {"key": ["default-image", "width"], "value": "800"}) == 0.0


def test_same_url_ignores_www_scheme_and_public_suffix():
    assert urls.same_url("https://airbnb.com", "https://www.airbnb.com.sg/")
    assert urls.same_url("bbc.co.uk/news", "http://www.bbc.com/news")
    assert not urls.same_url("airbnb.com", "https://airbnb.com")  # as OSWorld: schemes must agree
    assert not urls.same_url("https://a.com/x", "https://a.com/y")


def test_thunderbird_folders(tmp_path):
    msg = "FROM - Mon\nX-Mozilla-Status: 0001\nSubject: {}\n\nbody\n"
    gone = "FROM - Tue\nX-Mozilla-Status: 0009\nSubject: old\n\nbody\n"
    inbox = write(tmp_path, "Inbox", msg.format("a") + msg.format("b") + gone)
    same = write(tmp_path, "Inbox2", msg.format("b") + msg.format("a") + msg.format("a"))
    other = write(tmp_path, "Inbox3", msg.format("a"))
    assert apps.check_thunderbird_folder(inbox, same) == 1.0
    assert apps.check_thunderbird_folder([inbox], [other]) == 0.0
    assert apps.check_thunderbird_folder(inbox, same, remove_duplicate=False) == 0.0
