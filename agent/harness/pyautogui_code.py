"""Canonical actions as the pyautogui code strings OSWorld's harness runs in its VM.

Each string does what drivers/desktop/driver.py does for the same action, call for call, on a
screen whose pixels are the screenshot's. OSWorld runs a string as
`python -c "import pyautogui; import time; pyautogui.FAILSAFE = False; <string>"` (its
PythonController), after its DesktopEnv.step has rewritten `pyautogui.typewrite(...)` and
`pyautogui.press('<')` calls with regular expressions. So every string:

- is simple statements only, the first able to follow a `;`;
- holds nothing from the model but numbers and text, and text only as string or bytes literals
  escaped down to letters, digits and a few marks: no quote, dot or bracket of the model's ever
  reaches the code, no non-ASCII byte reaches the command line, and no rewriting regex can find
  a call inside a literal;
- never calls `typewrite` or `press('<')`, which that rewriting would change.

Text the driver types key by key is typed with `pyautogui.write`; any other text (non-ASCII,
control characters, and '<', which pyautogui types as '>' on X keymaps with a <> key) is pasted
as the driver pastes it: xclip sets the clipboard, ctrl+v, the clipboard is restored. xclip is
run with its output to /dev/null: xclip stays behind to serve the paste, and the output pipes
OSWorld's server holds would stay open with it, blocking the server's call for up to 120 s
(pyperclip.copy leaves xclip those pipes: under a piped `python -c` on Xvfb it never returned).
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

from drivers.actions import (Answer, Button, CallUser, Click, Done, Drag, Key, LongPress, Move, OpenApp, Scroll,
                             Swipe, Type, Wait)
from drivers.base import ActionRefused, check_point
from drivers.keys import PYAUTOGUI_NAMES

if TYPE_CHECKING:
    from drivers.actions import Action

WAIT, DONE, FAIL = "WAIT", "DONE", "FAIL"
"""OSWorld's special actions: sleep and look again; the task is done; the task cannot be done."""

PYAUTOGUI_KEYS = PYAUTOGUI_NAMES
"""Canonical key names pyautogui spells differently: the desktop driver's own table."""
MISTYPED = frozenset("<")
"""ASCII pyautogui types wrongly on the X keymaps OSWorld's VM and Xvfb have: the desktop driver
measures it per display; a code string cannot, so this is that measure, fixed."""
PASTE_SETTLE_S = 0.15
"""The desktop driver's wait before restoring the clipboard (drivers/desktop/driver.py)."""
MAX_CODE = 100_000
"""Longest code string: Linux refuses a command-line argument over 128 KiB."""

_PLAIN = frozenset(string.ascii_letters + string.digits + " ,-_:;/@+=#%&*!?~^|[]{}$")
_CLIP = "['xclip', '-selection', 'clipboard', '-{}']"


def literal(text: str) -> str:
    """A str literal of `text`: ASCII, with everything but letters, digits and a few marks escaped."""
    return "'" + "".join(c if c in _PLAIN else _escape(ord(c)) for c in text) + "'"


def bytes_literal(data: bytes) -> str:
    """A bytes literal of `data`, escaped as literal() escapes."""
    return "b'" + "".join(chr(b) if chr(b) in _PLAIN else f"\\x{b:02x}" for b in data) + "'"


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _num(value: float) -> str:
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


class CodeWriter:
    """to_code() turns canonical actions into code strings for a screen whose screenshots are
    `screen` (width, height) pixels; `input_size` is pyautogui's screen size when it differs
    (a scaled display), as the driver maps points (default: the screenshot's)."""

    def __init__(self, screen: tuple[int, int], input_size: tuple[int, int] | None = None,
                 paste_settle_s: float = PASTE_SETTLE_S):
        self.screen = screen
        in_w, in_h = input_size or screen
        self.scale = (screen[0] / in_w, screen[1] / in_h)
        self.paste_settle_s = paste_settle_s

    def _point(self, x: int, y: int) -> tuple[float, float]:
        check_point(x, y, self.screen)
        return x / self.scale[0], y / self.scale[1]

    def _xy(self, x: int, y: int) -> str:
        px, py = self._point(x, y)
        return f"{_num(px)}, {_num(py)}"

    def to_code(self, action: "Action") -> str | None:
        """The code string for `action`, WAIT / DONE / FAIL, or None for an action with no effect on
        the screen (answer). Raises ActionRefused as the driver would (a point off the screen, a
        phone button, text that cannot be typed), naming what was refused."""
        code = self._code(action)
        if code is not None and len(code) > MAX_CODE:
            raise ActionRefused(f"the {action.type} action is too long to run ({len(code)} characters of code)")
        return code

    def _code(self, action: "Action") -> str | None:
        match action:
            case Click():
                where = "" if action.x is None else self._xy(action.x, action.y) + ", "
                interval = 0.05 if action.count > 1 else 0
                return (f"import pyautogui\npyautogui.click({where}button={literal(action.button)}, "
                        f"clicks={action.count}, interval={interval})")
            case Move():
                return f"import pyautogui\npyautogui.moveTo({self._xy(action.x, action.y)})"
            case Drag():
                return self._press_path(action.x, action.y, action.to_x, action.to_y, 0.3)
            case Swipe():
                return self._press_path(action.x, action.y, action.to_x, action.to_y, action.duration_ms / 1000)
            case LongPress():
                return self._press_path(action.x, action.y, action.x, action.y, 0.04, action.duration_ms / 1000)
            case Scroll():
                return self._scroll(action)
            case Type():
                return self._type(action.text)
            case Key():
                names = ", ".join(literal(PYAUTOGUI_KEYS.get(k, k)) for k in action.keys)
                return f"import pyautogui\npyautogui.hotkey({names}, interval=0.02)"
            case Button(name="enter"):
                return "import pyautogui\npyautogui.press('enter')"
            case Button():
                raise ActionRefused(f"a desktop has no '{action.name}' button; use a key action instead")
            case OpenApp():
                raise ActionRefused("open_app is not available in OSWorld's harness; open the app from the desktop")
            case Wait():
                return WAIT
            case Done():
                return DONE if action.status == "success" else FAIL
            case CallUser():
                return FAIL  # no one to call in a benchmark: the agent cannot go on
            case Answer():
                return None
        raise ActionRefused(f"the desktop cannot do '{action.type}'")

    def _press_path(self, x, y, to_x, to_y, duration_s: float, hold_s: float = 0.0) -> str:
        ex, ey = self._point(to_x, to_y)
        if x is None:  # from wherever the pointer is, which only the VM knows
            return f"import pyautogui\npyautogui.dragTo({_num(ex)}, {_num(ey)}, duration={duration_s!r}, button='left')"
        sx, sy = self._point(x, y)
        lines = ["import pyautogui", "import time", f"pyautogui.moveTo({_num(sx)}, {_num(sy)})",
                 "pyautogui.mouseDown()"]
        if hold_s:
            lines.append(f"time.sleep({hold_s!r})")
        steps = max(2, int(duration_s / 0.02))  # the driver's path, point for point
        for i in range(1, steps + 1):
            # _pause=False: pyautogui's default 0.1 s after each call would slow the path down tenfold.
            lines.append(f"pyautogui.moveTo({_num(sx + (ex - sx) * i / steps)}, {_num(sy + (ey - sy) * i / steps)}, "
                         "_pause=False)")
            lines.append(f"time.sleep({duration_s / steps!r})")
        lines.append("pyautogui.mouseUp()")
        return "\n".join(lines)

    def _scroll(self, action: Scroll) -> str:
        x, y = (self.screen[0] // 2, self.screen[1] // 2) if action.x is None else (action.x, action.y)
        call = {"up": f"scroll({action.amount})", "down": f"scroll(-{action.amount})",
                "right": f"hscroll({action.amount})", "left": f"hscroll(-{action.amount})"}[action.direction]
        return f"import pyautogui\npyautogui.moveTo({self._xy(x, y)})\npyautogui.{call}"

    def _type(self, text: str) -> str:
        if text.isascii() and all((c.isprintable() and c not in MISTYPED) or c in "\n\t" for c in text):
            return f"import pyautogui\npyautogui.write({literal(text)})"
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ActionRefused(f"the text holds an unpaired surrogate at {exc.start}; it cannot be typed") from None
        return "\n".join([
            "import pyautogui", "import subprocess", "import time",
            f"_clipboard = subprocess.run({_CLIP.format('o')}, stdout=subprocess.PIPE, "
            "stderr=subprocess.DEVNULL, timeout=2)",
            f"subprocess.run({_CLIP.format('i')}, input={bytes_literal(data)}, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL, timeout=5, check=True)",
            "pyautogui.hotkey('ctrl', 'v', interval=0.02)",
            f"time.sleep({self.paste_settle_s!r})",
            f"subprocess.run({_CLIP.format('i')}, input=_clipboard.stdout, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL, timeout=5)",
        ])
