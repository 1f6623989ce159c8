"""Typing text on a phone without ever letting the text be read as shell syntax.

Two paths:
  - printable ASCII (plus newline and tab) through `input text`. Every argument is
    single-quoted with shlex.quote. `input text` itself turns the two characters `%s`
    into a space (its own escape), so spaces are sent as `%s` and a literal `%` followed by
    `s` is split across two `input text` calls. A newline is sent as the ENTER key.
  - anything else (accents, CJK, emoji) through the ADBKeyboard IME: the text travels
    base64-encoded in `am broadcast -a ADB_INPUT_B64 --es msg <base64>`, so no byte of it
    reaches the shell or the broadcast parser as itself.
"""

from __future__ import annotations

import base64
import shlex

ADB_KEYBOARD = "com.android.adbkeyboard/.AdbIME"
ADB_KEYBOARD_HINT = (
    "typing non-ASCII text on Android needs the ADBKeyboard input method: install it with "
    "`adb install ADBKeyboard.apk` (from https://github.com/senzhk/ADBKeyBoard/releases), "
    "then run the task again; the driver switches to it for such text and back afterwards"
)


def q(arg: str | int) -> str:
    """One shell word for the phone's sh: the argument, quoted so it arrives literally."""
    return shlex.quote(str(arg))


def is_input_text_safe(text: str) -> bool:
    """True when `input text` can type every character: printable ASCII, newline, tab."""
    return all(" " <= ch <= "~" or ch in "\n\t" for ch in text)


def _input_text_chunks(line: str) -> list[str]:
    """Split one line so no chunk holds `%` directly before `s` (input text's space escape)."""
    chunks, start = [], 0
    for i in range(1, len(line)):
        if line[i - 1] == "%" and line[i] == "s":
            chunks.append(line[start:i])
            start = i
    chunks.append(line[start:])
    return [c for c in chunks if c]


def input_text_commands(text: str) -> list[str]:
    """Shell commands that type `text` (printable ASCII, newline, tab) through `input text`."""
    commands = []
    for n, line in enumerate(text.split("\n")):
        if n:
            commands.append("input keyevent KEYCODE_ENTER")
        for chunk in _input_text_chunks(line):
            commands.append("input text " + q(chunk.replace(" ", "%s")))
    return commands


def ime_broadcast_command(text: str) -> str:
    """The ADBKeyboard broadcast that types `text`, any Unicode, as base64 of its UTF-8."""
    msg = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return "am broadcast -a ADB_INPUT_B64 --es msg " + q(msg)
