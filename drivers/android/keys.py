"""Canonical key and button names (drivers.keys, drivers.actions.Button) as Android keycodes.

Keycodes are written as `KEYCODE_*` names, which `input keyevent` and `input keycombination`
accept on every Android version this driver supports. The keyboard key `home` moves the
cursor to the line start (KEYCODE_MOVE_HOME); the phone's Home button is the `button` action.
"""

from __future__ import annotations

import string

MODIFIERS = {"ctrl": "KEYCODE_CTRL_LEFT", "alt": "KEYCODE_ALT_LEFT", "shift": "KEYCODE_SHIFT_LEFT",
             "super": "KEYCODE_META_LEFT"}

NAMED = {
    **MODIFIERS,
    "enter": "KEYCODE_ENTER", "esc": "KEYCODE_ESCAPE", "tab": "KEYCODE_TAB",
    "backspace": "KEYCODE_DEL", "delete": "KEYCODE_FORWARD_DEL", "space": "KEYCODE_SPACE",
    "up": "KEYCODE_DPAD_UP", "down": "KEYCODE_DPAD_DOWN", "left": "KEYCODE_DPAD_LEFT",
    "right": "KEYCODE_DPAD_RIGHT", "home": "KEYCODE_MOVE_HOME", "end": "KEYCODE_MOVE_END",
    "pageup": "KEYCODE_PAGE_UP", "pagedown": "KEYCODE_PAGE_DOWN", "insert": "KEYCODE_INSERT",
    "capslock": "KEYCODE_CAPS_LOCK", "printscreen": "KEYCODE_SYSRQ", "menu": "KEYCODE_MENU",
    **{f"f{i}": f"KEYCODE_F{i}" for i in range(1, 13)},
}

# Characters with a key of their own on Android's virtual keyboard map (no shift needed).
CHARS = {
    **{c: f"KEYCODE_{c.upper()}" for c in string.ascii_lowercase},
    **{d: f"KEYCODE_{d}" for d in string.digits},
    " ": "KEYCODE_SPACE", ",": "KEYCODE_COMMA", ".": "KEYCODE_PERIOD", "/": "KEYCODE_SLASH",
    ";": "KEYCODE_SEMICOLON", "'": "KEYCODE_APOSTROPHE", "[": "KEYCODE_LEFT_BRACKET",
    "]": "KEYCODE_RIGHT_BRACKET", "\\": "KEYCODE_BACKSLASH", "-": "KEYCODE_MINUS",
    "=": "KEYCODE_EQUALS", "`": "KEYCODE_GRAVE", "@": "KEYCODE_AT", "#": "KEYCODE_POUND",
    "*": "KEYCODE_STAR", "+": "KEYCODE_PLUS", "\t": "KEYCODE_TAB", "\n": "KEYCODE_ENTER",
}

BUTTONS = {"back": "KEYCODE_BACK", "home": "KEYCODE_HOME", "recents": "KEYCODE_APP_SWITCH",
           "enter": "KEYCODE_ENTER", "menu": "KEYCODE_MENU", "power": "KEYCODE_POWER",
           "volume_up": "KEYCODE_VOLUME_UP", "volume_down": "KEYCODE_VOLUME_DOWN"}

KEYCOMBINATION_SDK = 33
"""`input keycombination` arrived in Android 13 (API 33)."""


def keycodes(keys: list[str]) -> list[str] | None:
    """KEYCODE_* names for canonical key names pressed together; None if one has no key.

    An upper-case letter is shift plus that letter.
    """
    codes: list[str] = []
    for key in keys:
        if key in NAMED:
            code = NAMED[key]
        elif key in CHARS:
            code = CHARS[key]
        elif len(key) == 1 and key.lower() in CHARS and key.isupper():
            if MODIFIERS["shift"] not in codes:
                codes.insert(0, MODIFIERS["shift"])
            code = CHARS[key.lower()]
        else:
            return None
        if code not in codes:
            codes.append(code)
    return codes
