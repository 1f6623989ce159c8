"""Touch gestures as `input` commands, all coordinates in `input` pixels of the current
orientation (see drivers.android.screen for how screenshot pixels map to them)."""

from __future__ import annotations

DRAG_MS = 1500
"""A drag is a slow swipe: slow enough that lists do not fling, in milliseconds."""
RIGHT_CLICK_MS = 1000
"""A right click becomes a long press of this many milliseconds (a phone's context menu)."""
SCROLL_MS = 400
"""Duration of a scroll swipe, milliseconds: slow enough to move the view by about its length."""
NOTCH_FRACTION = 0.1
"""One wheel notch of scroll is a finger travel of this fraction of the screen's extent."""
MAX_SCROLL_FRACTION = 0.8
"""A scroll swipe never travels more than this fraction of the screen's extent."""


def tap(x: int, y: int) -> str:
    return f"input tap {int(x)} {int(y)}"


def swipe(x: int, y: int, to_x: int, to_y: int, duration_ms: int) -> str:
    return f"input swipe {int(x)} {int(y)} {int(to_x)} {int(to_y)} {int(duration_ms)}"


def long_press(x: int, y: int, duration_ms: int) -> str:
    # A swipe that does not move is a press held for duration_ms on every Android version.
    return swipe(x, y, x, y, duration_ms)


def scroll_swipe(x: int, y: int, direction: str, amount: int,
                 size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x1, y1, x2, y2) of the swipe that scrolls the view toward `direction`.

    'down' reveals what is below, so the finger moves up; the swipe is centred on (x, y)
    and kept inside the screen of `size` (width, height) pixels.
    """
    w, h = size
    vertical = direction in ("up", "down")
    extent = h if vertical else w
    travel = round(extent * min(MAX_SCROLL_FRACTION, NOTCH_FRACTION * amount))
    centre = y if vertical else x
    lo, hi = 1, extent - 2
    start = min(hi, max(lo, centre + travel // 2))
    end = max(lo, min(hi, start - travel))
    if end - start > -travel:  # clamped at the top: slide the swipe down to keep its length
        start = min(hi, end + travel)
    if direction in ("up", "left"):  # the finger moves the other way
        start, end = end, start
    return (x, start, x, end) if vertical else (start, y, end, y)
