"""The bounded values inside a reply, as regular expressions: coordinates within the model's
coordinate space, and the numbers, key names and enumerations agent/models/parsers reads,
each bounded as parsers/bounds.py bounds it."""

from __future__ import annotations

from drivers.keys import CANONICAL

from ..parsers.bounds import MAX_NOTCHES, MAX_PRESS_MS, MAX_WAIT_S, NOTCH_PIXELS
from .ranges import int_range
from .text import alt, lit

KEY_NAMES = tuple(sorted(CANONICAL))
"""Multi-letter key names a grammar offers: the canonical ones (drivers/keys.py)."""
KEY_CHARS = "[a-z0-9]|[-=;,./`\\[\\]]"
"""Single-character keys a grammar offers (lowercase, as the prompts ask; none needs escaping)."""
PHONE_KEYS = ("back", "home", "menu", "enter", "power", "volume_up", "volume_down", "app_switch", "recents")
"""adb key events the mobile_use `key` action may name that the parser maps to phone buttons."""
DIRECTIONS = ("down", "up", "right", "left")


def choice(options) -> str:
    """One of `options`, literally."""
    return alt(*(lit(o) for o in options))


def key_name() -> str:
    """One key: a canonical name or a single character."""
    return alt(choice(KEY_NAMES), KEY_CHARS)


def scroll_pixels() -> str:
    """A non-zero scroll amount that comes to at most MAX_NOTCHES notches (bounds.notches)."""
    return "-?" + int_range(1, MAX_NOTCHES * NOTCH_PIXELS)


def wait_seconds() -> str:
    """0..MAX_WAIT_S seconds: an integer, or one decimal place below the maximum."""
    top = int(MAX_WAIT_S)
    return alt(int_range(0, top), int_range(0, top - 1) + "\\.[0-9]")


def press_seconds() -> str:
    """A long press of 0.1..MAX_PRESS_MS/1000 seconds: an integer, or one decimal place."""
    top = MAX_PRESS_MS // 1000
    return alt(int_range(1, top), "0\\.[1-9]", int_range(1, top - 1) + "\\.[0-9]")


class Space:
    """The model's coordinate space: x in 0..width, y in 0..height, edges included
    (agent.models.coords.Mapper.limit)."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.x, self.y = int_range(0, width), int_range(0, height)

    def pair(self, opening: str, separator: str, closing: str) -> str:
        """`opening` x `separator` y `closing`, the literals escaped."""
        return lit(opening) + self.x + lit(separator) + self.y + lit(closing)
