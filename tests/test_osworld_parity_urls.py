"""Differential tests: browser metrics, ours against OSWorld's own (desktop-env 1.0.2,
tests.helpers.osworld_ref). URL matching goes through tldextract with its bundled suffix list
on both sides (public suffixes, IP hosts, ports, 'www', schemes, trailing slashes)."""

from __future__ import annotations

import pytest

from tests.helpers.osworld_ref import check_case, score_both

DELIBERATE: dict[str, str] = {}

URL_PAIRS = [
    ("https://www.airbnb.com.sg/rooms", "https://airbnb.com/rooms"),
    ("https://www.bbc.co.uk/news", "https://bbc.co.uk/news"),
    ("https://news.bbc.co.uk/", "https://bbc.co.uk/"),
    ("http://192.168.1.10:8080/app", "http://192.168.1.10/app"),
    ("http://192.168.1.10/app", "http://192.168.1.11/app"),
    ("http://localhost:3000/x", "localhost/x"),
    ("https://foo.github.io/", "https://bar.github.io/"),
    ("https://example.com/", "https://example.com"),
    ("https://example.com/a/", "https://example.com/a"),
    ("http://example.com/a", "https://example.com/a"),
    ("example.com/a?q=1", "http://example.com/a?q=1"),
    ("https://example.com/a?q=1", "https://example.com/a?q=2"),
    ("https://example.com/a#top", "https://example.com/a"),
    ("https://WWW.Example.COM/Path", "https://example.com/Path"),
    ("https://user:pw@example.com:8443/a", "https://example.com/a"),
    ("https://www.google.com/search?q=x", "https://www.google.de/search?q=x"),
    ("https://docs.python.org/3/", "https://python.org/3/"),
]


def _cases():
    for i, (a, b) in enumerate(URL_PAIRS):
        yield f"active_tab-{i}", "is_expected_active_tab", ({"url": a}, {"type": "url", "url": b})
        yield f"active_tab_approx-{i}", "is_expected_active_tab_approximate", ({"url": a}, {"type": "url", "url": b})
    yield "active_tab-none", "is_expected_active_tab", (None, {"type": "url", "url": "https://a.com"})
    tabs = [{"url": u, "title": ""} for u in ("https://www.a.com/", "https://b.org/x")]
    yield "tabs-same", "is_expected_tabs", (tabs, {"type": "url", "urls": ["https://a.com", "https://b.org/x"]})
    yield "tabs-order", "is_expected_tabs", (tabs, {"type": "url", "urls": ["https://b.org/x", "https://a.com"]})
    yield "tabs-missing", "is_expected_tabs", (tabs[:1], {"type": "url", "urls": ["https://a.com", "https://b.org/x"]})
    for i, (url, pats) in enumerate([("https://x.com/search?q=cats", [r"q=cats"]), ("https://x.com/", [r"q="]),
                                     ("https://x.com/a/b", [r"/a/", r"/b$"])]):
        yield f"url_pattern-{i}", "is_expected_url_pattern_match", ({"url": url}, {"expected": pats})
    bar = {"bookmark_bar": {"children": [
        {"type": "folder", "name": "Work", "children": []},
        {"type": "url", "name": "A", "url": "https://a.com/"},
        {"type": "folder", "name": "Liked Authors",
         "children": [{"type": "url", "name": "x", "url": "https://x.com/1"}]}]}}
    yield "bookmarks-folders", "is_expected_bookmarks", (bar, {"type": "bookmark_bar_folders_names",
                                                               "names": ["Work", "Liked Authors"]})
    yield "bookmarks-folders-wrong", "is_expected_bookmarks", \
        (bar, {"type": "bookmark_bar_folders_names", "names": ["Work"]})
    yield "bookmarks-urls", "is_expected_bookmarks", \
        (bar, {"type": "bookmark_bar_websites_urls", "urls": ["https://a.com/"]})
    yield "bookmarks-liked", "is_expected_bookmarks", (bar, {"type": "liked_authors_websites_urls",
                                                             "urls": [["https://x.com/1", "https://x.com/one"]]})
    cookies = [("name", ".example.com"), ("n2", "shop.other.org")]
    yield "cookie-deleted", "is_cookie_deleted", (cookies, {"type": "domains", "domains": [".gone.com"]})
    yield "cookie-present", "is_cookie_deleted", (cookies, {"type": "domains", "domains": [".example.com"]})
    history = [("https://a.com/cats", "Cats", 1)]
    yield "history-deleted", "check_history_deleted", (history, {"type": "keywords", "keywords": ["dogs"]})
    yield "history-present", "check_history_deleted", (history, {"type": "keywords", "keywords": ["cats"]})
    yield "extensions-right", "is_expected_installed_extensions", (["A", "B"], {"expected": ["A"]})
    yield "extensions-missing", "is_expected_installed_extensions", (["A"], {"expected": ["A", "C"]})
    sizes = [(16, {"type": "value", "value": 16}), (20, {"type": "range", "min": 16, "max": 24}),
             (30, {"type": "range", "min": 16, "max": 24})]
    for i, (size, rule) in enumerate(sizes):
        yield f"font_size-{i}", "check_font_size", ({"default_font_size": size}, rule)


CASES = {c[0]: c[1:] for c in _cases()}


@pytest.mark.parametrize("case_id", list(CASES))
def test_browser_metric(case_id):
    metric, args = CASES[case_id]
    theirs, ours = score_both("metric", metric, *args)
    check_case(case_id, theirs, ours, DELIBERATE)
