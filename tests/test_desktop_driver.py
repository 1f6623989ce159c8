"""The desktop driver on a real X server, driving a real Tk app."""

import os
import time
from pathlib import Path

import pytest

from drivers.actions import parse_action
from drivers.base import ActionRefused
from drivers.desktop import clipboard
from drivers.desktop.apps import find_app, launch_app
from tests.helpers.conformance import check_driver

pytestmark = pytest.mark.slow

W, H = 1280, 800
OK = (200, 140)  # centre of the OK button of tests/apps/tk_target.py
CANCEL = (W - 200, H - 140)
ENTRY = (450, 325)


def act(driver, **data):
    driver.execute(parse_action(data))


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def test_conformance(desktop):
    check_driver(desktop, supported={"click", "move", "drag", "swipe", "long_press", "scroll",
                                     "type", "key", "button", "wait"}, safe_point=(W - 5, 5))


def test_screen_is_measured_not_assumed(desktop):
    assert desktop.screen_size == (W, H)
    assert desktop.scale == (1.0, 1.0)


def test_clicks_land_exactly(desktop, tk_app):
    act(desktop, type="click", x=OK[0], y=OK[1])
    act(desktop, type="click", x=CANCEL[0], y=CANCEL[1])
    act(desktop, type="click", x=OK[0], y=OK[1], count=2)
    clicks = wait_for(lambda: len(tk_app.events("click")) >= 4 and tk_app.events("click"))
    assert [e["target"] for e in clicks] == ["ok", "cancel", "ok", "ok"]


def test_offscreen_points_are_refused_and_nothing_is_clicked(desktop, tk_app):
    for x, y in ((W, 10), (10, H), (W + 1000, H + 1000)):
        with pytest.raises(ActionRefused, match=f"outside the {W}x{H} screen"):
            act(desktop, type="click", x=x, y=y)
    time.sleep(0.3)
    assert tk_app.events("click") == []


def test_pointer_in_a_corner_does_not_abort(desktop, tk_app):
    act(desktop, type="move", x=0, y=0)  # pyautogui's fail-safe corner
    act(desktop, type="click", x=OK[0], y=OK[1])
    assert wait_for(lambda: tk_app.events("click"))


@pytest.mark.parametrize("text", [
    "plain ascii 123",
    "Grüße, 世界 & $(whoami)",
    "`id`; rm -rf / | cat > /tmp/x 'q' \"dq\" ~ * \\ %s {}",
    "emoji 😀 and ß and ½",
    "<b>a < b > c</b>",
])
def test_text_arrives_exactly(desktop, tk_app, text):
    act(desktop, type="click", x=ENTRY[0], y=ENTRY[1])
    act(desktop, type="type", text=text)
    act(desktop, type="key", keys=["Return"])
    submitted = wait_for(lambda: tk_app.events("submit"))
    assert submitted[-1]["text"] == text


def test_unicode_typing_restores_the_clipboard(desktop, tk_app):
    env = {**os.environ, "DISPLAY": desktop.display}
    clipboard.set_text("keep me", env)
    act(desktop, type="click", x=ENTRY[0], y=ENTRY[1])
    act(desktop, type="type", text="naïve")
    assert clipboard.get_text(env) == "keep me"


def test_keys_are_pressed_by_canonical_name(desktop, tk_app):
    act(desktop, type="click", x=ENTRY[0], y=ENTRY[1])
    act(desktop, type="type", text="abcd")
    act(desktop, type="key", keys=["BackSpace"])
    act(desktop, type="key", keys=["left"])
    act(desktop, type="key", keys=["shift", "x"])
    act(desktop, type="button", name="enter")
    assert wait_for(lambda: tk_app.events("submit"))[-1]["text"] == "abXc"


def test_phone_buttons_are_refused_with_a_hint(desktop):
    with pytest.raises(ActionRefused, match="desktop has no 'back' button"):
        act(desktop, type="button", name="back")


def _desktop_entry(tmp_path: Path, name: str, exec_line: str) -> dict:
    apps = tmp_path / "share" / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    (apps / f"{name.lower()}.desktop").write_text(
        f"[Desktop Entry]\nType=Application\nName={name}\nExec={exec_line}\n")
    return {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share"), "XDG_DATA_DIRS": str(tmp_path / "none")}


def test_open_app_starts_only_installed_entries(tmp_path):
    marker = tmp_path / "started"
    env = _desktop_entry(tmp_path, "Marker", f"/usr/bin/touch {marker} %U")
    assert find_app("marker", env) == ("Marker", ["/usr/bin/touch", str(marker)])
    launch_app("Marker", env)
    assert wait_for(marker.exists)
    for hostile in ("marker; touch /tmp/pwned", "/usr/bin/touch", "$(id)"):
        with pytest.raises(ActionRefused, match="no installed application"):
            launch_app(hostile, env)
