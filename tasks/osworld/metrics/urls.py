"""URL comparison as OSWorld's browser metrics do it, and those metrics."""

from __future__ import annotations

import functools
import re
from itertools import product
from typing import Any
from urllib.parse import urlparse, urlunparse

@functools.cache
def _extractor():
    from drivers.base import require

    return require("tldextract", "osworld").TLDExtract(suffix_list_urls=(), cache_dir=None)


def _site(netloc: str) -> str:
    """The host as OSWorld's compare_urls keeps it: tldextract's subdomain and domain, 'www'
    and the public suffix dropped ('www.airbnb.com.sg' -> 'airbnb'). tldextract's bundled
    suffix list, never fetched: scores must not depend on the network. An IP address is its
    own domain; a port is dropped."""
    parts = _extractor()(netloc.lower())
    sub = "" if parts.subdomain == "www" else parts.subdomain
    return f"{sub}.{parts.domain}" if sub else parts.domain


def normalise_url(url: str, full: bool = True) -> str:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+\-.]*://", url):
        url = "http://" + url
    p = urlparse(url)
    path = "" if p.path == "/" else p.path
    return urlunparse((p.scheme.lower(), _site(p.netloc), path, p.params if full else "",
                       p.query if full else "", p.fragment if full else ""))


def same_url(a: str | None, b: str | None, full: bool = True) -> bool:
    """Whether two URLs name the same page: the schemes must agree (none means http), 'www.'
    and the public suffix are ignored (https://airbnb.com == https://www.airbnb.com.sg), and a
    lone '/' path is no path."""
    if a is None or b is None:
        return a == b
    return normalise_url(a, full) == normalise_url(b, full)


def _url_of(info: Any) -> str | None:
    return info.get("url") if isinstance(info, dict) else info


def is_expected_active_tab(result: Any, rule: dict) -> float:
    """1 when the active tab's URL is rule['url'] (type 'url'; see same_url)."""
    if not result or rule.get("type") != "url":
        return 0.0
    return float(same_url(rule["url"], _url_of(result)))


def is_expected_active_tab_approximate(result: Any, rule: dict) -> float:
    """1 when the active tab's URL equals rule['url'] once both lose their query strings."""
    if not result or rule.get("type") != "url":
        return 0.0
    strip = lambda u: urlunparse(urlparse(u)._replace(query=""))  # noqa: E731
    actual = _url_of(result)
    return float(actual is not None and strip(rule["url"]) == strip(actual))


def is_expected_url_pattern_match(result: Any, rules: dict) -> float:
    """1 when every regex in rules['expected'] is found in the URL (a string or {'url'})."""
    url = _url_of(result)
    if not url or not isinstance(url, str):
        return 0.0
    return float(all(re.search(p, url) for p in rules["expected"]))


def is_expected_tabs(result: list | None, rule: dict) -> float:
    """1 when the open tabs' URLs and rule['urls'] match one for one (any order)."""
    if not result or rule.get("type") != "url":
        return 0.0
    want, got = rule["urls"], [t["url"] for t in result]
    return float(len(want) == len(got) and all(any(same_url(w, g) for g in got) for w in want))


def is_expected_search_query(result: Any, rules: dict) -> float:
    """1 when rules['expect']['pattern'] is found in the active tab's URL."""
    url = _url_of(result)
    return float(bool(url) and re.search(rules["expect"]["pattern"], url) is not None)


def is_expected_bookmarks(result: dict | None, rule: dict) -> float:
    """Bookmark bar checks: 'bookmark_bar_folders_names' (folder names as a set),
    'bookmark_bar_websites_urls' (URLs as a set), 'liked_authors_websites_urls' (the
    'Liked Authors' folder holds one accepted URL per entry of rule['urls'])."""
    if not result:
        return 0.0
    children = result.get("bookmark_bar", {}).get("children", [])
    kind = rule["type"]
    if kind == "bookmark_bar_folders_names":
        return float({c["name"] for c in children if c["type"] == "folder"} == set(rule["names"]))
    if kind == "bookmark_bar_websites_urls":
        return float({c["url"] for c in children if c["type"] == "url"} == set(rule["urls"]))
    if kind == "liked_authors_websites_urls":
        folder = next((c for c in children if c["type"] == "folder" and c["name"] == "Liked Authors"), None)
        if folder is None:
            return 0.0
        have = {c["url"] for c in folder.get("children", []) if c["type"] == "url"}
        options = [u if isinstance(u, list) else [u] for u in rule["urls"]]
        return float(any(set(combo) == have for combo in product(*options)))
    raise ValueError(f"is_expected_bookmarks: unknown type {kind!r}")


def is_expected_installed_extensions(result: list | None, expected: dict) -> float:
    """1 when every expected extension name is installed."""
    if not result:
        return 0.0
    return float(set(expected["expected"]) <= set(result))


def is_cookie_deleted(result: list | None, rule: dict) -> float:
    """1 when no cookie's host (2nd column of Cookies.cookies) is one of rule['domains']."""
    if result is None or rule["type"] != "domains":
        return 0.0
    return float(not any(same_url(d, row[1]) for d in rule["domains"] for row in result))


def check_history_deleted(result: list | None, rule: dict) -> float:
    """1 when no history URL contains one of rule['keywords']."""
    if result is None or rule["type"] != "keywords":
        return 0.0
    return float(not any(k in row[0] for k in rule["keywords"] for row in result))


def check_font_size(result: dict | None, rule: dict) -> float:
    """Browser default font size: type 'value' (equal) or 'range' (min < size < max)."""
    if not result:
        return 0.0
    size = result.get("default_font_size")
    if rule["type"] == "value":
        return float(size == rule["value"])
    return float(rule["min"] < size < rule["max"])
