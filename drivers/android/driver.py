"""The Android driver: a phone over ADB (adbutils), screenshots by raw framebuffer.

Coordinates of every action are pixels of the last screenshot, origin top-left, upright
in the display's current orientation (see drivers.android.screen for the convention).
Nothing of an action's fields is ever run as shell syntax: every argument is quoted
(drivers.android.text.q), non-ASCII text travels base64-encoded, and app names are only
matched against package names the phone printed.
"""

from __future__ import annotations

import time

from PIL.Image import Image

from ..actions import (Action, Answer, Button, CallUser, Click, Done, Drag, Key, LongPress, Move,
                       OpenApp, Scroll, Swipe, Type, Wait)
from ..base import ActionRefused, DriverError, check_point
from . import apps
from . import gestures as gest
from .adb import AdbLink, ShellResult
from .keys import BUTTONS, CHARS, KEYCOMBINATION_SDK, NAMED, keycodes
from .screen import FrameError, Geometry, parse_png, parse_raw, parse_rotation, parse_wm_size, \
    to_input, upright
from .text import (ADB_KEYBOARD, ADB_KEYBOARD_HINT, ime_broadcast_command,
                   input_text_commands, is_input_text_safe, q)


class AndroidDriver:
    """A phone reached through the ADB server at ANDROID_ADB_SERVER_HOST:PORT (127.0.0.1:5037).

    serial: the device to drive (else ANDROID_SERIAL, else the only one connected).
    reconnect_attempts: how often a lost device is looked for again before DriverError
    ends the episode; reconnect_backoff_s: the first wait, seconds, doubled each attempt
    (3 attempts at 0.25 s give up after about 1.75 s).
    """

    name = "android"
    rotation_ttl_s = 1.0
    """Screenshots re-read the display rotation at most this often, seconds (and at once
    whenever the frame size changes)."""
    ime_settle_s = 0.4
    """Pause after switching to ADBKeyboard before sending it text, seconds."""
    raw_screenshots = True
    """Read the raw framebuffer (10 MB at 1080x2400, no encoding on the phone); False asks for
    PNG, which moves ~50x fewer bytes: better over slow wireless ADB links."""

    def __init__(self, serial: str | None = None, *, reconnect_attempts: int = 3,
                 reconnect_backoff_s: float = 0.25):
        self._link = AdbLink(serial, reconnect_attempts=reconnect_attempts, backoff_s=reconnect_backoff_s)
        self.serial = self._link.serial
        self.sdk = _int(self.shell("getprop ro.build.version.sdk").out, 0)
        self._raw_ok = True  # until this phone sends a raw frame we cannot read
        self._geometry = self._read_geometry()
        self._rotation_read_at = time.monotonic()
        self._shot_size: tuple[int, int] | None = None  # upright, as returned
        self._frame_size: tuple[int, int] | None = None  # as the phone sent it
        self._ime_installed = False
        self._user_ime: str | None = None  # the input method to give back after ADBKeyboard

    # --- the Driver protocol -------------------------------------------------------------

    @property
    def device(self):
        """The adbutils AdbDevice, for task steps and checks."""
        return self._link.device

    @property
    def screen_size(self) -> tuple[int, int]:
        """(width, height) of the last screenshot, pixels (one is taken if there is none yet,
        since under a `wm size` override frames and the input space differ in size)."""
        if self._shot_size is None:
            self.screenshot()
        return self._shot_size

    def screenshot(self) -> Image:
        """The screen now, upright, an RGB image; raw framebuffer first, PNG as a fallback."""
        last: FrameError | None = None
        for _ in range(self._link.reconnect_attempts + 1):
            try:
                frame = self._capture()
                break
            except FrameError as exc:  # cut short: the link broke mid-frame; check it, then retry
                self.shell("true")
                last = exc
        else:
            raise DriverError(f"no readable screenshot from {self.serial!r}: {last}")
        if time.monotonic() - self._rotation_read_at >= self.rotation_ttl_s or (
                self._frame_size and frame.size != self._frame_size):
            self._geometry = self._read_geometry()
            self._rotation_read_at = time.monotonic()
        self._frame_size = frame.size
        image = upright(frame, self._geometry)
        self._shot_size = image.size
        return image

    def execute(self, action: Action) -> None:
        """Carry out one canonical action; ActionRefused for what a phone cannot do."""
        match action:
            case Click(x=None):
                raise ActionRefused("a phone has no pointer: give the click an x and y")
            case Click(button="middle"):
                raise ActionRefused("a phone has no middle button; use click or long_press")
            case Click(button="right", count=1, x=x, y=y):
                self._run(gest.long_press(*self._point(x, y), gest.RIGHT_CLICK_MS))
            case Click(button="right"):
                raise ActionRefused("a phone cannot double right-click; use long_press")
            case Click(x=x, y=y, count=count):
                tap = gest.tap(*self._point(x, y))
                self._run(" && ".join([tap] * count))  # one shell call keeps the taps close together
            case LongPress(x=x, y=y, duration_ms=ms):
                self._run(gest.long_press(*self._point(x, y), ms))
            case Swipe(x=x, y=y, to_x=tx, to_y=ty, duration_ms=ms):
                self._run(gest.swipe(*self._point(x, y), *self._point(tx, ty), ms))
            case Drag(x=None):
                raise ActionRefused("a phone has no pointer to drag from: give the drag a start x and y")
            case Drag(x=x, y=y, to_x=tx, to_y=ty):
                self._run(gest.swipe(*self._point(x, y), *self._point(tx, ty), gest.DRAG_MS))
            case Scroll(x=x, y=y, direction=direction, amount=amount):
                self._scroll(x, y, direction, amount)
            case Type(text=text):
                self.type_text(text)
            case Key(keys=keys):
                self._key(keys)
            case Button(name=name):
                self._run("input keyevent " + BUTTONS[name])
            case OpenApp(name=name):
                self.launch(name)
            case Wait(seconds=seconds):
                time.sleep(seconds)
            case Move():
                raise ActionRefused("a phone has no pointer to move; use click, swipe or long_press")
            case Answer() | Done() | CallUser():
                pass  # the loop's business; nothing happens on the phone
            case _:
                raise ActionRefused(f"the android driver cannot do {action.type!r}")

    def pointer(self) -> None:
        """A phone has no pointer: actions must say where they touch."""
        return None

    def close(self) -> None:
        self._link.close()

    def __enter__(self) -> "AndroidDriver":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- for task steps and checks ---------------------------------------------------------

    def shell(self, cmd: str, *, timeout: float | None = None) -> ShellResult:
        """Run `cmd` in the phone's sh (callers quote arguments); reconnects, DriverError when lost."""
        return self._link.shell(cmd, timeout=timeout)

    def launch(self, name: str) -> str:
        """Open an app by name, package or component; returns the package. ActionRefused if none."""
        packages = apps.parse_packages(self.shell("pm list packages").out)
        launchables = apps.parse_launchables(self.shell(apps.LAUNCHER_QUERY).out)
        try:
            package, component = apps.resolve(name, packages, launchables)
        except LookupError as exc:
            raise ActionRefused(str(exc)) from None
        if component:
            r = self.shell("am start -W -a android.intent.action.MAIN -c android.intent.category.LAUNCHER "
                           "-n " + q(component))
            if r.rc == 0 and "Error" not in r.out + r.err:
                return package
        r = self.shell(f"monkey -p {q(package)} -c android.intent.category.LAUNCHER 1")
        if "Events injected: 1" not in r.out:
            raise ActionRefused(f"could not start {package}: {(r.out + r.err).strip()[-200:]}")
        return package

    def foreground(self) -> tuple[str, str] | None:
        """(package, full activity class) of the app in front, or None."""
        found = apps.parse_foreground(self.shell("dumpsys activity activities").out)
        return found or apps.parse_foreground("", self.shell("dumpsys window").out)

    def type_text(self, text: str) -> None:
        """Type literal text: `input text` for ASCII, the ADBKeyboard IME for anything else."""
        if is_input_text_safe(text):
            self._run(" && ".join(input_text_commands(text)))
            return
        if not self._ime_installed:
            listed = self.shell("ime list -a -s").out.split()
            if ADB_KEYBOARD not in listed:
                raise ActionRefused(ADB_KEYBOARD_HINT)
            self._ime_installed = True
        current = self.shell("settings get secure default_input_method").out.strip()
        if current != ADB_KEYBOARD:
            # Remembered across calls: if a restore is lost with the device, the next one still
            # gives the user their own keyboard back.
            self._user_ime = current
            self.shell("ime enable " + q(ADB_KEYBOARD))
            r = self.shell("ime set " + q(ADB_KEYBOARD))
            if "selected" not in r.out:
                raise ActionRefused(f"could not switch to ADBKeyboard: {(r.out + r.err).strip()}")
            time.sleep(self.ime_settle_s)
        try:
            self._run(ime_broadcast_command(text))
        finally:
            if self._user_ime and self._user_ime not in (ADB_KEYBOARD, "null"):
                self.shell("ime set " + q(self._user_ime))

    # --- inside ------------------------------------------------------------------------------

    def _run(self, cmd: str) -> None:
        r = self.shell(cmd)
        if r.rc != 0:
            raise ActionRefused(f"the phone refused `{cmd[:80]}`: {(r.err or r.out).strip()[:200]}")

    def _point(self, x: int, y: int) -> tuple[int, int]:
        check_point(x, y, self.screen_size)
        return to_input(x, y, self.screen_size, self._geometry)

    def _scroll(self, x: int | None, y: int | None, direction: str, amount: int) -> None:
        w, h = self.screen_size
        px, py = (w // 2, h // 2) if x is None or y is None else (x, y)
        check_point(px, py, (w, h))
        x1, y1, x2, y2 = gest.scroll_swipe(px, py, direction, amount, (w, h))
        self._run(gest.swipe(*to_input(x1, y1, (w, h), self._geometry),
                             *to_input(x2, y2, (w, h), self._geometry), gest.SCROLL_MS))

    def _key(self, keys: list[str]) -> None:
        if len(keys) == 1:
            key = keys[0]
            if key in NAMED or key in CHARS:
                self._run("input keyevent " + (NAMED.get(key) or CHARS[key]))
            else:  # one printable character with no key of its own ('A', '!', 'é'): type it
                self.type_text(key)
            return
        codes = keycodes(keys)
        if codes is None:
            raise ActionRefused(f"no Android key for one of {keys}")
        if self.sdk >= KEYCOMBINATION_SDK:
            self._run("input keycombination " + " ".join(codes))
        elif len(keys) == 2 and "shift" in keys and any(len(k) == 1 and k.isalpha() for k in keys):
            self.type_text(next(k for k in keys if len(k) == 1).upper())
        else:
            raise ActionRefused(f"pressing {'+'.join(keys)} together needs Android 13 (API 33) or "
                                f"newer; this phone runs API {self.sdk}")

    def _capture(self):
        if self._raw_ok and self.raw_screenshots:
            data = self._link.exec_out("screencap")
            try:
                return parse_raw(data)
            except FrameError as exc:
                if exc.truncated:
                    raise
                self._raw_ok = False  # this phone's raw form is not one we read: PNG from now on
        return parse_png(self._link.exec_out("screencap -p"))

    def _read_geometry(self) -> Geometry:
        size = parse_wm_size(self.shell("wm size").out)
        if size is None:
            raise DriverError(f"`wm size` on {self.serial!r} printed no display size")
        rotation = parse_rotation(self.shell("dumpsys input").out)
        if rotation is None:
            rotation = parse_rotation(self.shell("dumpsys display").out) or 0
        return Geometry(size, rotation)


def _int(text: str, default: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return default
