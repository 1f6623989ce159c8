"""Per-step overhead of our observe/act path against the common alternative, on a real Xvfb.

ours:     mss capture -> model-ready image (one smart resize) -> parse a reply -> pointer move
baseline: pyautogui.screenshot() -> PNG encode -> base64 (what many agents send each step)
bare:     one mss grab (the frame copied out of X shared memory), the floor for any capture

Run: python bench/step_overhead.py [--steps 30] [--family qwen2.5-vl]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, steps: int) -> list[float]:
    fn()  # warm-up: first-call costs (imports, buffers) are not per-step costs
    out = []
    for _ in range(steps):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--family", default="qwen2.5-vl")
    ap.add_argument("--size", default="1920x1080")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from drivers.desktop.xvfb import VirtualDisplay

    with VirtualDisplay(width, height) as vd:
        os.environ.update(vd.env())
        from agent.models.families import get_family
        from agent.models.parsers import parse
        from agent.models.resize import fit
        from drivers.actions import Move
        from drivers.desktop import DesktopDriver

        family = get_family(args.family)
        reply = '<tool_call>\n{"name": "computer_use", "arguments": {"action": "mouse_move", "coordinate": [640, 360]}}\n</tool_call>'
        with DesktopDriver(display=vd.display) as driver:
            import pyautogui

            parts: dict[str, list[float]] = {"capture": [], "resize": [], "parse": [], "execute": []}

            def ours(max_pixels=None, record=True):
                t0 = time.perf_counter()
                shot = driver.screenshot()
                t1 = time.perf_counter()
                _, frame = fit(shot, family, max_pixels=max_pixels)
                t2 = time.perf_counter()
                actions = parse(reply, family, frame)
                t3 = time.perf_counter()
                for action in actions:
                    driver.execute(Move(x=action.x, y=action.y))
                t4 = time.perf_counter()
                if record:
                    for k, a, b in (("capture", t0, t1), ("resize", t1, t2), ("parse", t2, t3), ("execute", t3, t4)):
                        parts[k].append((b - a) * 1000)

            def baseline():
                image = pyautogui.screenshot()
                buf = io.BytesIO()
                image.save(buf, format="PNG")
                base64.b64encode(buf.getvalue())

            def bare():
                # mss copies the shared-memory frame into a fresh buffer: the pixels are read.
                driver._mss.grab(driver._monitor)

            ours_ms = timed(ours, args.steps)
            ours_small = timed(lambda: ours(family.suggested_max_pixels, record=False), args.steps)
            baseline_ms = timed(baseline, args.steps)
            bare_ms = timed(bare, args.steps)

    med = statistics.median
    result = {
        "screen": f"{width}x{height}", "family": family.name, "steps": args.steps,
        "ours_ms": round(med(ours_ms), 2), "baseline_ms": round(med(baseline_ms), 2),
        "speedup": round(med(baseline_ms) / med(ours_ms), 1),
        "bare_grab_ms": round(med(bare_ms), 2), "vs_bare": round(med(ours_ms) / med(bare_ms), 1),
        "ours_parts_ms": {k: round(med(v), 2) for k, v in parts.items()},
        # The resize is the model's own input cost (its processor would do the same one).
        "ours_without_resize_ms": round(sum(med(v) for k, v in parts.items() if k != "resize"), 2),
        "capture_vs_bare": round(med(parts["capture"]) / med(bare_ms), 1),
        "without_resize_vs_bare": round(sum(med(v) for k, v in parts.items() if k != "resize") / med(bare_ms), 1),
        "speedup_without_resize": round(med(baseline_ms) / sum(med(v) for k, v in parts.items() if k != "resize"), 1),
        "ours_suggested_max_pixels_ms": round(med(ours_small), 2),
        "speedup_suggested_max_pixels": round(med(baseline_ms) / med(ours_small), 1),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
