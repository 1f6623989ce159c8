"""A phone over ADB: the Android driver and the pieces it is built from.

    driver.py    AndroidDriver: screenshots, actions, reconnects
    adb.py       the link to one phone through an ADB server (adbutils, imported when used)
    screen.py    framebuffer and PNG screenshots, rotation, screenshot <-> input pixels
    text.py      typing text that is never read as shell syntax; shell quoting (q)
    keys.py      canonical key and button names as Android keycodes
    apps.py      finding an app by name; the app in front
    gestures.py  touch gestures as `input` commands

`from drivers.android import AndroidDriver` loads the driver (numpy, PIL) on first use only,
so task steps that need just `drivers.android.text` stay as light as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .driver import AndroidDriver

__all__ = ["AndroidDriver"]


def __getattr__(name: str):
    if name == "AndroidDriver":
        from .driver import AndroidDriver

        return AndroidDriver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
