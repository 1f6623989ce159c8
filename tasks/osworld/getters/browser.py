"""Getters of the task's browser: its profile files (Preferences, Bookmarks, History,
Cookies under HOME/.config/google-chrome/Default) and its tabs (DevTools HTTP endpoint)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from .. import chrome
from .files import dest_path

if TYPE_CHECKING:
    from ...task import TaskContext


def _prefs(ctx: "TaskContext") -> dict | None:
    try:
        with open(chrome.profile_dir(ctx) / "Default" / "Preferences", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _flag(value: Any) -> str:
    return "true" if value else "false"


def enable_do_not_track(ctx, config) -> str:
    """'true' when Do Not Track is on."""
    return _flag((_prefs(ctx) or {}).get("enable_do_not_track"))


def enable_safe_browsing(ctx, config) -> str:
    """'true' when (enhanced) safe browsing is on."""
    sb = (_prefs(ctx) or {}).get("safebrowsing", {})
    return _flag(sb.get("enhanced") or sb.get("enabled"))


def default_search_engine(ctx, config) -> str:
    """The default search provider's short name ('Google' when unset)."""
    data = (_prefs(ctx) or {}).get("default_search_provider_data", {})
    return data.get("template_url_data", {}).get("short_name", "Google")


def profile_name(ctx, config) -> str | None:
    return ((_prefs(ctx) or {}).get("profile") or {}).get("name")


def chrome_font_size(ctx, config) -> dict:
    """webkit.webprefs font sizes (Chrome's defaults when unset)."""
    default = {"default_fixed_font_size": 13, "default_font_size": 16, "minimum_font_size": 13}
    return (_prefs(ctx) or {}).get("webkit", {}).get("webprefs", default)


def new_startup_page(ctx, config) -> str:
    """'true' when the browser opens the new tab page on start (no session, or restore 5)."""
    prefs = _prefs(ctx) or {}
    return "true" if "session" not in prefs else _flag(prefs["session"].get("restore_on_startup") == 5)


def data_delete_automacally(ctx, config) -> str:
    """'true' when profile.default_content_setting_values exists (OSWorld's test for
    'delete site data on close')."""
    return _flag(((_prefs(ctx) or {}).get("profile") or {}).get("default_content_setting_values") is not None)


def _extensions(ctx) -> dict:
    return (_prefs(ctx) or {}).get("extensions", {}).get("settings", {})


def find_unpacked_extension_path(ctx, config) -> list[str]:
    return [e.get("path") for e in _extensions(ctx).values() if "path" in e]


def find_installed_extension_name(ctx, config) -> list[str]:
    return [e["manifest"]["name"] for e in _extensions(ctx).values() if "manifest" in e]


def bookmarks(ctx, config) -> dict | list:
    """The Bookmarks file's roots ({'bookmark_bar': {...}, ...}); [] when there is none."""
    try:
        with open(chrome.profile_dir(ctx) / "Default" / "Bookmarks", encoding="utf-8") as f:
            return json.load(f).get("roots", {})
    except (OSError, ValueError):
        return []


def _sqlite_rows(ctx, name: str, dest: str, sql: str) -> list | None:
    source = chrome.profile_dir(ctx) / "Default" / name
    if not source.is_file():
        return None
    copy = dest_path(ctx, dest)  # a copy: the running browser keeps its database locked
    shutil.copyfile(source, copy)
    try:
        with sqlite3.connect(copy) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.Error:
        return None


def history(ctx, config) -> list | None:
    """Rows (url, title, last_visit_time) of the History database."""
    return _sqlite_rows(ctx, "History", config.get("dest", "History"), "SELECT url, title, last_visit_time FROM urls")


def cookie_data(ctx, config) -> list | None:
    """All rows of the Cookies database (host is the 2nd column)."""
    return _sqlite_rows(ctx, "Cookies", config.get("dest", "Cookies"), "SELECT * FROM cookies")


def open_tabs_info(ctx, config) -> list[dict]:
    """[{'title', 'url'}] of the open tabs; [] when the browser does not answer."""
    if not chrome.wait_ready(ctx, timeout=5):
        return []
    return [{"title": t.get("title", ""), "url": t.get("url", "")} for t in chrome.tabs(ctx)]


def active_tab(ctx) -> dict | None:
    """The active tab's DevTools target: the one whose title the browser window shows
    ('<title> - Chromium'), else the first DevTools lists (its most recently active); None
    when the browser does not answer or shows no tab."""
    if not chrome.wait_ready(ctx, timeout=5):
        return None
    tabs = chrome.tabs(ctx)
    if not tabs:
        return None
    shown = _window_titles(ctx)
    for tab in tabs:
        title = tab.get("title", "")
        if any(t == title or t.startswith(title + " - ") for t in shown):
            return tab
    return tabs[0]


def active_tab_info(ctx, config) -> dict | None:
    """{'title', 'url'} of the active tab (active_tab)."""
    tab = active_tab(ctx)
    return {"title": tab.get("title", ""), "url": tab.get("url", "")} if tab else None


def _window_titles(ctx) -> list[str]:
    try:
        ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "chromium|chrome"], env=ctx.env,
                             capture_output=True, text=True, timeout=10).stdout.split()
        return [subprocess.run(["xdotool", "getwindowname", w], env=ctx.env, capture_output=True,
                               text=True, timeout=10).stdout.strip() for w in ids]
    except (OSError, subprocess.TimeoutExpired):
        return []


def active_url_from_accessTree(ctx, config) -> str | None:  # noqa: N802 (OSWorld's name)
    """The active tab's URL (OSWorld read the address bar; the DevTools list says the same)."""
    tab = active_tab_info(ctx, config)
    return tab["url"] if tab else None


def active_tab_url_parse(ctx, config) -> dict | None:
    """Query parameters config['parse_keys'] of the active tab's URL ('' when absent),
    renamed by config['replace'], split at commas with config['split_list']."""
    url = active_url_from_accessTree(ctx, config)
    if url is None:
        return None
    query = parse_qs(urlparse(url).query)
    out = {k: query.get(k, [""])[0] for k in config["parse_keys"]}
    for old, new in config.get("replace", {}).items():
        out[new] = out.pop(old)
    if config.get("split_list", False):
        out = {k: v.split(",") for k, v in out.items()}
    return out


def url_dashPart(ctx, config) -> Any:  # noqa: N802 (OSWorld's name)
    """Part config['partIndex'] of the active tab's URL split at '/', without its query when
    needDeleteId; returned as a string or as {config['key']: part} (returnType 'json')."""
    url = active_url_from_accessTree(ctx, config)
    if url is None:
        return None
    parts = url.split("/")
    index = int(config["partIndex"])
    if index >= len(parts):
        return None
    part = parts[index].split("?")[0] if config.get("needDeleteId", False) else parts[index]
    if config["returnType"] == "string":
        return part
    return {config["key"]: part} if config["returnType"] == "json" else None
