"""The one resize: a screenshot becomes the image the model sees, and we remember both sizes.

The size comes from transformers' own `smart_resize` (the function the Qwen processors run),
so our image is exactly what the processor would have made, and the processor is then told
not to resize again. Coordinates the model writes refer to this image; `Frame` maps back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .families import Family

if TYPE_CHECKING:
    from PIL.Image import Image


@lru_cache(maxsize=1)
def _transformers_smart_resize():
    # The PIL image processor module: importable without torchvision (the torchvision
    # variant's module imports it at import time) and even without torch, so the openai
    # backend needs only transformers. Same function, "Copied from" upstream.
    from drivers.base import require

    module = require("transformers.models.qwen2_vl.image_processing_pil_qwen2_vl", "openai")
    return module.smart_resize


def model_size(width: int, height: int, family: Family, min_pixels: int | None = None,
               max_pixels: int | None = None) -> tuple[int, int]:
    """(width, height) in pixels of the image the model sees for a `width` x `height` screenshot.

    min/max pixels default to the family's. Raises ValueError for an aspect ratio over 200.
    """
    smart_resize = _transformers_smart_resize()
    h, w = smart_resize(height, width, factor=family.factor,
                        min_pixels=family.min_pixels if min_pixels is None else min_pixels,
                        max_pixels=family.max_pixels if max_pixels is None else max_pixels)
    return int(w), int(h)


@dataclass(frozen=True)
class Frame:
    """The two pixel spaces of one step: the screenshot's and the image the model saw."""

    screen: tuple[int, int]
    """(width, height) of the screenshot, the space of canonical actions."""
    model: tuple[int, int] | None
    """(width, height) of the image the model saw; None when not needed (relative coordinates)."""


def fit(screenshot: "Image", family: Family, min_pixels: int | None = None,
        max_pixels: int | None = None) -> tuple["Image", Frame]:
    """Resize `screenshot` once to the family's model size; return the RGB image and its Frame."""
    from PIL import Image as PILImage

    image = screenshot if screenshot.mode == "RGB" else screenshot.convert("RGB")
    size = model_size(image.width, image.height, family, min_pixels, max_pixels)
    if size != image.size:
        # Bicubic, as the Qwen image processors resample.
        image = image.resize(size, PILImage.Resampling.BICUBIC)
    return image, Frame(screen=screenshot.size, model=size)


def frame_for(screen: tuple[int, int], family: Family, min_pixels: int | None = None,
              max_pixels: int | None = None) -> Frame:
    """The Frame of a screen of `screen` pixels, without an image (for `gui-agent parse`).

    The model size is computed only for families writing absolute pixels, so parsing a
    relative-coordinate reply does not import transformers.
    """
    if family.coords != "absolute":
        return Frame(screen=screen, model=None)
    return Frame(screen=screen, model=model_size(screen[0], screen[1], family, min_pixels, max_pixels))
