"""The `active_tab_html_parse` getter: text read out of the page the active tab shows.

OSWorld drove the browser with Playwright over the DevTools protocol; here the same protocol
is spoken directly (one websocket to the tab, `Runtime.evaluate`), so the reads are the DOM's
own: `textContent` trimmed, direct text nodes, an input's `value`, XPath through
`document.evaluate`. The keys and fallbacks (an empty string for an element that is not
there) follow OSWorld's `get_active_tab_html_parse`.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ...task import CheckError
from .. import chrome
from .browser import active_tab, active_url_from_accessTree

if TYPE_CHECKING:
    from ...task import TaskContext

LOAD_TIMEOUT = 30.0
"""Seconds to wait for the page to finish loading before reading it (OSWorld waited for the
network to go idle, up to 60 s)."""

# One function per kind of read; each takes its argument and returns JSON-able data.
_READS_JS = r"""
(plan) => {
  const trim = (s) => (s || "").trim();
  const all = (sel) => { try { return Array.from(document.querySelectorAll(sel)); } catch (e) { return []; } };
  const byXpath = (xp) => {
    try { return document.evaluate(xp, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; }
    catch (e) { return null; }
  };
  const reads = {
    texts: (sel) => all(sel).map((el) => trim(el.textContent)),
    direct_texts: (sel) => {
      const first = all(sel)[0];
      if (!first) return [];
      return Array.from(first.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => trim(n.textContent)).filter(Boolean);
    },
    li_texts: (sel) => all(sel + " li.catAllProducts").filter((el) => el.querySelector("span"))
      .map((el) => trim(el.querySelector("span").innerText)),
    h3_texts: (sel) => all(sel).filter((el) => el.querySelector("h3"))
      .map((el) => trim(el.querySelector("h3").textContent)),
    xpath_text: (xp) => { const n = byXpath(xp); return n ? trim(n.textContent) : ""; },
    xpath_value: (xp) => { const n = byXpath(xp); return n && n.value != null ? trim(String(n.value)) : ""; },
    label_text: (label) => {
      // Playwright's text= picks the smallest element whose text holds the label, case-insensitive.
      const want = label.toLowerCase();
      let best = null;
      for (const el of all("body *")) {
        if ((el.textContent || "").toLowerCase().includes(want)) best = el;
      }
      return best ? trim(best.textContent) : "";
    },
    url: () => location.href,
  };
  return plan.map(([kind, arg]) => reads[kind](arg));
}
"""


def read_page(ctx: "TaskContext", tab: dict, plan: list[tuple[str, Any]]) -> list[Any]:
    """Run the reads of `plan` ([(kind, argument)], kinds as in _READS_JS) once the page loaded."""
    try:
        _settle(ctx, tab)
    except CheckError:  # still loading: read what is there
        pass
    return chrome.evaluate(tab, f"({_READS_JS})({json.dumps(plan)})")


def _pick(texts: list[str], order: dict, out: dict) -> None:
    for index, key in order.items():
        i = int(index)
        out[key] = texts[i] if len(texts) > i else ""


def _chosen(found: list[str], wanted: list[str], out: dict) -> None:
    """class&url: which wanted items the page shows, and whether it shows any other."""
    for item in wanted:
        if any(item.lower() == text.lower() for text in found):
            out[item.lower()] = True
    if any(all(text.lower() not in w.lower() for w in wanted) for text in found):
        out["is_other_exist"] = True
    out.setdefault("is_other_exist", False)


def parse_page(config: dict, read) -> dict:
    """OSWorld's html-parse result for `config`; `read(kind, argument)` reads the page."""
    out: dict[str, Any] = {}
    category = config["category"]
    if category == "class":
        for name, order in config.get("class_multiObject", {}).items():
            _pick(read("texts", "." + name), order, out)
        for name, order in config.get("class_multiObject_child", {}).items():
            _pick(read("direct_texts", "." + name), order, out)
        for name, order in config.get("class_multiObject_only_child", {}).items():
            _pick(read("h3_texts", "." + name), order, out)
        for name, wanted in config.get("class_multiObject_search_exist", {}).items():
            found = read("texts", "." + name)
            for item in wanted:
                if item != "is_other_exist":
                    out[item] = item in found
            if "is_other_exist" in wanted:
                out["is_other_exist"] = any(text not in wanted for text in found)
        for name, key in config.get("class_singleObject", {}).items():
            found = read("texts", "." + name)
            out[key] = found[0] if found else ""
    elif category == "label":
        for label, key in config.get("labelObject", {}).items():
            out[key] = read("label_text", label)
    elif category == "xpath":
        for xpath, key in config.get("xpathObject", {}).items():
            out[key] = read("xpath_text", xpath)
    elif category == "input":
        for xpath, key in config.get("inputObject", {}).items():
            out[key] = read("xpath_value", xpath)
    elif category == "class&url":
        for name, wanted in config.get("class_multiObject", {}).items():
            _chosen(read("texts", "." + name), wanted, out)
        for name, wanted in config.get("class_multiObject_li", {}).items():
            _chosen(read("li_texts", "." + name), wanted, out)
        url = read("url", None).lower()
        for key in config.get("url_include_expected", []):
            out.setdefault(key.lower(), key.lower() in url)
        for key, value in config.get("url_include_expected_multichoice", {}).items():
            out.setdefault(value.lower(), key.lower() in url)
    else:
        raise CheckError(f"active_tab_html_parse: category {category!r} is not one OSWorld defines")
    return out


def _planned(config: dict) -> list[tuple[str, Any]]:
    """Every read parse_page will make, so that the page is read in one evaluation."""
    plan: list[tuple[str, Any]] = []

    def record(kind: str, arg: Any) -> Any:
        plan.append((kind, arg))
        return "" if kind.endswith(("_text", "_value", "url")) else []

    parse_page(config, record)
    return plan


def active_tab_html_parse(ctx: "TaskContext", config: dict) -> dict | None:
    """Texts of the active tab's page picked as config says (see module doc); None when there
    is no browser to ask (as OSWorld)."""
    tab = active_tab(ctx)
    if tab is None:
        return None
    plan = _planned(config)
    values = dict(zip(map(tuple, plan), read_page(ctx, tab, plan))) if plan else {}
    return parse_page(config, lambda kind, arg: values[(kind, arg)])


def product_filters(url: str, parse_keys: list[str]) -> dict:
    """The filters a Macy's listing URL encodes in its path ('/shop/mens-clothing/.../
    Key1,Key2/value1,value2'), as OSWorld's `get_macys_product_url_parse` reports them:
    mens_clothing/shirts/short_sleeve are True or None; Price_discount_range is
    '50_PERCENT_ off & more' only when that range alone of the usual ones is chosen."""
    from urllib.parse import urlparse

    path = unquote(urlparse(url).path)
    parts = path.strip("/").split("/")
    pairs: dict[str, Any] = {}
    shirts, short_sleeve = "shirts" in path, "short-sleeve" in path
    for keys, values in zip(parts, parts[1:]):
        if "," in keys and "," in values:
            for key, value in zip((k.strip() for k in keys.split(",")), (v.strip() for v in values.split(","))):
                pairs[key] = ([item.strip() for item in value.split("|")] if value else None) \
                    if key == "Price_discount_range" else (value or None)
                shirts = shirts or (key == "Product_department" and value in ("shirts", "Shirts", "Shirt"))
                short_sleeve = short_sleeve or (key == "Sleeve_length" and value in ("short-sleeve", "Short Sleeve"))
            break
    for key in ("Men_regular_size_t", "Price_discount_range"):
        pairs.setdefault(key, None)
    out: dict[str, Any] = {"mens_clothing": True if "mens-clothing" in path else None,
                           "shirts": True if shirts else None, "short_sleeve": True if short_sleeve else None}
    for key in parse_keys:
        if key not in pairs:
            continue
        if key == "Price_discount_range":
            chosen = pairs[key] or []
            only_half = "50_PERCENT_ off & more" in chosen and not {"30_PERCENT_ off & more",
                                                                    "20_PERCENT_ off & more"} & set(chosen)
            out[key] = "50_PERCENT_ off & more" if only_half else "not_50_PERCENT_ off & more"
        else:
            out[key] = pairs[key]
    return out


def url_path_parse(ctx: "TaskContext", config: dict) -> dict | None:
    """The filters in the active tab's shop URL (see product_filters); None without a tab."""
    url = active_url_from_accessTree(ctx, config)
    return None if url is None else product_filters(url, config["parse_keys"])


_CONTENT_JS = ("({title: document.title, url: location.href, content: (document.doctype ? "
               "new XMLSerializer().serializeToString(document.doctype) : '') + document.documentElement.outerHTML})")


def page_info(ctx: "TaskContext", config: dict) -> dict:
    """{'title', 'url', 'content' (the page's HTML)} of config['url'] opened in a new tab of the
    task's browser once loaded, as OSWorld's `get_page_info` (the tab stays open, as there)."""
    if not chrome.wait_ready(ctx, timeout=10.0):
        return {"title": "Connection failed", "url": config["url"], "content": ""}
    tab = chrome.open_tab(ctx, config["url"])
    _settle(ctx, tab, away_from="about:blank")
    return chrome.evaluate(tab, _CONTENT_JS)


def pdf_from_url(ctx: "TaskContext", config: dict) -> str:
    """config['path'] (a URL) printed to PDF as config['dest'] by a headless chromium (Letter
    pages, no header or footer, as Playwright's page.pdf prints); as in OSWorld, an empty PDF
    when printing fails."""
    import subprocess
    import tempfile

    from .files import dest_path

    target = dest_path(ctx, config["dest"])
    with tempfile.TemporaryDirectory(dir=ctx.workdir) as profile:
        argv = [chrome.chromium_binary(), "--headless", *chrome.QUIET_FLAGS, f"--user-data-dir={profile}",
                "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
                f"--print-to-pdf={target}", config["path"]]
        try:
            subprocess.run(argv, env=ctx.env, capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            pass
    if not target.is_file() or target.stat().st_size == 0:
        target.write_text("%PDF-1.4\n%EOF\n")
    return str(target)


def _settle(ctx: "TaskContext", tab: dict, away_from: str | None = None, timeout: float = LOAD_TIMEOUT) -> None:
    """Wait until the tab's page has loaded; with `away_from`, a page at another address (a new
    tab shows about:blank, a clicked link the old page, for a moment). A page being replaced
    cannot answer: asked again."""
    deadline = time.monotonic() + timeout
    moved_by = time.monotonic() + min(5.0, timeout)  # a click that opens nothing leaves the page as it was
    while time.monotonic() < deadline:
        try:
            href, state = chrome.evaluate(tab, "[location.href, document.readyState]")
            if state == "complete" and (away_from is None or href != away_from or time.monotonic() > moved_by):
                return
        except (CheckError, TypeError, ValueError):
            pass
        time.sleep(0.3)
    raise CheckError(f"{tab.get('url')!r} did not finish loading in {timeout:g} s")


def _element(ctx: "TaskContext", tab: dict, selector: str, then: str, timeout: float = 10.0) -> Any:
    """`then` (JavaScript over `el`) on the first element matching `selector`, once there is one."""
    script = f"(() => {{ const el = document.querySelector({json.dumps(selector)}); " \
             f"return el ? [true, {then}] : [false, null]; }})()"
    deadline = time.monotonic() + timeout
    while True:
        try:
            found, value = chrome.evaluate(tab, script)
            if found:
                return value
        except CheckError:
            pass
        if time.monotonic() > deadline:
            raise CheckError(f"no element {selector!r} in {timeout:g} s")
        time.sleep(0.3)


def info_from_website(ctx: "TaskContext", config: dict) -> Any:
    """Texts and attributes read from config['url'] opened in a new tab, one per entry of
    config['infos'] ({action: inner_text | attribute | click_and_inner_text |
    click_and_attribute, selector, attribute}); the click actions follow each selector but the
    last as a link. As in OSWorld, config['backups'] when anything fails."""
    try:
        if not chrome.wait_ready(ctx, timeout=10.0):
            raise CheckError("the browser does not answer")
        url = config["url"]
        tab = chrome.open_tab(ctx, url)
        _settle(ctx, tab, away_from="about:blank")
        out = []
        for info in config.get("infos", []):
            here = chrome.evaluate(tab, "location.href")
            if here != url:
                chrome.evaluate(tab, f"location.href = {json.dumps(url)}")
                _settle(ctx, tab, away_from=here)
            action, selector = info.get("action", "inner_text"), info["selector"]
            read = "el.innerText" if action.endswith("inner_text") else \
                f"el.getAttribute({json.dumps(info.get('attribute'))})"
            if action in ("inner_text", "attribute"):
                out.append(_element(ctx, tab, selector, read))
            elif action in ("click_and_inner_text", "click_and_attribute"):
                for link in selector[:-1]:
                    here = chrome.evaluate(tab, "location.href")
                    _element(ctx, tab, link, "el.click()")
                    _settle(ctx, tab, away_from=here)
                out.append(_element(ctx, tab, selector[-1], read))
            else:
                raise CheckError(f"info_from_website: action {action!r} is not one OSWorld defines")
        return out
    except (CheckError, OSError, KeyError, TypeError, ValueError):
        return config.get("backups")
