"""Key names: one canonical lowercase spelling for every key a model or a person may write."""

from __future__ import annotations

CANONICAL = frozenset(
    "ctrl alt shift super enter esc tab backspace delete space up down left right "
    "home end pageup pagedown insert capslock printscreen menu".split()
    + [f"f{i}" for i in range(1, 13)]
)

PYAUTOGUI_NAMES = {"super": "winleft", "menu": "apps"}
"""Canonical key names pyautogui spells differently (the desktop driver, OSWorld's harness code)."""

# Spellings seen in model replies (xdotool, pyautogui, JavaScript, adb) mapped to ours.
ALIASES = {
    "control": "ctrl", "ctl": "ctrl", "lctrl": "ctrl", "rctrl": "ctrl", "control_l": "ctrl",
    "control_r": "ctrl", "ctrl_l": "ctrl", "ctrl_r": "ctrl",
    "alt_l": "alt", "alt_r": "alt", "option": "alt", "opt": "alt", "altleft": "alt", "altright": "alt",
    "shift_l": "shift", "shift_r": "shift", "shiftleft": "shift", "shiftright": "shift",
    "win": "super", "windows": "super", "cmd": "super", "command": "super", "meta": "super",
    "super_l": "super", "super_r": "super", "winleft": "super", "winright": "super",
    "return": "enter", "kp_enter": "enter", "newline": "enter",
    "escape": "esc", "del": "delete", "bksp": "backspace", "back_space": "backspace",
    "spacebar": "space", "arrowup": "up", "arrowdown": "down", "arrowleft": "left",
    "arrowright": "right", "page_up": "pageup", "pgup": "pageup", "prior": "pageup",
    "page_down": "pagedown", "pgdn": "pagedown", "next": "pagedown", "ins": "insert",
    "caps_lock": "capslock", "print": "printscreen", "prtsc": "printscreen",
    "prtscr": "printscreen", "print_screen": "printscreen",
}


def normalize_key(name: str) -> str:
    """Return the canonical name of a key, or raise ValueError naming the unknown key.

    A single character stays as it is (case kept: 'A' is shift+a); anything else is
    matched case-insensitively against the canonical names and their aliases.
    """
    if not isinstance(name, str) or name == "":
        raise ValueError("a key name must be a non-empty string")
    if len(name) == 1:
        return name
    lowered = name.strip().lower().replace("-", "_") if name.strip() else name
    if lowered == " ":
        return "space"
    if lowered in CANONICAL:
        return lowered
    if lowered in ALIASES:
        return ALIASES[lowered]
    compact = lowered.replace("_", "")
    if compact in CANONICAL:
        return compact
    if compact in ALIASES:
        return ALIASES[compact]
    raise ValueError(f"unknown key {name!r}")


def split_combo(combo: str) -> list[str]:
    """Split 'ctrl+c', 'ctrl-c' or 'ctrl c' into canonical key names."""
    text = combo.strip()
    if len(text) == 1:
        return [text]
    for sep in ("+", " "):
        if sep in text and text != sep:
            parts = [p for p in text.split(sep) if p != ""]
            return [normalize_key(p) for p in parts]
    if "-" in text and len(text) > 2 and not text.lower().startswith(("page", "caps")):
        parts = [p for p in text.split("-") if p != ""]
        if len(parts) > 1:
            return [normalize_key(p) for p in parts]
    return [normalize_key(text)]
