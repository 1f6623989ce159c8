"""Browser getters and the history set-up step added for coverage, on a real chromium and a
local site (workers have no internet)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tasks.osworld.steps import EMPTY_HISTORY_URL, ChromeOpenTabs, Launch, PrepareHome, UpdateBrowseHistory
from tasks.task import MissingResource
from tests.doubles.file_server import FileServer
from tests.helpers.osworld import cache_put, make_ctx

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium (apt-get install chromium)")]

CART = b"""<!DOCTYPE html><html><head><title>Your Shopping Cart</title></head>
<body><div class="cart_item">Dota 2 - Dota Plus</div><div class="cart_item">Portal 2</div>
<p>Long text for the printed page: The quick brown fox jumps over the lazy dog.</p></body></html>"""

PAGES = {
    "/profile": b"""<html><body><div id="name">Yann LeCun</div>
<table id="stats"><tr><td>Citations</td><td>345074</td></tr><tr><td>h-index</td><td>147</td></tr></table>
<table><tbody id="papers"><tr><td class="t"><a href="/paper">Deep learning</a></td></tr></tbody></table>
</body></html>""",
    "/paper": b"""<html><body><div id="gg"><div><a href="https://example.org/deep.pdf">[PDF]</a></div></div>
<h1 id="title">Deep learning</h1></body></html>""",
}


@pytest.fixture
def site():
    with FileServer(PAGES, default=CART, content_type="text/html") as server:
        yield server.url


@pytest.fixture
def ctx(tmp_path, xvfb_display):
    c = make_ctx(tmp_path, xvfb_display)
    PrepareHome().run(c)
    yield c
    c.close()


def test_page_info_opens_the_page_and_reads_its_html(ctx, site):
    from tasks.osworld.getters.pages import page_info
    from tasks.osworld.metrics.desktop import is_added_to_steam_cart

    assert page_info(ctx, {"url": site + "/cart"}) == {"title": "Connection failed", "url": site + "/cart",
                                                        "content": ""}  # no browser yet
    Launch({"command": ["google-chrome"]}).run(ctx)
    ChromeOpenTabs({"urls_to_open": ["about:blank"]}).run(ctx)
    info = page_info(ctx, {"url": site + "/cart"})
    assert (info["title"], info["url"]) == ("Your Shopping Cart", site + "/cart")
    assert info["content"].startswith("<!DOCTYPE html><html><head><title>Your Shopping Cart")
    assert is_added_to_steam_cart(info, {"items": ["Dota 2 - Dota Plus", "Portal 2"]}) == 1.0
    assert is_added_to_steam_cart(info, {"items": ["Half-Life"]}) == 0.0


def test_pdf_from_url_prints_the_page(ctx, site):
    from tasks.osworld.getters.pages import pdf_from_url
    from tasks.osworld.metrics.files import compare_pdfs

    got = pdf_from_url(ctx, {"path": site + "/cart", "dest": "gold.pdf"})
    import pymupdf

    with pymupdf.open(got) as doc:
        text = doc[0].get_text()
        assert doc[0].rect.width == pytest.approx(612, abs=1)  # Letter, as Playwright prints
    assert "The quick brown fox" in text and "Portal 2" in text
    assert compare_pdfs(got, pdf_from_url(ctx, {"path": site + "/cart", "dest": "again.pdf"})) == 1.0
    failed = pdf_from_url(ctx, {"path": "http://127.0.0.1:9/nothing", "dest": "none.pdf"})
    assert Path(failed).read_bytes().startswith(b"%PDF")


def _empty_history(tmp_path: Path) -> Path:
    """An empty History database made by the real browser (what OSWorld's cached file is)."""
    profile = tmp_path / "fresh-profile"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                    "--dump-dom", "about:blank"], capture_output=True, timeout=120)
    import sqlite3

    history = profile / "Default" / "History"
    with sqlite3.connect(history) as db:
        db.execute("DELETE FROM visits")
        db.execute("DELETE FROM urls")
    return history


def test_browse_history_is_replaced_by_the_given_visits(ctx, tmp_path):
    from tasks.osworld.getters.browser import history
    from tasks.osworld.metrics.urls import check_history_deleted

    step = UpdateBrowseHistory({"history": [
        {"url": "https://www.youtube.com/watch?v=1", "title": "Song", "visit_time_from_now_in_seconds": 3600},
        {"url": "https://www.bbc.co.uk/", "title": "BBC", "visit_time_from_now_in_seconds": 60}]})
    with pytest.raises(MissingResource):
        step.run(ctx)
    cache_put(ctx, EMPTY_HISTORY_URL, _empty_history(tmp_path))
    step.run(ctx)
    rows = history(ctx, {"dest": "history.sqlite"})
    assert sorted((url, title) for url, title, _ in rows) == [("https://www.bbc.co.uk/", "BBC"),
                                                              ("https://www.youtube.com/watch?v=1", "Song")]
    newest = max(rows, key=lambda r: r[2])
    assert newest[1] == "BBC"  # visited a minute ago, the other an hour ago
    rule = {"type": "keywords", "keywords": ["youtube"]}
    assert check_history_deleted(rows, rule) == 0.0
    Launch({"command": ["google-chrome"]}).run(ctx)  # the browser opens the database it was given
    ChromeOpenTabs({"urls_to_open": ["about:blank"]}).run(ctx)
    Launch({"command": ["pkill", "chrome"]}).run(ctx)
    assert len(history(ctx, {"dest": "again.sqlite"})) >= 2


def test_info_from_website_reads_and_follows_links(ctx, site):
    from tasks.osworld.getters.pages import info_from_website

    config = {"url": site + "/profile", "backups": ["backup"], "infos": [
        {"action": "inner_text", "selector": "#name"},
        {"action": "inner_text", "selector": "#stats > tbody > tr:nth-child(2) > td:nth-child(2)"},
        {"action": "click_and_attribute", "attribute": "href",
         "selector": ["#papers > tr:nth-child(1) > td.t > a", "#gg > div:nth-child(1) > a"]},
        {"action": "attribute", "selector": "#papers a", "attribute": "href"},  # back on the first page
        {"action": "click_and_inner_text", "selector": ["#papers a", "#title"]}]}
    assert info_from_website(ctx, config) == ["backup"]  # no browser: the backups, as OSWorld
    Launch({"command": ["google-chrome"]}).run(ctx)
    ChromeOpenTabs({"urls_to_open": ["about:blank"]}).run(ctx)
    assert info_from_website(ctx, config) == ["Yann LeCun", "147", "https://example.org/deep.pdf", "/paper",
                                              "Deep learning"]
    missing = {**config, "infos": [{"action": "inner_text", "selector": "#absent"}]}
    assert info_from_website(ctx, missing) == ["backup"]
