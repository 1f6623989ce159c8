"""What the fake phone's `input` tool does: taps, swipes, keys and `input text` as Android
reads it (its own `%s` escape included)."""

from __future__ import annotations

from .phone import LAUNCHER, FakePhone

Result = tuple[int, bytes, bytes]


def ok(text: str = "") -> Result:
    return 0, text.encode(), b""


def fail(text: str, rc: int = 1) -> Result:
    return rc, b"", text.encode()


def android_input_text(arg: str) -> str:
    """Android's own `input text` loop: the two characters %s become a space."""
    text = list(arg)
    escape, i = False, 0
    while i < len(text):
        if escape:
            escape = False
            if text[i] == "s":
                text[i] = " "
                i -= 1
                del text[i]
        if text[i] == "%":
            escape = True
        i += 1
    return "".join(text)


KEY_TEXT = {"KEYCODE_ENTER": "\n", "KEYCODE_SPACE": " ", "KEYCODE_TAB": "\t"}


def _keyevent(phone: FakePhone, code: str) -> None:
    phone.events.append(("key", code))
    if code in KEY_TEXT:
        phone.text += KEY_TEXT[code]
    elif code == "KEYCODE_DEL":
        phone.text = phone.text[:-1]
    elif code.startswith("KEYCODE_") and len(code) == 9 and code[-1].isalnum():
        phone.text += code[-1].lower()
    elif code == "KEYCODE_HOME":
        phone.foreground = (LAUNCHER, phone.app(LAUNCHER).activity)


def tool_input(phone: FakePhone, args: list[str]) -> Result:
    if not args:
        return fail("Usage: input [<source>] <command> [<arg>...]")
    cmd, rest = args[0], args[1:]
    ints = lambda vals: [int(float(v)) for v in vals]  # noqa: E731
    try:
        if cmd == "tap" and len(rest) == 2:
            phone.events.append(("tap", *ints(rest)))
        elif cmd == "swipe" and len(rest) in (4, 5):
            phone.events.append(("swipe", *ints(rest[:4]), int(rest[4]) if len(rest) == 5 else 300))
        elif cmd == "text" and len(rest) == 1:
            typed = android_input_text(rest[0])
            if any(ord(ch) > 126 for ch in typed):
                return fail("java.lang.IllegalArgumentException: no key for character")
            phone.events.append(("text", typed))
            phone.text += typed
        elif cmd == "keyevent" and rest:
            for code in rest:
                _keyevent(phone, code)
        elif cmd == "keycombination" and rest and phone.sdk >= 33:
            phone.events.append(("combo", *rest))
        else:
            return fail(f"Error: Unknown command: {cmd} {rest}", 1)
    except ValueError:
        return fail(f"Error: bad number in {args}")
    return ok()
