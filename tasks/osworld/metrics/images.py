"""Image metrics (GIMP tasks and screenshots), on Pillow and numpy.

Structural similarity (SSIM) is computed as scikit-image's default does: a 7x7 uniform
window, K1=0.01, K2=0.03, sample covariance, data range 255 for 8-bit images, averaged over
the window-valid interior and over channels.
"""

from __future__ import annotations

import os
from typing import Any


def _open(path: str | None):
    from PIL import Image

    if not path or not os.path.isfile(path):
        return None
    try:
        img = Image.open(path)
        img.load()
        return img
    except OSError:  # not an image, or truncated
        return None


def ssim(a, b, win: int = 7) -> float:
    """Mean SSIM of two equally sized 8-bit images (PIL images or uint8 arrays)."""
    import numpy as np

    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"ssim: shapes differ {x.shape} vs {y.shape}")
    if x.ndim == 3:
        return float(np.mean([ssim(x[..., c], y[..., c], win) for c in range(x.shape[2])]))
    win = min(win, *x.shape)
    win = win if win % 2 else win - 1
    if win < 1:
        raise ValueError("ssim: image too small")

    def box(m):
        c = np.pad(m, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
        return (c[win:, win:] - c[:-win, win:] - c[win:, :-win] + c[:-win, :-win]) / (win * win)

    n = win * win
    norm = n / (n - 1) if n > 1 else 1.0
    ux, uy = box(x), box(y)
    vx = norm * (box(x * x) - ux * ux)
    vy = norm * (box(y * y) - uy * uy)
    vxy = norm * (box(x * y) - ux * uy)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s.mean())


def similar(img1, img2, threshold: float = 0.9) -> bool:
    """Same size and, in RGB, SSIM at least `threshold` (images smaller than 7 px: False)."""
    if min(img1.size + img2.size) < 7 or img1.size != img2.size:
        return False
    return ssim(img1.convert("RGB"), img2.convert("RGB")) >= threshold


def compare_images(result: str | None, expected: str | None, reference_base_result: float | None = None,
                   **_: Any) -> float:
    """SSIM 0..1 of the two images in grey, both resized to the smaller (OSWorld picks it by
    comparing (width, height) tuples); with reference_base_result the score is rescaled to
    (s - base) / (1 - base), 0 unless s beats base by 0.01."""
    from PIL import Image

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    size = min(a.size, b.size)
    a = a.convert("L").resize(size, Image.Resampling.LANCZOS)
    b = b.convert("L").resize(size, Image.Resampling.LANCZOS)
    s = ssim(a, b)
    if reference_base_result is None:
        return s
    return (s - reference_base_result) / (1 - reference_base_result) if s >= reference_base_result + 0.01 else 0.0


def check_structure_sim(result: str | None, expected: str | None) -> float:
    """1 when the images have the same size and SSIM >= 0.9."""
    a, b = _open(result), _open(expected)
    return float(a is not None and b is not None and similar(a, b))


def check_structure_sim_with_threshold(result: str | None, expected: str | None,
                                       ssim_threshold: float = 0.85, **_: Any) -> float:
    """1 when SSIM >= ssim_threshold, the result resized to the expected image's size first."""
    from PIL import Image

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    if a.size != b.size:
        a = a.resize(b.size, Image.Resampling.LANCZOS)
    return float(similar(a, b, ssim_threshold))


def check_structure_sim_resized(result: str | None, expected: str | None) -> float:
    """1 when the result, cropped to its opaque content and resized to the expected image's
    size, has SSIM >= 0.9 with it."""
    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    if a.mode in ("RGBA", "LA") or "transparency" in a.info:
        a = a.convert("RGBA")
        box = a.split()[-1].getbbox()
        if box is None:
            return 0.0
        a = a.crop(box).convert("RGB")
    return float(similar(a.resize(b.size), b))


def check_file_exists_and_structure_sim(result: str | None, expected: str | None) -> float:
    """1 when the exported file exists and looks like the expected one (SSIM >= 0.9)."""
    return check_structure_sim(result, expected)


def _brightness(img) -> float:
    from PIL import ImageStat

    return ImageStat.Stat(img.convert("L")).mean[0]


def check_brightness_decrease_and_structure_sim(result: str | None, expected: str | None,
                                                threshold: float = 0.03) -> float:
    """1 when the result is darker than the original (expected) and, both scaled to mean
    brightness 128, their mean squared difference (0..1 scale) is below `threshold`."""
    import numpy as np

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    darker = _brightness(b) > _brightness(a)

    def normalised(img):
        factor = 128 / max(_brightness(img), 1e-9)
        return img.point(lambda v: min(255, max(0, int(v * factor)))).convert("RGB")

    na, nb = normalised(a), normalised(b)
    if na.size != nb.size:
        na = na.resize(nb.size)
    mse = float(np.mean((np.asarray(na, np.float32) / 255 - np.asarray(nb, np.float32) / 255) ** 2))
    return float(darker and mse < threshold)


def check_saturation_increase_and_structure_sim(result: str | None, expected: str | None) -> float:
    """1 when the result is more saturated than the original and hue and value channels keep
    their structure (SSIM >= 0.9 each)."""
    import numpy as np

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    ha, hb = a.convert("RGB").convert("HSV"), b.convert("RGB").convert("HSV")
    more = np.asarray(ha.split()[1]).mean() > np.asarray(hb.split()[1]).mean()
    return float(more and similar(ha.split()[0], hb.split()[0]) and similar(ha.split()[2], hb.split()[2]))


def check_contrast_increase_and_structure_sim(result: str | None, expected: str | None) -> float:
    """1 when the result has more contrast (pixel standard deviation) than the original and
    SSIM >= 0.65."""
    import numpy as np

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    more = np.asarray(a, np.float32).std() > np.asarray(b, np.float32).std()
    return float(more and similar(a, b, 0.65))


def check_image_mirror(result: str | None, expected: str | None) -> float:
    """1 when the result is the original flipped left-right (SSIM >= 0.99)."""
    from PIL import Image

    a, b = _open(result), _open(expected)
    if a is None or b is None:
        return 0.0
    return float(similar(b.transpose(Image.Transpose.FLIP_LEFT_RIGHT), a, 0.99))


def check_palette_and_structure_sim(result: str | None, expected: str | None) -> float:
    """1 when the result is a palette image ('P' mode) that looks like the original."""
    a, b = _open(result), _open(expected)
    return float(a is not None and b is not None and a.mode == "P" and similar(a.convert("RGB"), b))


def check_image_size(result: str | None, rule: dict) -> float:
    """1 when the image is rule['width'] x rule['height'] (either may be absent); with
    ignore_transparent, the size of its opaque content."""
    img = _open(result)
    if img is None:
        return 0.0
    w, h = img.size
    if rule.get("ignore_transparent") and (img.mode in ("RGBA", "LA") or "transparency" in img.info):
        box = img.convert("RGBA").split()[-1].getbbox()
        w, h = (box[2] - box[0], box[3] - box[1]) if box else (0, 0)
    return float(rule.get("width") in (None, w) and rule.get("height") in (None, h))


def check_image_file_size(result: str | None, rule: dict) -> float:
    """1 when the file is smaller than rule['max_size'] bytes."""
    return float(bool(result) and os.path.isfile(result) and os.path.getsize(result) < rule["max_size"])


def check_textbox_on_leftside(result: str | None) -> float:
    """1 when the leftmost dark pixel (grey < 128) lies in the left 5% of the image."""
    import numpy as np

    img = _open(result)
    if img is None:
        return 0.0
    dark = np.asarray(img.convert("L")) < 128
    cols = np.flatnonzero(dark.any(axis=0))
    return float(cols.size > 0 and cols[0] < img.size[0] * 0.05)


def compare_image_list(result: Any, expected: Any) -> float:
    """1 when each result image equals its expected image pixel for pixel (the result resized
    to the expected size first)."""
    from PIL import Image, ImageChops

    results = result if isinstance(result, list) else [result]
    wanted = expected if isinstance(expected, list) else [expected]
    for r, e in zip(results, wanted):
        a, b = _open(r), _open(e)
        if a is None or b is None:
            return 0.0
        if a.size != b.size:
            a = a.resize(b.size, Image.Resampling.LANCZOS)
        if ImageChops.difference(a.convert(b.mode), b).getbbox():
            return 0.0
    return 1.0


def check_green_background(result: str | None, expected: str | None) -> float:
    """1 when every pixel that is not black in the expected image is green in the result
    (green above red and blue)."""
    import numpy as np

    a, b = _open(result), _open(expected)
    if a is None or b is None or a.size != b.size:
        return 0.0
    src = np.asarray(a.convert("RGB")).astype(int)
    background = np.asarray(b.convert("RGB")).any(axis=2)
    r, g, bl = src[..., 0], src[..., 1], src[..., 2]
    return float(bool(np.all(((g > r) & (g > bl))[background])))


def check_triangle_position(result: str | None) -> float:
    """1 when the shape in the image's second most common colour has its centroid within 5%
    of the image's centre (per axis). OSWorld's comment says the same, but its code sorts the
    counts ascending and takes the second *least* common colour (with two colours, the
    background's): a deliberate difference, listed in docs/osworld.md."""
    import numpy as np

    img = _open(result)
    if img is None:
        return 0.0
    pixels = np.asarray(img.convert("RGB"))
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    if len(colours) < 2:
        return 0.0
    shape = np.all(pixels == colours[np.argsort(counts)][-2], axis=2)
    centre, size = np.argwhere(shape).mean(axis=0), np.array(pixels.shape[:2])
    return float(bool(np.all(np.abs(centre - size / 2) < 0.05 * size)))
