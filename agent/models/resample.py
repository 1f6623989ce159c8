"""Resampling a screenshot to the model size the way the Qwen processors do (bicubic), fast.

Resamplers (PolicyConfig.resampler, `fit(..., resampler=)`):

- "pil": Pillow's BICUBIC, what transformers' PIL image processor and qwen-vl-utils run: the
  reference, one core (24-28 ms for 1920x1080 -> 1316x728 on the 2-core benchmark machine).
- "vips": for downscales, libvips (pyvips) `reduceh` then `reducev` with the same Catmull-Rom
  cubic kernel (Pillow's bicubic, a = -0.5), in Pillow's order: horizontal first, 8-bit between
  the passes. Measured against Pillow on real 1920x1080 desktop screenshots (LibreOffice Calc,
  Mousepad) at the suggested sizes: at most 3-4 levels apart (of 255), mean under 0.1,
  PSNR 58-65 dB (docs/benchmarks.md); about 2x faster (10-14 ms, on both cores). Upscales
  (and a size equal on one side but larger on the other) still go through Pillow: libvips
  upsizes with another pixel-centre convention, measured 19 dB off.
- "auto" (the default): "vips" where it applies and pyvips is installed, else "pil".

Whichever runs, the image has exactly the size asked for (a libvips result of any other size is
thrown away and Pillow's used), so Frame and the coordinates stay exact.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

RESAMPLERS: tuple[str, ...] = ("auto", "pil", "vips")


@lru_cache(maxsize=1)
def load_pyvips():
    """pyvips with libvips loaded, or None when either is missing."""
    try:
        import pyvips
    except Exception:  # not installed, or installed without a libvips it can load
        return None
    # Operations on images made from our memory must never be answered from libvips' cache:
    # a later image may live at the same address. Our calls gain nothing from it anyway.
    pyvips.cache_set_max(0)
    return pyvips


def vips_available() -> bool:
    """Whether the "vips" resampler can run here."""
    return load_pyvips() is not None


def uses_vips(src: tuple[int, int], dst: tuple[int, int], resampler: str = "auto") -> bool:
    """Whether resampling an image of `src` (width, height) to `dst` runs on libvips.

    Raises ValueError for an unknown resampler, MissingDependency for "vips" without pyvips."""
    if resampler not in RESAMPLERS:
        raise ValueError(f"unknown resampler {resampler!r}: {', '.join(RESAMPLERS)}")
    if resampler == "vips" and load_pyvips() is None:
        from drivers.base import MissingDependency

        raise MissingDependency("the vips resampler needs pyvips with libvips; install it with: "
                                "pip install 'pyvips[binary]' (in gui-agent[openai] and [qwen])")
    downscale = dst != src and dst[0] <= src[0] and dst[1] <= src[1]
    return resampler != "pil" and downscale and load_pyvips() is not None


def resample(image: "Image", size: tuple[int, int], resampler: str = "auto") -> "Image":
    """`image` (mode RGB) resampled bicubic to `size` (width, height); `image` itself when it is
    that size already."""
    from PIL import Image as PILImage

    if image.size == tuple(size):
        return image
    if image.mode == "RGB" and uses_vips(image.size, size, resampler):
        out = _vips_reduce(image, size)
        if out is not None:
            return out
    return image.resize(size, PILImage.Resampling.BICUBIC)


def _vips_reduce(image: "Image", size: tuple[int, int]) -> "Image | None":
    from PIL import Image as PILImage

    pyvips = load_pyvips()
    (w, h), (nw, nh) = image.size, size
    src = pyvips.Image.new_from_memory(image.tobytes(), w, h, 3, "uchar")
    out = src
    if nw != w:
        # Kept in memory between the passes: chained, libvips would redo the overlapping rows
        # of the first pass for every tile of the second (measured 11 ms instead of 8).
        out = out.reduceh(w / nw, kernel="cubic", gap=0).copy_memory()
    if nh != h:
        out = out.reducev(h / nh, kernel="cubic", gap=0)
    if (out.width, out.height) != (nw, nh):  # never a size other than the one coordinates refer to
        return None
    return PILImage.frombuffer("RGB", (nw, nh), out.write_to_memory(), "raw", "RGB", 0, 1)
