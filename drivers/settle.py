"""Wait until the screen stops changing, instead of sleeping a fixed time after each action."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from PIL.Image import Image


class SettleConfig(BaseModel):
    """How the loop decides the screen has settled after an action."""

    model_config = ConfigDict(extra="forbid")

    quiet_s: float = Field(0.25, ge=0)
    """The screen must stay unchanged this long to count as settled."""
    timeout_s: float = Field(5.0, ge=0)
    """Give up waiting after this long (an animation, a video) and go on."""
    poll_s: float = Field(0.04, ge=0)
    """Pause between two captures while waiting."""
    noise_px: int = Field(64, ge=0)
    """Changes of at most this many pixels (a blinking caret) do not count as change."""


@dataclass
class Settled:
    frame: "Image"
    """The last capture: the settled screen, used as the next observation."""
    ms: float
    """Milliseconds spent waiting."""
    changed: bool
    """Whether the settled screen differs from the one before the action."""
    timed_out: bool


def changed_pixels(a: "Image", b: "Image") -> int:
    """How many pixels differ between two images of one size (all pixels if sizes differ)."""
    import numpy as np

    if a.size != b.size:
        return a.size[0] * a.size[1]
    # View each RGB pixel as 3 bytes and compare whole rows at numpy speed.
    x = np.frombuffer(a.tobytes(), dtype=np.uint8).reshape(-1, 3)
    y = np.frombuffer(b.tobytes(), dtype=np.uint8).reshape(-1, 3)
    return int(np.count_nonzero((x != y).any(axis=1)))


def settle(grab: Callable[[], "Image"], before: "Image | None", cfg: SettleConfig | None = None,
           on_quiet: Callable[["Image"], None] | None = None) -> Settled:
    """Capture until `cfg.quiet_s` passes with no change beyond `cfg.noise_px`, or the timeout.

    `before` is the screen before the action; it decides `changed`. The settled frame is the
    first capture of the quiet time (later ones differ from it by noise at most), and
    `on_quiet(frame)` is told about it as soon as one more capture agrees with it: work on
    the frame the caller is about to get can start while the quiet time is still confirmed.
    """
    cfg = cfg or SettleConfig()
    start = time.monotonic()
    frame = grab()
    last_change, told = start, False
    while True:
        now = time.monotonic()
        if now - last_change >= cfg.quiet_s:
            timed_out = False
            break
        if now - start >= cfg.timeout_s:
            timed_out = True
            break
        time.sleep(cfg.poll_s)
        nxt = grab()
        if changed_pixels(frame, nxt) > cfg.noise_px:
            last_change, frame, told = time.monotonic(), nxt, False
        elif not told and on_quiet is not None:
            on_quiet(frame)
            told = True
    changed = before is None or changed_pixels(before, frame) > cfg.noise_px
    return Settled(frame=frame, ms=(time.monotonic() - start) * 1000, changed=changed, timed_out=timed_out)
