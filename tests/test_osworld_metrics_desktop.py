"""Accessibility-tree, desktop-shortcut and page-content metrics."""

from __future__ import annotations

import pytest

from tasks.osworld.metrics.desktop import (A11Y_NS, check_accessibility_tree, check_left_panel,
                                           is_added_to_steam_cart, is_shortcut_on_desktop)

NS = " ".join(f'xmlns:{k}="{v}"' for k, v in A11Y_NS.items())

TREE = f"""<desktop-frame {NS} name="main">
<application name="Thunderbird">
  <frame name="Write: Hello - Thunderbird" st:active="true">
    <tool-bar attr:id="MsgHeadersToolbar" name="">
      <label name="To"/>
      <section attr:class="address-pill">
        <label attr:class="pill-label" name="fox@someuniversity.edu">fox@someuniversity.edu</label>
      </section>
      <section attr:class="address-pill">
        <label attr:class="pill-label" name="cat@someuniversity.edu">cat@someuniversity.edu</label>
      </section>
    </tool-bar>
    <push-button name="Send">Send</push-button>
  </frame>
</application>
</desktop-frame>"""

PILL = ('tool-bar[attr|id=MsgHeadersToolbar] label[name=To]~[attr|class="address-pill"]>'
        'label[attr|class="pill-label"][name*="{}"]')


@pytest.mark.parametrize("rules, score", [
    ([{"selectors": [PILL.format("fox@")]}, {"selectors": [PILL.format("cat@")]}], 1.0),
    ([{"selectors": [PILL.format("fox@")]}, {"selectors": [PILL.format("dog@")]}], 0.0),
    ([{"xpath": "//application[@name='Thunderbird']//*[contains(@name, 'Send')]"}], 1.0),
    ([{"xpath": "//*[@st:active='true']"}], 1.0),
    ([{"xpath": "//push-button", "text": "Send", "exact": True}], 1.0),
    ([{"xpath": "//push-button", "text": "Sent", "exact": True}], 0.0),
    ([{"xpath": "//push-button", "text": "Sent", "exact": False}], 0.75),
    ([{"xpath": "//push-button", "text": "Send"}], 1.0),  # exact unless told otherwise
])
def test_accessibility_tree_rules(rules, score):
    assert check_accessibility_tree(TREE, rules) == pytest.approx(score)


def test_accessibility_tree_rule_needs_a_selector():
    with pytest.raises(ValueError):
        check_accessibility_tree(TREE, [{"text": "Send"}])
    assert check_accessibility_tree(None, [{"xpath": "//*"}]) == 0.0


def test_left_panel():
    shown = f'<desktop-frame {NS}><application name="soffice"><document-frame name="Slides View"/></application>' \
            "</desktop-frame>"
    hidden = shown.replace("Slides View", "Outline View")
    assert (check_left_panel(shown), check_left_panel(hidden), check_left_panel(None)) == (1.0, 0.0, 0.0)


def test_shortcut_on_desktop():
    files = {"chrome-x.desktop": "[Desktop Entry]\nName=Play Puzzle Game 2048\nExec=/opt/chrome --app-id=x\n"}
    assert is_shortcut_on_desktop(files, {"type": "name", "name": "Play Puzzle Game 2048"}) == 1.0
    assert is_shortcut_on_desktop(files, {"type": "name", "name": "Play Puzzle"}) == 0.0  # the whole line
    assert is_shortcut_on_desktop(files, {"type": "exec", "exec": "/opt/chrome --app-id=x"}) == 1.0
    assert is_shortcut_on_desktop({}, {"type": "name", "name": "Play Puzzle Game 2048"}) == 0.0
    with pytest.raises(ValueError):
        is_shortcut_on_desktop(files, {"type": "url", "url": "https://x"})


def test_steam_cart():
    page = {"title": "Cart", "url": "https://store/cart", "content": "<div>Dota Plus</div><div>Portal 2</div>"}
    assert is_added_to_steam_cart(page, {"items": ["Dota Plus", "Portal 2"]}) == 1.0
    assert is_added_to_steam_cart(page, {"items": ["Dota Plus", "Half-Life"]}) == 0.0
    assert is_added_to_steam_cart(None, {"items": ["x"]}) == 0.0
