"""pyautogui on a chosen X display, several displays in one process.

pyautogui binds the display named by $DISPLAY when its X11 backend (`pyautogui._pyautogui_x11`)
is first imported, once per process. XInput runs that backend module again for its own display
(its own X connection and keyboard map) and points pyautogui at it for the length of each use,
under one process-wide lock, so drivers of different displays can live side by side (a
Gymnasium vector of environments, the API checker's second environment, tests).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import threading
from types import ModuleType

from ..base import require

_LOCK = threading.RLock()
_BACKENDS: dict[str, list] = {}
"""display -> [its X11 backend module, number of XInputs using it]."""
_FIRST: dict[str, ModuleType] = {}
"""The display pyautogui's own import bound -> that backend, until no XInput uses it."""


def _pyautogui(display: str) -> ModuleType:
    """pyautogui, imported (bound to `display` if this is the first import) and set up."""
    import sys

    with _LOCK:
        if "pyautogui" in sys.modules:
            return sys.modules["pyautogui"]
        saved = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = display
        try:
            # python-xlib prints an Xauthority warning on stdout, which would corrupt our output.
            with contextlib.redirect_stdout(io.StringIO()):
                gui = require("pyautogui", "desktop")
        finally:  # the process's own DISPLAY is not ours to change
            _restore("DISPLAY", saved)
        gui.FAILSAFE = False  # a pointer in a corner must never abort a run
        gui.PAUSE = 0  # we wait for the screen to settle instead of sleeping after each call
        gui.MINIMUM_DURATION = 0
        _FIRST[display] = gui.platformModule
        return gui


def _backend(display: str) -> ModuleType:
    """A fresh run of pyautogui's X11 backend module, bound to `display`."""
    spec = importlib.util.find_spec("pyautogui._pyautogui_x11")
    module = importlib.util.module_from_spec(spec)
    saved = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(module)
    finally:
        _restore("DISPLAY", saved)
    return module


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


class XInput:
    """`with xinput as gui:` gives pyautogui acting on this display."""

    def __init__(self, display: str):
        self.display = display
        self._gui = _pyautogui(display)
        with _LOCK:
            entry = _BACKENDS.get(display)
            if entry is None:
                entry = _BACKENDS[display] = [_FIRST.get(display) or _backend(display), 0]
            entry[1] += 1
        self.x11: ModuleType | None = entry[0]
        """The backend module: its `keyboardMapping` and `_display` describe this display."""
        self._saved: list[ModuleType] = []

    def __enter__(self) -> ModuleType:
        if self.x11 is None:
            raise RuntimeError(f"the input of display {self.display} is closed")
        _LOCK.acquire()
        self._saved.append(self._gui.platformModule)
        self._gui.platformModule = self.x11
        return self._gui

    def __exit__(self, *exc) -> None:
        self._gui.platformModule = self._saved.pop()
        _LOCK.release()

    def close(self) -> None:
        """Close this display's X connection once no XInput uses it: a later display may get
        the same name (Xvfb reuses free numbers) and must get a connection of its own."""
        with _LOCK:
            if self.x11 is None:
                return
            entry = _BACKENDS[self.display]
            entry[1] -= 1
            if entry[1] <= 0:
                del _BACKENDS[self.display]
                _FIRST.pop(self.display, None)
                with contextlib.suppress(Exception):  # the display may be gone already
                    entry[0]._display.close()
            self.x11 = None
