"""Numbers a model wrote, checked before they become pixels, notches or seconds.

A reply is untrusted: `1e308`, a 400-digit integer, `NaN` or `-5` must become a FormatError the
model can act on, never an OverflowError from float() or a silently clamped action.
"""

from __future__ import annotations

from typing import Any

from agent.policy import FormatError

from .text import number_texts, shown

LIMIT = 1_000_000
"""The largest magnitude any number in a reply may have. Every real value is far below it: model
images are at most ~60,000 pixels on a side (16384 patches of 32 at a 200:1 aspect), waits are at
most 600 s, scrolls at most 10,000 pixels (100 notches). Checking it first keeps every later
conversion exact and finite; the field's own range is checked after it."""
_LONGEST = 32
"""A number written with more characters than this is over LIMIT (or silly): not converted."""
MAX_NOTCHES = 100
"""The most wheel notches one Scroll may move (drivers.actions.Scroll.amount)."""
NOTCH_PIXELS = 100
"""Pixels per wheel notch, for amounts written in pixels."""
MAX_WAIT_S = 600.0
"""The longest Wait (drivers.actions.Wait.seconds)."""
MAX_PRESS_MS = 60_000
"""The longest LongPress (drivers.actions.LongPress.duration_ms)."""


def number(value: Any, field: str) -> float:
    """`value` (an int, a float, or a number as text) as a finite float no larger than LIMIT;
    FormatError naming `field` and the value otherwise."""
    if isinstance(value, str):
        if len(value) > _LONGEST:
            raise FormatError(f"{field} {shown(value)} is too large (the limit is {LIMIT:,})")
        try:
            converted = float(value)
        except ValueError:
            raise FormatError(f"{field} {shown(value)} is not a number") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        # An int is compared as it is: float() of a huge one raises OverflowError.
        if isinstance(value, int) and abs(value) > LIMIT:
            raise FormatError(f"{field} {shown(value)} is too large (the limit is {LIMIT:,})")
        converted = float(value)
    else:
        raise FormatError(f"{field} {shown(value)} is not a number")
    if converted != converted or converted in (float("inf"), float("-inf")):
        raise FormatError(f"{field} {shown(value)} is not a finite number")
    if abs(converted) > LIMIT:
        raise FormatError(f"{field} {shown(value)} is too large (the limit is {LIMIT:,})")
    return converted


def scalar(value: Any, field: str) -> float | None:
    """One number a model wrote for `field`: 2, 2.5, "2" or "2 seconds" (the first number in a
    string). None when absent: None, "" or a string without a number."""
    if value is None:
        return None
    if isinstance(value, str):
        found = number_texts(value)
        return number(found[0], field) if found else None
    return number(value, field)


def notches(amount: float, field: str = "pixels") -> int:
    """Wheel notches of a non-zero scroll amount (sign ignored). Up to 25 is read as notches, more
    as pixels (100 a notch); a non-zero amount under one notch scrolls one. FormatError when it
    comes to more than MAX_NOTCHES: the action cannot scroll that far, and silently clamping
    would hide the model's mistake."""
    value = abs(amount)
    steps = max(1, round(value if value <= 25 else value / NOTCH_PIXELS))
    if steps > MAX_NOTCHES:
        raise FormatError(f"{field} {amount:g} is {steps} wheel notches; the most one scroll moves is "
                          f"{MAX_NOTCHES} ({MAX_NOTCHES * NOTCH_PIXELS} pixels)")
    return steps


def seconds(value: Any, default: float, field: str = "time") -> float:
    """A Wait's duration in seconds from what the model wrote (default when absent);
    FormatError outside 0..MAX_WAIT_S."""
    found = scalar(value, field)
    if found is None:
        return default
    if not 0 <= found <= MAX_WAIT_S:
        raise FormatError(f"{field} {found:g} is outside what a wait accepts (0..{MAX_WAIT_S:g} seconds)")
    return found


def press_ms(value: Any, default_ms: int = 1000, field: str = "time") -> int:
    """A LongPress duration in milliseconds from a time the model wrote in seconds (default when
    absent); FormatError unless it comes to 1..MAX_PRESS_MS ms."""
    found = scalar(value, field)
    if found is None:
        return default_ms
    ms = round(found * 1000)
    if not 1 <= ms <= MAX_PRESS_MS:
        raise FormatError(f"{field} {found:g} is outside what a long press accepts "
                          f"(0.001..{MAX_PRESS_MS / 1000:g} seconds)")
    return ms
