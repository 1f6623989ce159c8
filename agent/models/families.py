"""The model families: how each sees the screen and which coordinates it writes.

Pure data, light to import. Prompt builders live in `agent.models.prompts`, parsers in
`agent.models.parsers`; both dispatch on `Family.name`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Coords = Literal["absolute", "rel1000", "rel999"]
"""absolute: pixels of the smart-resized image the model saw; rel1000 / rel999: 0..1000 or 0..999
of the image, whatever its size."""


@dataclass(frozen=True)
class Family:
    """What one model family needs to see a screenshot and to be understood."""

    name: str
    factor: int
    """Both sides of the image the model sees are multiples of this (patch size x merge size)."""
    min_pixels: int
    """Default smallest image area (pixels) after the smart resize."""
    max_pixels: int
    """Default largest image area (pixels) after the smart resize."""
    suggested_max_pixels: int
    """A smaller max_pixels the model card or reference agent suggests to save memory and tokens."""
    coords: Coords
    """The coordinate convention of the model's replies."""
    style: Literal["tool_call", "calls"]
    """tool_call: <tool_call>{json}</tool_call> replies; calls: `Action: click(...)` replies."""


F28, F32 = 28 * 28, 32 * 32

FAMILIES: dict[str, Family] = {
    f.name: f for f in (
        # Processor defaults (min 4*28*28, max 16384*28*28); the card suggests max 1280*28*28.
        Family("qwen2-vl", 28, 4 * F28, 16384 * F28, 1280 * F28, "rel1000", "calls"),
        Family("qwen2.5-vl", 28, 4 * F28, 16384 * F28, 1280 * F28, "absolute", "tool_call"),
        # Qwen3-VL: patch 16, merge 2; processor defaults 64*32*32 .. 16384*32*32.
        Family("qwen3-vl", 32, 64 * F32, 16384 * F32, 1280 * F32, "rel999", "tool_call"),
        # UI-TARS 1.0 (Qwen2-VL based): OSWorld's agent sends at most 1350*28*28.
        Family("ui-tars", 28, 100 * F28, 16384 * F28, 1350 * F28, "rel1000", "calls"),
        Family("ui-tars-1.5", 28, 100 * F28, 16384 * F28, 16384 * F28, "absolute", "calls"),
    )
}
FAMILY_NAMES = tuple(FAMILIES)


def get_family(name: str) -> Family:
    """The family called `name` (case-insensitive; 'qwen2_5_vl' and 'uitars' spellings accepted)."""
    key = name.strip().lower().replace("_", "-")
    key = {"qwen25-vl": "qwen2.5-vl", "qwen2-5-vl": "qwen2.5-vl", "uitars": "ui-tars",
           "uitars-1.5": "ui-tars-1.5", "ui-tars-1-5": "ui-tars-1.5"}.get(key, key)
    if key not in FAMILIES:
        raise ValueError(f"unknown model family {name!r}; choose one of: {', '.join(FAMILY_NAMES)}")
    return FAMILIES[key]
