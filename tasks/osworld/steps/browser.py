"""Steps on the task's browser: tabs opened and closed over DevTools, a browsing history."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from ...task import MissingResource, SetupError
from .. import chrome, procs
from ..cache import find_cached
from ..paths import note
from .base import OsStep


@dataclass
class ChromeOpenTabs(OsStep):
    """Open URLs in the task's browser (started if it is not running), closing the blank first
    tab as OSWorld did. params: {"urls_to_open": [...]}"""

    kind: ClassVar[str] = "chrome_open_tabs"

    def run(self, ctx):
        if not chrome.wait_ready(ctx, timeout=2.0):
            procs.spawn(ctx, chrome.browser_argv(ctx, ["google-chrome"]))
        if not chrome.wait_ready(ctx, timeout=30.0):
            raise SetupError("chromium did not answer on its debugging port within 30 s")
        before = chrome.tabs(ctx)
        for i, url in enumerate(self.params["urls_to_open"]):
            chrome.open_tab(ctx, url)
            if i == 0:
                for tab in before:
                    chrome.close_tab(ctx, tab["id"])
        note(ctx, f"opened {len(self.params['urls_to_open'])} tabs")


@dataclass
class ChromeCloseTabs(OsStep):
    """Close the tabs showing the given URLs. params: {"urls_to_close": [...]}"""

    kind: ClassVar[str] = "chrome_close_tabs"

    def run(self, ctx):
        from ..metrics.urls import same_url

        if not chrome.wait_ready(ctx, timeout=30.0):
            raise SetupError("chromium did not answer on its debugging port within 30 s")
        for url in self.params["urls_to_close"]:
            for tab in chrome.tabs(ctx):
                if same_url(tab.get("url", ""), url):
                    chrome.close_tab(ctx, tab["id"])
                    break


EMPTY_HISTORY_URL = ("https://huggingface.co/datasets/xlangai/ubuntu_osworld_file_cache/resolve/main/chrome/"
                     "44ee5668-ecd5-4366-a6ce-c1c9b8d4e938/history_empty.sqlite?download=true")
"""The empty Chrome history database OSWorld's update_browse_history starts from (a cache file)."""

_CHROME_EPOCH = datetime(1601, 1, 1)


@dataclass
class UpdateBrowseHistory(OsStep):
    """Replace the browser's history with OSWorld's empty history database plus the given
    visits, each `visit_time_from_now_in_seconds` ago. params: {"history": [{"url", "title",
    "visit_time_from_now_in_seconds"}]}; the database comes from the cache (EMPTY_HISTORY_URL)."""

    kind: ClassVar[str] = "update_browse_history"

    def run(self, ctx):
        import sqlite3

        source = find_cached(ctx.cache_dir, EMPTY_HISTORY_URL)
        if source is None:
            raise MissingResource(f"not in the cache: {EMPTY_HISTORY_URL}", url=EMPTY_HISTORY_URL)
        target = chrome.profile_dir(ctx) / "Default" / "History"
        target.parent.mkdir(parents=True, exist_ok=True)
        work = target.with_name("History.new")
        shutil.copyfile(source, work)
        with sqlite3.connect(work) as db:
            for item in self.params["history"]:
                when = datetime.now() - timedelta(seconds=item["visit_time_from_now_in_seconds"])
                stamp = int((when - _CHROME_EPOCH).total_seconds() * 1_000_000)  # Chrome: µs since 1601
                row = db.execute("INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden) "
                                 "VALUES (?, ?, 1, 0, ?, 0)", (item["url"], item["title"], stamp))
                db.execute("INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, visit_duration) "
                           "VALUES (?, ?, 0, 805306368, 0, 0)", (row.lastrowid, stamp))
        work.replace(target)
        note(ctx, f"browse history: {len(self.params['history'])} visits")
