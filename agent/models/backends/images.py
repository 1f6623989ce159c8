"""Model-ready images as they travel to a server: encoded once each, as PNG or JPEG data URLs.

The openai backend re-sends the last few screenshots at every step (the history window), so
`image_url` keeps each image's data URL for as long as the image object lives, keyed by its
identity (never by hashing megapixels): in an episode every image is encoded once. An image
must therefore not be changed in place after it has been sent; ours never are (the policy's
model-ready images are fresh objects, made by agent/models/resize.fit).

Formats (OpenAIOptions.image_format), measured on 1920x1080 desktop screenshots resized to the
suggested 1316x728 (docs/benchmarks.md):

- png (default): lossless, the exact pixels. libvips (pyvips) writes it at zlib level 1 without
  row filters, 4-5x faster than Pillow's PNG (5-8 ms instead of 17-32 ms) and ~35% larger;
  Pillow's PNG (level 1) where pyvips is missing.
- jpeg: Pillow's libjpeg-turbo at `quality` with full-resolution chroma (4:4:4): 3-5 ms.
  At quality 90 the worst pixel is 30-47 levels off (PSNR 41-47 dB); Pillow's default 4:2:0
  chroma put it 100+ levels off on coloured text for 1 ms less, so it is not used.
"""

from __future__ import annotations

import base64
import io
import threading
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

CAPACITY = 64
"""Most data URLs kept at once (the history window is at most 50 images)."""


def encode(image: "Image", fmt: str = "png", quality: int = 90) -> bytes:
    """The bytes of `image` as a PNG (lossless) or a JPEG file, exactly as sized."""
    if fmt == "jpeg":
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=quality, subsampling=0)
        return buffer.getvalue()
    if fmt != "png":
        raise ValueError(f"unknown image format {fmt!r}: png or jpeg")
    from ..resample import load_pyvips

    pyvips = load_pyvips()
    bands = {"L": 1, "RGB": 3, "RGBA": 4}.get(image.mode)
    if pyvips is not None and bands:
        vimage = pyvips.Image.new_from_memory(image.tobytes(), image.width, image.height, bands, "uchar")
        try:  # keep="none": no EXIF or resolution chunks (libvips 8.15+)
            return vimage.pngsave_buffer(compression=1, filter="none", keep="none")
        except pyvips.Error:
            return vimage.pngsave_buffer(compression=1, filter="none")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def data_url(image: "Image", fmt: str = "png", quality: int = 90) -> str:
    """A data URL of a PIL image, exactly as sized (never resized here); encoded every call."""
    return f"data:image/{fmt};base64," + base64.b64encode(encode(image, fmt, quality)).decode("ascii")


class EncodedImages:
    """Data URLs by image identity: each live image object is encoded once per format."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self.encodes = 0
        """How many times an image was really encoded (the rest were answered from here)."""
        self._urls: OrderedDict[tuple, tuple[weakref.ref, str]] = OrderedDict()
        self._lock = threading.RLock()  # a callback may run while a step holds it

    def __len__(self) -> int:
        return len(self._urls)

    def url(self, image: "Image", fmt: str = "png", quality: int = 90) -> str:
        key = (id(image), fmt, quality if fmt == "jpeg" else None)
        with self._lock:
            entry = self._urls.get(key)
            if entry is not None and entry[0]() is image:
                self._urls.move_to_end(key)
                return entry[1]
        url = data_url(image, fmt, quality)
        with self._lock:
            self.encodes += 1
            # The entry goes when its image does, before the image's id can be given to another.
            ref = weakref.ref(image, lambda dead, key=key: self._forget(key, dead))
            self._urls[key] = (ref, url)
            self._urls.move_to_end(key)
            while len(self._urls) > self.capacity:
                self._urls.popitem(last=False)
        return url

    def _forget(self, key: tuple, dead: weakref.ref) -> None:
        with self._lock:
            if key in self._urls and self._urls[key][0] is dead:
                del self._urls[key]


ENCODED = EncodedImages()
"""The process's data URLs (images are identities, so one store serves every backend)."""


def image_url(image: "Image", fmt: str = "png", quality: int = 90) -> str:
    """The data URL of `image`, encoded at its first request and reused while it lives."""
    return ENCODED.url(image, fmt, quality)
