"""The X desktop: mss for screenshots, pyautogui (XTEST) for input.

Coordinates come in screenshot pixels; the input space is measured (root window size
versus screenshot size), so a HiDPI or scaled setup maps exactly instead of by assumption.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from ..actions import (Answer, Button, CallUser, Click, Done, Drag, Key, LongPress, Move, OpenApp, Scroll,
                       Swipe, Type, Wait)
from ..base import ActionRefused, DriverError, check_point, require
from ..keys import PYAUTOGUI_NAMES
from .apps import launch_app
from .xinput import XInput

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..actions import Action

_PASTE_SETTLE_S = 0.15  # time for the app to fetch the clipboard before it is restored


def _ensure_xauthority(env: dict[str, str]) -> None:
    # python-xlib refuses to connect without a readable Xauthority file, even to an open Xvfb.
    # /dev/null is one that always exists and holds no cookie; a temporary file would be left
    # behind when this process is killed with SIGKILL.
    path = env.get("XAUTHORITY") or os.path.expanduser("~/.Xauthority")
    if not os.path.exists(path):
        path = os.devnull
    os.environ["XAUTHORITY"] = env["XAUTHORITY"] = path


def _mistyped_characters(gui, x11) -> frozenset[str]:
    """ASCII characters pyautogui would type wrongly with this display's keymap.

    pyautogui decides on shift from a US layout table, not from the keymap: on Xvfb's
    default map it types '<' as '>'. Measured here, so such text is pasted instead.
    """
    import string

    from Xlib import XK

    wrong = set()
    for char in string.printable.strip() + " ":
        keycode = x11.keyboardMapping.get(char)
        shift = gui.isShiftCharacter(char)
        keysym = x11._display.keycode_to_keysym(keycode, 1 if shift else 0) if keycode else 0
        if keysym == 0 and shift and keycode:  # no shifted symbol: X falls back to the plain one
            keysym = x11._display.keycode_to_keysym(keycode, 0)
        if keysym == 0 or XK.keysym_to_string(keysym) != char:
            wrong.add(char)
    return frozenset(wrong)


def _reuse_image_memory() -> None:
    # Pillow returns each image's memory to the OS and page-faults fresh memory for the next:
    # ~10 ms per 1920x1080 capture. Keeping a few blocks (16 MiB at most each) for reuse
    # brings a capture to ~2.5 ms.
    from PIL import Image

    if Image.core.get_blocks_max() < 8:
        Image.core.set_blocks_max(8)


class DesktopDriver:
    """A Driver for an X display (`display` like ':0', else $DISPLAY)."""

    name = "desktop"

    def __init__(self, display: str | None = None):
        display = display or os.environ.get("DISPLAY")
        if not display:
            raise DriverError("no X display: pass --display :N or set DISPLAY")
        self.display = display
        self.env = {**os.environ, "DISPLAY": display, "XDG_SESSION_TYPE": "x11"}
        _ensure_xauthority(self.env)
        mss = require("mss", "desktop")
        try:
            factory = getattr(mss, "MSS", None) or mss.mss  # mss 10 renamed the class
            self._mss = factory(display=display)
            monitor = self._mss.monitors[0]
        except Exception as exc:  # mss raises its own ScreenShotError on a bad display
            raise DriverError(f"cannot open X display {display}: {exc}") from None
        self._monitor = dict(monitor)
        self._size = (monitor["width"], monitor["height"])
        try:
            self._input = XInput(display)
        except Exception as exc:  # python-xlib's own errors on a display that refuses us
            self._mss.close()
            raise DriverError(f"cannot open X display {display} for input: {exc}") from None
        with self._input as gui:
            self._gui = gui
            self._mistyped = _mistyped_characters(gui, self._input.x11)
            in_w, in_h = gui.size()
        _reuse_image_memory()
        # Pixels per input point on each axis; 1.0 except on scaled (HiDPI) setups.
        self.scale = (self._size[0] / in_w, self._size[1] / in_h)

    @property
    def screen_size(self) -> tuple[int, int]:
        return self._size

    def screenshot(self) -> "Image":
        from PIL import Image

        try:
            shot = self._mss.grab(self._monitor)
        except Exception as exc:
            raise DriverError(f"screen capture failed on {self.display}: {exc}") from None
        # `raw` is the BGRX buffer itself; `bgra` would first copy it (~10 ms at 1920x1080).
        return Image.frombuffer("RGB", shot.size, shot.raw, "raw", "BGRX", 0, 1)

    def _point(self, x: int, y: int) -> tuple[float, float]:
        check_point(x, y, self._size)
        return x / self.scale[0], y / self.scale[1]

    def pointer(self) -> tuple[int, int]:
        """Where the pointer is now, in screenshot pixels (clamped to the screen)."""
        with self._input as gui:
            px, py = gui.position()
        w, h = self._size
        return (min(max(int(round(px * self.scale[0])), 0), w - 1),
                min(max(int(round(py * self.scale[1])), 0), h - 1))

    def _press_path(self, x, y, to_x, to_y, duration_s: float, hold_s: float = 0.0) -> None:
        gui = self._gui
        if x is None:  # a drag from wherever the pointer is (Qwen's left_click_drag convention)
            x, y = self.pointer()
        sx, sy = self._point(x, y)
        ex, ey = self._point(to_x, to_y)
        gui.moveTo(sx, sy)
        gui.mouseDown()
        if hold_s:
            time.sleep(hold_s)
        # Intermediate motion events: many toolkits only start a drag after seeing movement.
        steps = max(2, int(duration_s / 0.02))
        for i in range(1, steps + 1):
            gui.moveTo(sx + (ex - sx) * i / steps, sy + (ey - sy) * i / steps)
            time.sleep(duration_s / steps)
        gui.mouseUp()

    def execute(self, action: "Action") -> None:
        from Xlib import error as xerror  # installed with pyautogui

        try:
            if isinstance(action, Wait):  # no input: other displays' drivers may act meanwhile
                time.sleep(action.seconds)
                return
            with self._input:
                self._execute(action)
        except (xerror.ConnectionClosedError, xerror.DisplayError, ConnectionError) as exc:
            raise DriverError(f"lost X display {self.display}: {exc}") from None

    def _execute(self, action: "Action") -> None:
        gui = self._gui
        match action:
            case Click(x=None):
                gui.click(button=action.button, clicks=action.count, interval=0.05 if action.count > 1 else 0)
            case Click():
                px, py = self._point(action.x, action.y)
                gui.click(px, py, button=action.button, clicks=action.count,
                          interval=0.05 if action.count > 1 else 0)
            case Move():
                gui.moveTo(*self._point(action.x, action.y))
            case Drag():
                self._press_path(action.x, action.y, action.to_x, action.to_y, 0.3)
            case Swipe():
                self._press_path(action.x, action.y, action.to_x, action.to_y, action.duration_ms / 1000)
            case LongPress():
                self._press_path(action.x, action.y, action.x, action.y, 0.04, action.duration_ms / 1000)
            case Scroll():
                self._scroll(action)
            case Type():
                self._type(action.text)
            case Key():
                names = [PYAUTOGUI_NAMES.get(k, k) for k in action.keys]
                gui.hotkey(*names, interval=0.02)
            case Button(name="enter"):
                gui.press("enter")
            case Button():
                raise ActionRefused(f"a desktop has no '{action.name}' button; use a key action instead")
            case OpenApp():
                launch_app(action.name, self.env)
            case Wait():
                time.sleep(action.seconds)
            case Answer() | Done() | CallUser():
                pass  # the loop acts on these; nothing happens on the screen
            case _:
                raise ActionRefused(f"the desktop cannot do '{action.type}'")

    def _scroll(self, action: Scroll) -> None:
        if action.x is None:
            x, y = self._size[0] // 2, self._size[1] // 2
        else:
            x, y = action.x, action.y
        px, py = self._point(x, y)
        self._gui.moveTo(px, py)
        match action.direction:
            case "up":
                self._gui.scroll(action.amount)
            case "down":
                self._gui.scroll(-action.amount)
            case "right":
                self._gui.hscroll(action.amount)
            case "left":
                self._gui.hscroll(-action.amount)

    def _type(self, text: str) -> None:
        """ASCII is typed key by key; any other text is pasted, and the clipboard restored."""
        if text.isascii() and all((c.isprintable() and c not in self._mistyped) or c in "\n\t" for c in text):
            self._gui.write(text)
            return
        from . import clipboard

        saved = clipboard.get_text(self.env)
        clipboard.set_text(text, self.env)
        self._gui.hotkey("ctrl", "v", interval=0.02)
        time.sleep(_PASTE_SETTLE_S)
        if saved is not None:
            clipboard.set_text(saved, self.env)

    def close(self) -> None:
        try:
            self._mss.close()
        except Exception:
            pass
        self._input.close()

    def __enter__(self) -> "DesktopDriver":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
