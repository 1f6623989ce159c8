"""What the faster image choices cost in fidelity and time, on real desktop screenshots.

On its own Xvfb (1920x1080 by default) it captures LibreOffice Calc (a 60x12 sheet) and Mousepad
(a text file), then for each family's suggested and default max_pixels:

- resamplers against Pillow's BICUBIC (what transformers' PIL image processor and qwen-vl-utils
  run): libvips (agent/models/resample.py, downscales only), libvips' faster one-pass `reduce`
  (not used), and, for scale, torch's antialiased bicubic (what the torchvision "fast" image
  processors run), when torch is installed;
- encodings of the model image against its exact pixels: PNG (libvips and Pillow), JPEG at
  several qualities with full (4:4:4) and halved (4:2:0) chroma, WebP.

Errors are in levels of 0..255 over all channels: mean, max, PSNR (dB), and the share of pixels
with any channel more than 8 levels off. Times are medians of --repeat runs, ms.

Run: python bench/image_fidelity.py [--repeat 11] [--apps calc,mousepad]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


def timed(fn, repeat: int) -> tuple[object, float]:
    out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return out, round(statistics.median(times), 2)


def error(a: Image.Image, b: Image.Image) -> dict:
    d = np.abs(np.asarray(a.convert("RGB"), dtype=np.int16) - np.asarray(b, dtype=np.int16))
    mse = float((d.astype(np.float64) ** 2).mean())
    return {"mean": round(float(d.mean()), 3), "max": int(d.max()),
            "psnr": round(10 * math.log10(255 ** 2 / mse), 1) if mse else None,
            "over8_pct": round(float((d.max(axis=2) > 8).mean()) * 100, 3)}


def torch_bicubic(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    import torch

    x = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1)[None].float()
    y = torch.nn.functional.interpolate(x, size=(size[1], size[0]), mode="bicubic", antialias=True,
                                        align_corners=False)
    return Image.fromarray(y.round().clamp(0, 255).byte()[0].permute(1, 2, 0).numpy())


def vips_one_pass(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """libvips' `reduce` (both directions in one operation, vertical first): faster, less close."""
    from agent.models.resample import load_pyvips

    src = load_pyvips().Image.new_from_memory(image.tobytes(), image.width, image.height, 3, "uchar")
    out = src.reduce(image.width / size[0], image.height / size[1], kernel="cubic", gap=0)
    return Image.frombuffer("RGB", size, out.write_to_memory(), "raw", "RGB", 0, 1)


def encoders() -> dict:
    from agent.models.backends.images import encode

    def pil(fmt, **kw):
        def save(image):
            buffer = io.BytesIO()
            image.save(buffer, format=fmt, **kw)
            return buffer.getvalue()
        return save

    out = {"png (ours: libvips, level 1)": lambda im: encode(im, "png"),
           "png (Pillow, level 1)": pil("PNG", compress_level=1)}
    for q in (75, 85, 90, 95):
        out[f"jpeg q{q} 4:4:4 (ours)"] = lambda im, q=q: encode(im, "jpeg", q)
        out[f"jpeg q{q} 4:2:0"] = pil("JPEG", quality=q, subsampling=2)
    out["webp q90 (method 0)"] = pil("WEBP", quality=90, method=0)
    out["webp lossless (method 0)"] = pil("WEBP", lossless=True, quality=0, method=0)
    return out


def measure(name: str, shot: Image.Image, repeat: int, families, have_torch: bool) -> dict:
    from agent.models.resample import resample, uses_vips
    from agent.models.resize import model_size

    rows = {}
    for family in families:
        for label, max_pixels in (("suggested", family.suggested_max_pixels), ("default", None)):
            size = model_size(*shot.size, family, max_pixels=max_pixels)
            key = f"{name} {family.name} {label} {size[0]}x{size[1]}"
            if key in rows:
                continue
            exact, pil_ms = timed(lambda: shot.resize(size, Image.Resampling.BICUBIC), repeat)
            row: dict = {"resize": {"pil_ms": pil_ms}}
            if uses_vips(shot.size, size):
                vips, ms = timed(lambda: resample(shot, size, "vips"), repeat)
                row["resize"]["vips"] = {"ms": ms, **error(vips, exact)}
                one_pass, ms = timed(lambda: vips_one_pass(shot, size), repeat)
                row["resize"]["vips_one_pass_reduce (not used)"] = {"ms": ms, **error(one_pass, exact)}
            if have_torch:
                row["resize"]["torch_antialias_vs_pil"] = error(torch_bicubic(shot, size), exact)
            row["encode"] = {}
            for label_e, fn in encoders().items():
                data, ms = timed(lambda fn=fn: fn(exact), repeat)
                row["encode"][label_e] = {"ms": ms, "kb": round(len(data) / 1024, 1),
                                          **error(Image.open(io.BytesIO(data)), exact)}
            rows[key] = row
            print(key, json.dumps(row))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--apps", default="calc,mousepad")
    ap.add_argument("--families", default="qwen2.5-vl,qwen3-vl")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--save", default=None, help="folder to keep the screenshots in (PNG)")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    from agent.models.families import get_family
    from bench import step_paths as sp
    from drivers.desktop import DesktopDriver
    from drivers.desktop.xvfb import VirtualDisplay

    families = [get_family(name) for name in args.families.split(",")]
    have_torch = importlib.util.find_spec("torch") is not None
    shots = {}
    for app in args.apps.split(","):
        with VirtualDisplay(width, height, window_manager=True) as vd, tempfile.TemporaryDirectory() as tmp:
            with DesktopDriver(display=vd.display) as driver:
                proc = sp.show_app(app, vd.env(), driver, Path(tmp))
                try:
                    shots[app] = driver.screenshot().copy()
                finally:
                    sp.stop_app(proc)
        if args.save:
            shots[app].save(Path(args.save) / f"{app}.png")
    load = os.getloadavg()[0]
    result = {"screen": f"{width}x{height}", "rows": {}}
    for app, shot in shots.items():
        result["rows"].update(measure(app, shot, args.repeat, families, have_torch))
    result["machine"] = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    result["load_avg_1m"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
