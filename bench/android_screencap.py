"""Raw framebuffer vs PNG screenshots from a phone, at 1080x2400, over the fake ADB server.

For each form it reports the bytes moved over the ADB socket, the client-side decode time
(our parse_raw / parse_png), the fetch time over loopback (ADB protocol + transfer, frames
pre-encoded by the fake so its own work is not counted) and a whole AndroidDriver.screenshot().
The phone-side cost (PNG encoding on the phone dominates `screencap -p`) cannot be measured
without a phone; docs/benchmarks.md gives figures reported for real devices.

Run: python bench/android_screencap.py [--repeats N]; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]  # the fake ADB server is in tests/doubles/
os.environ["ADBUTILS_ADB_PATH"] = "/bin/false"  # never start a real adb server

from PIL import Image, ImageDraw  # noqa: E402

SIZE = (1080, 2400)


def ui_screen(size: tuple[int, int]) -> Image.Image:
    """A phone-like screen: status bar, app bar, list rows with text and icons, flat colours."""
    w, h = size
    img = Image.new("RGB", size, (250, 250, 252))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 80], fill=(32, 33, 36))
    d.rectangle([0, 80, w, 260], fill=(66, 133, 244))
    d.text((48, 150), "Settings", fill=(255, 255, 255), font_size=56)
    for i, y in enumerate(range(300, h - 200, 170)):
        d.ellipse([48, y + 30, 148, y + 130], fill=((i * 53) % 255, (i * 97) % 255, (i * 151) % 255))
        d.text((190, y + 35), f"Row {i}: Network & internet", fill=(32, 33, 36), font_size=44)
        d.text((190, y + 95), "Wi-Fi, mobile, data usage, hotspot", fill=(95, 99, 104), font_size=34)
        d.line([190, y + 168, w, y + 168], fill=(218, 220, 224), width=2)
    d.rectangle([0, h - 150, w, h], fill=(240, 240, 244))
    return img


def median_ms(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    from drivers.android import AndroidDriver
    from drivers.android.screen import parse_png, parse_raw
    from tests.doubles.fake_adb import FakeAdbServer, FakePhone, adb_env

    screen = ui_screen(SIZE)
    raw_phone = FakePhone("raw-phone", natural=SIZE, screen=screen, png_level=6)
    png_phone = FakePhone("png-phone", natural=SIZE, screen=screen, png_level=6, raw_works=False)
    results: dict = {"size": list(SIZE), "repeats": args.repeats, "python": platform.python_version(),
                     "machine": platform.machine(), "cpus": os.cpu_count()}
    with FakeAdbServer(raw_phone, png_phone) as server:
        os.environ.update(adb_env(server.port))
        with AndroidDriver(serial="raw-phone") as raw_drv, AndroidDriver(serial="png-phone") as png_drv:
            link = raw_drv._link  # the same exec-out path the driver uses
            raw_phone.raw_frame(), raw_phone.png_frame()  # pre-encode (cached per screen)
            results["raw_fetch_ms"], raw = median_ms(lambda: link.exec_out("screencap"), args.repeats)
            results["png_fetch_ms"], png = median_ms(lambda: link.exec_out("screencap -p"), args.repeats)
            results["raw_bytes"], results["png_bytes"] = len(raw), len(png)
            results["raw_decode_ms"], a = median_ms(lambda: parse_raw(raw), args.repeats)
            results["png_decode_ms"], b = median_ms(lambda: parse_png(png), args.repeats)
            assert a.tobytes() == b.tobytes() == screen.tobytes(), "raw and PNG disagree"
            png_drv.screenshot()  # learns that raw is unreadable here, then PNG only
            results["raw_screenshot_ms"], _ = median_ms(raw_drv.screenshot, args.repeats)
            results["png_screenshot_ms"], _ = median_ms(png_drv.screenshot, args.repeats)
    results["bytes_ratio_raw_over_png"] = round(results["raw_bytes"] / results["png_bytes"], 1)
    results["decode_speedup_png_over_raw"] = round(results["png_decode_ms"] / results["raw_decode_ms"], 1)
    for key in ("raw_bytes", "png_bytes", "raw_fetch_ms", "png_fetch_ms", "raw_decode_ms", "png_decode_ms",
                "raw_screenshot_ms", "png_screenshot_ms"):
        print(f"{key:>20}: {results[key]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
