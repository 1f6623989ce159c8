"""Every canonical action reaches the (fake) phone as the right command, through real adbutils."""

from __future__ import annotations

import pytest

from drivers.actions import parse_action
from drivers.base import ActionRefused
from tests.doubles.fake_adb.phone import LAUNCHER, App
from tests.helpers.conformance import check_driver


def act(driver, **data):
    driver.execute(parse_action(data))


def last_command(phone):
    return phone.commands[-1]


def test_conformance(android):
    supported = {"click", "drag", "swipe", "long_press", "scroll", "type", "key", "button", "wait"}
    check_driver(android, supported=supported)


@pytest.mark.parametrize("data, command, event", [
    ({"type": "click", "x": 10, "y": 20}, "input tap 10 20", ("tap", 10, 20)),
    ({"type": "long_press", "x": 5, "y": 6, "duration_ms": 800}, "input swipe 5 6 5 6 800", ("swipe", 5, 6, 5, 6, 800)),
    ({"type": "click", "x": 7, "y": 8, "button": "right"}, "input swipe 7 8 7 8 1000", ("swipe", 7, 8, 7, 8, 1000)),
    ({"type": "swipe", "x": 1, "y": 2, "to_x": 300, "to_y": 400, "duration_ms": 250},
     "input swipe 1 2 300 400 250", ("swipe", 1, 2, 300, 400, 250)),
    ({"type": "drag", "x": 100, "y": 200, "to_x": 500, "to_y": 900},
     "input swipe 100 200 500 900 1500", ("swipe", 100, 200, 500, 900, 1500)),
    ({"type": "button", "name": "back"}, "input keyevent KEYCODE_BACK", ("key", "KEYCODE_BACK")),
    ({"type": "button", "name": "home"}, "input keyevent KEYCODE_HOME", ("key", "KEYCODE_HOME")),
    ({"type": "button", "name": "recents"}, "input keyevent KEYCODE_APP_SWITCH", ("key", "KEYCODE_APP_SWITCH")),
    ({"type": "button", "name": "enter"}, "input keyevent KEYCODE_ENTER", ("key", "KEYCODE_ENTER")),
    ({"type": "button", "name": "menu"}, "input keyevent KEYCODE_MENU", ("key", "KEYCODE_MENU")),
    ({"type": "button", "name": "power"}, "input keyevent KEYCODE_POWER", ("key", "KEYCODE_POWER")),
    ({"type": "button", "name": "volume_up"}, "input keyevent KEYCODE_VOLUME_UP", ("key", "KEYCODE_VOLUME_UP")),
    ({"type": "button", "name": "volume_down"}, "input keyevent KEYCODE_VOLUME_DOWN", ("key", "KEYCODE_VOLUME_DOWN")),
    ({"type": "key", "keys": ["enter"]}, "input keyevent KEYCODE_ENTER", ("key", "KEYCODE_ENTER")),
    ({"type": "key", "keys": ["backspace"]}, "input keyevent KEYCODE_DEL", ("key", "KEYCODE_DEL")),
    ({"type": "key", "keys": ["delete"]}, "input keyevent KEYCODE_FORWARD_DEL", ("key", "KEYCODE_FORWARD_DEL")),
    ({"type": "key", "keys": ["esc"]}, "input keyevent KEYCODE_ESCAPE", ("key", "KEYCODE_ESCAPE")),
    ({"type": "key", "keys": ["home"]}, "input keyevent KEYCODE_MOVE_HOME", ("key", "KEYCODE_MOVE_HOME")),
    ({"type": "key", "keys": ["f5"]}, "input keyevent KEYCODE_F5", ("key", "KEYCODE_F5")),
    ({"type": "key", "keys": ["q"]}, "input keyevent KEYCODE_Q", ("key", "KEYCODE_Q")),
    ({"type": "key", "keys": ["ctrl", "a"]}, "input keycombination KEYCODE_CTRL_LEFT KEYCODE_A",
     ("combo", "KEYCODE_CTRL_LEFT", "KEYCODE_A")),
    ({"type": "key", "keys": ["ctrl", "shift", "T"]},
     "input keycombination KEYCODE_CTRL_LEFT KEYCODE_SHIFT_LEFT KEYCODE_T",
     ("combo", "KEYCODE_CTRL_LEFT", "KEYCODE_SHIFT_LEFT", "KEYCODE_T")),
    ({"type": "key", "keys": ["alt", "tab"]}, "input keycombination KEYCODE_ALT_LEFT KEYCODE_TAB",
     ("combo", "KEYCODE_ALT_LEFT", "KEYCODE_TAB")),
])
def test_action_becomes_command(android, phone, data, command, event):
    act(android, **data)
    assert last_command(phone) == command
    assert phone.events[-1] == event


@pytest.mark.parametrize("count", [2, 3])
def test_multi_tap_is_one_shell_call(android, phone, count):
    android.screenshot()  # as the loop does before any action
    before = len(phone.commands)
    act(android, type="click", x=50, y=60, count=count)
    assert phone.commands[before:] == [" && ".join(["input tap 50 60"] * count)]
    assert phone.events[-count:] == [("tap", 50, 60)] * count


@pytest.mark.parametrize("direction, expect", [
    ("down", (540, 1800, 540, 600)),  # 'down' reveals what is below: the finger moves up
    ("up", (540, 600, 540, 1800)),
    ("right", (810, 1200, 270, 1200)),
    ("left", (270, 1200, 810, 1200)),
])
def test_scroll_default_centre(android, phone, direction, expect):
    act(android, type="scroll", direction=direction)  # amount 5 notches = half the screen
    assert phone.events[-1] == ("swipe", *expect, 400)


def test_scroll_stays_on_screen_and_keeps_length(android, phone):
    act(android, type="scroll", x=100, y=50, direction="down", amount=3)  # near the top edge
    _, x1, y1, x2, y2, _ = phone.events[-1]
    assert (x1, x2) == (100, 100) and y1 > y2
    assert y2 >= 1 and y1 - y2 == 720  # 3 notches = 30% of 2400, not cut short by the edge
    act(android, type="scroll", x=100, y=2390, direction="up", amount=100)
    _, _, y1, _, y2, _ = phone.events[-1]
    assert y2 <= 2398 and y2 - y1 == round(2400 * 0.8)


def test_key_without_a_keycode_is_typed(android, phone):
    act(android, type="key", keys=["A"])
    act(android, type="key", keys=["!"])
    assert phone.text.endswith("A!")


def test_key_combo_on_old_android(fake_adb, phone):
    from drivers.android import AndroidDriver

    phone.sdk = 30
    with AndroidDriver() as driver:
        act(driver, type="key", keys=["shift", "b"])
        assert phone.text.endswith("B") and "keycombination" not in " ".join(phone.commands)
        with pytest.raises(ActionRefused, match="Android 13"):
            act(driver, type="key", keys=["ctrl", "c"])


@pytest.mark.parametrize("data, reason", [
    ({"type": "move", "x": 1, "y": 1}, "no pointer"),
    ({"type": "click"}, "no pointer"),
    ({"type": "click", "x": 1, "y": 1, "button": "middle"}, "middle"),
    ({"type": "click", "x": 1, "y": 1, "button": "right", "count": 2}, "right"),
    ({"type": "click", "x": 1080, "y": 5}, "outside"),
    ({"type": "swipe", "x": 1, "y": 1, "to_x": 5, "to_y": 2400}, "outside"),
    ({"type": "scroll", "x": 2000, "y": 5, "direction": "down"}, "outside"),
])
def test_refused_actions_send_nothing(android, phone, data, reason):
    android.screenshot()
    before = list(phone.commands)
    with pytest.raises(ActionRefused, match=reason):
        act(android, **data)
    assert phone.commands == before


def test_wait_and_terminal_actions_touch_nothing(android, phone):
    before = list(phone.commands)
    act(android, type="wait", seconds=0.01)
    act(android, type="answer", text="42")
    assert phone.commands == before


@pytest.mark.parametrize("name, package", [
    ("com.android.settings", "com.android.settings"),  # a package
    ("Settings", "com.android.settings"),  # the common-name table
    ("  google   MAPS ", "com.google.android.apps.maps"),
    ("Clock", "com.google.android.deskclock"),
    ("Field Notes", "org.example.notes"),  # the label the phone printed
    ("notes", "org.example.notes"),  # a part of the package name
    ("com.android.chrome/com.google.android.apps.chrome.Main", "com.android.chrome"),  # a component
])
def test_open_app(android, phone, name, package):
    act(android, type="open_app", name=name)
    assert phone.foreground[0] == package
    assert android.foreground() == phone.foreground


def test_open_app_without_launcher_component_uses_monkey(android, phone):
    phone.apps.append(App("org.example.bare", "org.example.bare.Main"))
    phone.apps = [a for a in phone.apps if a.package != "org.example.bare"] + [App("org.example.bare", None)]
    with pytest.raises(ActionRefused, match="could not start"):
        act(android, type="open_app", name="org.example.bare")
    assert phone.commands[-1] == "monkey -p org.example.bare -c android.intent.category.LAUNCHER 1"


@pytest.mark.parametrize("name, reason", [
    ("Nonexistent Thing", "no app called"),
    ("com.example.not.installed", "no app called"),
])
def test_open_app_unknown(android, phone, name, reason):
    with pytest.raises(ActionRefused, match=reason):
        act(android, type="open_app", name=name)
    assert phone.foreground[0] == LAUNCHER


def test_open_app_ambiguous_names_candidates(android, phone):
    phone.apps += [App("org.one.notes.x", "org.one.notes.x.Main"), App("org.two.notes.y", "org.two.notes.y.Main")]
    phone.apps = [a for a in phone.apps if a.package != "org.example.notes"]
    with pytest.raises(ActionRefused, match="several apps.*org.one.notes.x.*org.two.notes.y"):
        act(android, type="open_app", name="notes")
