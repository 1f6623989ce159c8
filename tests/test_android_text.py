"""Typing: exact ASCII through `input text`, any Unicode through the ADBKeyboard IME with the
previous input method restored, and a clear refusal when ADBKeyboard is missing."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.actions import parse_action
from drivers.android.text import input_text_commands, is_input_text_safe
from drivers.base import ActionRefused
from tests.doubles.fake_adb.phone import ADB_IME, LATIN_IME

HOSTILE = "; rm -rf / & | $(whoami) `id` 'quotes' \"dq\" \n > /tmp/x * ~ %s %%s 100%"


def type_text(driver, text):
    driver.execute(parse_action({"type": "type", "text": text}))


@pytest.mark.parametrize("text", [
    "hello", "hello world", "a%sb", "%s", "%", "s%", "100% sure", "a\nb\n", "tab\there",
    HOSTILE, "'", '"', "\\", "-n", "--", "$HOME", "*", "~root",
])
def test_ascii_arrives_exactly(android, phone, text):
    type_text(android, text)
    assert phone.text == text
    assert all(c.startswith("input ") for c in phone.commands[-1].split(" && "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, include_characters="\n\t"),
                    min_size=1, max_size=40))
def test_any_printable_ascii_arrives_exactly(android, phone, text):
    phone.text = ""
    type_text(android, text)
    assert phone.text == text


def test_input_text_never_holds_a_raw_percent_s():
    for cmd in input_text_commands("50%s of %ss and % s"):
        if cmd.startswith("input text"):
            arg = cmd[len("input text "):].strip("'")
            # every %s left is one we made from a space; the literal '%s' went out split in two
            assert arg.replace("%s", "").count("%") <= 1


def test_unicode_goes_through_the_ime_and_restores(android, phone):
    phone.install_adb_keyboard()
    text = "Grüße, 世界 🙂 & $(whoami) 'x'\n"
    type_text(android, text)
    assert phone.text == text
    assert phone.ime() == LATIN_IME  # restored
    assert [e for e in phone.events if e[0] == "ime"] == [("ime", ADB_IME), ("ime", LATIN_IME)]
    broadcast = next(c for c in phone.commands if c.startswith("am broadcast"))
    msg = broadcast.split("--es msg ", 1)[1].strip("'")
    assert base64.b64decode(msg).decode("utf-8") == text
    # the order that makes it work: switch, broadcast, switch back
    assert [c for c in phone.commands if c.startswith(("ime set", "am broadcast"))] == [
        f"ime set {ADB_IME}", broadcast, f"ime set {LATIN_IME}"]


def test_ime_already_active_is_left_alone(android, phone):
    phone.install_adb_keyboard()
    phone.enabled_imes.append(ADB_IME)
    phone.settings[("secure", "default_input_method")] = ADB_IME
    type_text(android, "日本語")
    assert phone.text == "日本語"
    assert not [c for c in phone.commands if c.startswith("ime set")]


def test_ime_given_back_after_a_lost_restore(fake_adb, phone):
    """The device vanishes between the broadcast and the restore: the next typing restores."""
    from drivers.android import AndroidDriver
    from drivers.base import DriverError

    phone.install_adb_keyboard()
    with AndroidDriver(reconnect_attempts=0) as driver:
        driver.ime_settle_s = 0.0
        fake_adb.drop_on(phone.serial, f"ime set {LATIN_IME}")
        with pytest.raises(DriverError):
            type_text(driver, "é")
        assert phone.ime() == ADB_IME and phone.text == "é"
        fake_adb.restore(phone.serial)
        type_text(driver, "ü")
    assert phone.text == "éü" and phone.ime() == LATIN_IME


def test_missing_ime_is_a_clear_refusal(android, phone):
    with pytest.raises(ActionRefused, match="ADBKeyboard.*adb install"):
        type_text(android, "café")
    assert phone.text == ""
    assert not [c for c in phone.commands if c.startswith(("ime set", "am broadcast"))]


def test_is_input_text_safe():
    assert is_input_text_safe(HOSTILE)
    assert not is_input_text_safe("café")
    assert not is_input_text_safe("\x00")
    assert not is_input_text_safe("\r")
