"""Metrics of the desktop's state: its accessibility tree, its shortcuts, a web page's content."""

from __future__ import annotations

from typing import Any

from drivers.base import require

from .rules import fuzz_ratio

A11Y_NS = {
    "st": "https://accessibility.ubuntu.example.org/ns/state",
    "attr": "https://accessibility.ubuntu.example.org/ns/attributes",
    "cp": "https://accessibility.ubuntu.example.org/ns/component",
    "doc": "https://accessibility.ubuntu.example.org/ns/document",
    "docattr": "https://accessibility.ubuntu.example.org/ns/document/attributes",
    "txt": "https://accessibility.ubuntu.example.org/ns/text",
    "val": "https://accessibility.ubuntu.example.org/ns/value",
    "act": "https://accessibility.ubuntu.example.org/ns/action",
}
"""The namespaces of OSWorld's accessibility-tree XML (Ubuntu), which task selectors use as
prefixes (`attr|id`, `st|showing`); getters.a11y writes the tree with the same ones."""


def check_accessibility_tree(result: str | None, rules: list[dict], osname: str = "ubuntu", **_: Any) -> float:
    """The product over `rules` of how well the tree matches each: a rule selects elements by
    `xpath` or by CSS `selectors` (joined with ', '); none selected scores 0; with `text`, the
    best element's text equal to it (`exact`, the default) or its fuzzy ratio / 100."""
    if result is None:
        return 0.0
    etree = require("lxml.etree", "osworld")
    root = etree.fromstring(result.encode("utf-8") if isinstance(result, str) else result)
    total = 1.0
    for rule in rules:
        if "xpath" in rule:
            elements = root.xpath(rule["xpath"], namespaces=A11Y_NS)
        elif "selectors" in rule:
            css = require("lxml.cssselect", "osworld")
            elements = css.CSSSelector(", ".join(rule["selectors"]), namespaces=A11Y_NS)(root)
        else:
            raise ValueError("an accessibility-tree rule needs xpath or selectors")
        if not elements:
            return 0.0
        if "text" in rule:
            want = rule["text"]
            if rule.get("exact", True):
                score = max(float(want == (e.text or None)) for e in elements)
            else:
                score = max(fuzz_ratio(want, e.text) / 100.0 if e.text else 0.0 for e in elements)
            total *= score
    return float(total)


def check_left_panel(result: str | None, **_: Any) -> float:
    """1 when LibreOffice Impress shows its slide pane: the tree has a document-frame named
    'Slides View'."""
    if result is None:
        return 0.0
    from xml.etree import ElementTree

    root = ElementTree.fromstring(result)
    return float(any(e.get("name") == "Slides View" for e in root.iter("document-frame")))


def is_shortcut_on_desktop(result: dict | None, rule: dict, **_: Any) -> float:
    """1 when some desktop entry ({file name: content}) has the line `Name=<rule name>` (rule
    type 'name') or `Exec=<rule exec>` (type 'exec')."""
    if rule["type"] not in ("name", "exec"):
        raise ValueError(f"is_shortcut_on_desktop: rule type {rule['type']!r} is not supported (nor by OSWorld)")
    key = "Name" if rule["type"] == "name" else "Exec"
    line = f"{key}={rule[rule['type']]}\n"
    return float(any(line in content for content in (result or {}).values()))


def is_added_to_steam_cart(result: dict | None, rule: dict, **_: Any) -> float:
    """1 when the page's HTML (result['content']) names every item of rule['items']."""
    if not result:
        return 0.0
    content = result.get("content", "")
    return float(all(item in content for item in rule["items"]))
