"""Phone screenshots: the raw `screencap` framebuffer, its PNG fallback, and rotation.

Raw `screencap` (no -p) writes a little-endian header and then the pixels, row after row,
with no padding:
  - 12-byte header (older Android): width u32, height u32, pixel format u32;
  - 16-byte header (newer Android; Android 9's screencap already writes it): the same plus
    a colour space u32 (0 unknown, 1 sRGB, 2 Display P3).
The two are told apart by length: header + width * height * bytes-per-pixel == len(data).
Pixel formats are Android's PIXEL_FORMAT_* values listed in `FORMATS`.

Rotation convention. `rotation` is Android's Surface.ROTATION_* in quarter turns
(0, 1 = 90, 2 = 180, 3 = 270). `input tap` takes coordinates in the display's current
(logical) orientation, and screenshots are always returned upright in that orientation.
Most phones' screencap already gives that; a frame that comes in the panel's natural
orientation while the display is turned (rotation 1 or 3) is turned upright here:
rotation 1 -> the frame is rotated 90 degrees counter-clockwise, rotation 3 -> clockwise.
When the upright frame and the input space differ in size (a `wm size` override), touch
coordinates are scaled from screenshot pixels to input pixels.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

# PIXEL_FORMAT_* value -> (bytes per pixel, name)
FORMATS = {1: (4, "RGBA_8888"), 2: (4, "RGBX_8888"), 3: (3, "RGB_888"), 4: (2, "RGB_565"),
           5: (4, "BGRA_8888")}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class FrameError(ValueError):
    """The bytes are not a frame this module can read; `truncated` when they stop short."""

    def __init__(self, message: str, truncated: bool = False):
        super().__init__(message)
        self.truncated = truncated


def _skip_text_prefix(data: bytes) -> bytes:
    # Android 14+ screencap prints "[Warning] Multiple displays were found..." to the same
    # stream on phones with several displays; drop such whole text lines before the frame.
    while data[:1] == b"[" and b"\n" in data[:512]:
        data = data[data.index(b"\n") + 1:]
    return data


def parse_raw(data: bytes) -> Image.Image:
    """Decode raw `screencap` output to an RGB image; FrameError when it is not one."""
    data = _skip_text_prefix(data)
    if len(data) < 12:
        raise FrameError(f"raw frame too short ({len(data)} bytes)", truncated=True)
    width, height, fmt = np.frombuffer(data, "<u4", 3)
    width, height, fmt = int(width), int(height), int(fmt)
    if fmt not in FORMATS or not (0 < width <= 16384 and 0 < height <= 16384):
        raise FrameError(f"not a raw frame (width {width}, height {height}, format {fmt})")
    bpp = FORMATS[fmt][0]
    body = width * height * bpp
    for header in (16, 12):
        if len(data) in (header + body, header + body + 1):  # +1: a trailing newline some builds add
            pixels = memoryview(data)[header:header + body]  # no 10 MB copy
            break
    else:
        short = len(data) < 12 + body
        raise FrameError(f"raw frame of {width}x{height} format {fmt} needs {body} bytes of pixels, "
                         f"got {len(data)} bytes in all", truncated=short)
    return _decode_pixels(pixels, width, height, fmt)


def _decode_pixels(pixels: bytes | memoryview, width: int, height: int, fmt: int) -> Image.Image:
    size = (width, height)
    if fmt in (1, 2):  # R G B A/X bytes: PIL drops the 4th byte as it copies
        return Image.frombytes("RGB", size, pixels, "raw", "RGBX")
    if fmt == 5:
        return Image.frombytes("RGB", size, pixels, "raw", "BGRX")
    if fmt == 3:
        return Image.frombytes("RGB", size, pixels, "raw", "RGB")
    # RGB_565, little-endian 16-bit words: red in the top 5 bits, blue in the low 5.
    word = np.frombuffer(pixels, "<u2").reshape(height, width).astype(np.uint32)
    r, g, b = (word >> 11) & 0x1F, (word >> 5) & 0x3F, word & 0x1F
    rgb = np.stack([(r * 527 + 23) >> 6, (g * 259 + 33) >> 6, (b * 527 + 23) >> 6], axis=-1)
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def parse_png(data: bytes) -> Image.Image:
    """Decode `screencap -p` output to an RGB image; FrameError when it is not a PNG."""
    start = data.find(PNG_MAGIC)
    if start < 0:
        raise FrameError(f"no PNG in {len(data)} bytes of screencap -p output", truncated=not data)
    try:
        image = Image.open(io.BytesIO(data[start:]))
        image.load()
    except (OSError, SyntaxError) as exc:
        raise FrameError(f"broken PNG from screencap -p: {exc}", truncated=True) from None
    return image.convert("RGB")


@dataclass(frozen=True)
class Geometry:
    """The display as input sees it.

    natural: (width, height) of the input space with the display unturned (the `wm size`
    override when set, else the physical size), pixels. rotation: quarter turns 0..3.
    """

    natural: tuple[int, int]
    rotation: int = 0

    @property
    def logical(self) -> tuple[int, int]:
        """(width, height) of the input space in the current orientation, pixels."""
        w, h = self.natural
        return (w, h) if self.rotation % 2 == 0 else (h, w)


_WM_SIZE = re.compile(r"(Physical|Override) size:\s*(\d+)x(\d+)")


def parse_wm_size(text: str) -> tuple[int, int] | None:
    """(width, height) from `wm size`, the override when there is one."""
    sizes = {kind: (int(w), int(h)) for kind, w, h in _WM_SIZE.findall(text)}
    return sizes.get("Override") or sizes.get("Physical")


_ORIENT = re.compile(r"orientation=(?:ROTATION_)?(\d+)")
_SURFACE = re.compile(r"SurfaceOrientation:\s*(\d)")
_ANGLES = {"0": 0, "1": 1, "2": 2, "3": 3, "90": 1, "180": 2, "270": 3}


def parse_rotation(text: str) -> int | None:
    """Quarter turns from `dumpsys input` (or `dumpsys display`); None when not found.

    Prefers the internal display's viewport line, then any viewport, then the older
    `SurfaceOrientation:` field.
    """
    lines = text.splitlines()
    ranked = ([ln for ln in lines if "INTERNAL" in ln and "orientation=" in ln]
              + [ln for ln in lines if "Viewport" in ln and "valid=true" in ln]
              + [ln for ln in lines if "Viewport" in ln])
    for line in ranked:
        m = _ORIENT.search(line)
        if m and m.group(1) in _ANGLES:
            return _ANGLES[m.group(1)]
    m = _SURFACE.search(text)
    return int(m.group(1)) % 4 if m else None


def upright(frame: Image.Image, geometry: Geometry) -> Image.Image:
    """Turn a frame that came in the panel's natural orientation upright (see module doc)."""
    nw, nh = geometry.natural
    fw, fh = frame.size
    natural_frame = nw != nh and (fw > fh) == (nw > nh)
    if geometry.rotation == 1 and natural_frame:
        return frame.transpose(Image.Transpose.ROTATE_90)
    if geometry.rotation == 3 and natural_frame:
        return frame.transpose(Image.Transpose.ROTATE_270)
    return frame


def to_input(x: int, y: int, shot: tuple[int, int], geometry: Geometry) -> tuple[int, int]:
    """Map a point in screenshot pixels to `input` pixels (they differ under a size override)."""
    (sw, sh), (iw, ih) = shot, geometry.logical
    if (sw, sh) == (iw, ih):
        return x, y
    return min(iw - 1, round(x * iw / sw)), min(ih - 1, round(y * ih / sh))
