"""Presentation metrics beyond comparing two decks: a picture stretched to fill its slide,
the colour of the master's page numbers."""

from __future__ import annotations

import zipfile
from typing import Any
from xml.etree import ElementTree

from drivers.base import require

from .slides import _A, _PICTURE  # a:-namespace prefix; MSO_SHAPE_TYPE.PICTURE

_SLACK_EMU = 457200
"""Half an inch in EMU: how far from filling and centring a picture may be."""


def check_image_stretch_and_center(result: str | None, expected: str | None, **_: Any) -> float:
    """1 when the first picture of the original deck's (`expected`) first slide is, in the
    result's first slide, as wide and high as the slide and centred on it (each within half
    an inch); the picture is found by its bytes."""
    if not result or not expected:
        return 0.0
    pptx = require("pptx", "osworld")
    original, modified = pptx.Presentation(expected), pptx.Presentation(result)
    pictures = [s for s in original.slides[0].shapes if s.shape_type == _PICTURE]
    if not pictures:
        return 0.0
    blob = pictures[0].image.blob
    found = [s for s in modified.slides[0].shapes if s.shape_type == _PICTURE and s.image.blob == blob]
    if not found:
        return 0.0
    shape = found[-1]  # OSWorld keeps the last match
    width, height = original.slide_width, original.slide_height
    fits = (abs(shape.width - width) <= _SLACK_EMU and abs(shape.height - height) <= _SLACK_EMU
            and abs(shape.left - (width - shape.width) / 2) <= _SLACK_EMU
            and abs(shape.top - (height - shape.height) / 2) <= _SLACK_EMU)
    return float(fits)


def _channels(hex_rgb: str) -> tuple[int, int, int]:
    # OSWorld reads the channels from the second character on, as if the value began with '#'
    # (OOXML writes 'FF0000'); read the same way so that the same deck scores the same.
    return int(hex_rgb[1:3], 16), int(hex_rgb[3:5], 16), int(hex_rgb[5:7], 16)


_COLOURS = {
    "red": lambda r, g, b: r > g + 50 and r > b + 50,
    "green": lambda r, g, b: g > r + 50 and g > b + 50,
    "blue": lambda r, g, b: b > g + 50 and b > r + 50,
    "black": lambda r, g, b: r < 50 and g < 50 and b < 50,
}


def check_page_number_colors(result: str | None, rules: dict, **_: Any) -> float:
    """1 when the page-number colour of the first slide master is clearly rules['color']
    (red, green, blue: that channel 50 above the others; black: all channels under 50).
    Like OSWorld, the colour read is the second-to-last solid RGB fill of the master, where
    LibreOffice writes the slide-number field's colour; a colour name it does not know passes."""
    if result is None:
        return 0.0
    with zipfile.ZipFile(result) as z:
        root = ElementTree.fromstring(z.read("ppt/slideMasters/slideMaster1.xml"))
    fills = [c for fill in root.iter(f"{_A}solidFill") for c in fill.iter(f"{_A}srgbClr")]
    value = fills[-2].get("val") if len(fills) >= 2 else None
    if not value:
        return 0.0
    test = _COLOURS.get(rules["color"])
    return 1.0 if test is None or test(*_channels(value)) else 0.0
