"""Per-step client overhead of our observe/act path against the common alternative, on a real Xvfb.

ours (openai):  mss capture -> the one smart resize -> the family's prompt with its history images
                -> the request body exactly as OpenAIBackend.payload() builds it, encoded to the
                bytes httpx sends -> parse the reply -> pointer move. The network is left out.
ours (openai, overlapped): the same path as the loop runs it: the policy resizes and encodes the
                screenshot while settling confirms the screen is quiet (drivers.settle on_quiet ->
                ModelPolicy.prefetch), so the step's own time is one capture, the prompt and body
                around the ready image, parse and move; the work done inside settling's wait is
                reported as `overlapped` (ours_cpu_ms adds it back).
ours (local):   the same capture, resize and prompt -> the checkpoint's processor up to the tensors
                generate() gets (generate itself is not run) -> parse -> pointer move.
baseline:       pyautogui.screenshot() -> PNG encode -> base64 (what many agents send each step).
bare:           one mss grab, the floor for any capture.

Each configuration runs one episode (history and image caches as in a real run) of --steps timed
steps after one untimed warm-up step; the configurations take turns, one step each, so that load
from other work on the machine falls on all of them alike. Medians in ms.

Needs Xvfb, scrot (pyautogui.screenshot uses it: apt-get install scrot), LibreOffice Calc for
--app calc (scripts/setup.sh installs it), and gui-agent[qwen] for the local path.

Run: python bench/step_overhead.py [--steps 30] [--families qwen2.5-vl,qwen3-vl] [--app calc]
The last line printed is one JSON object; its ours_ms / baseline_ms / speedup are the openai
path of the first family at its suggested max_pixels with the default options, overlapped as the
loop runs it; ours_cpu_ms / cpu_speedup count the overlapped work too.
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
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (label, OpenAIOptions fields, PolicyConfig fields): the defaults first, then the choices.
OPENAI_VARIANTS = [
    ("overlapped", {}, {}),
    ("defaults", {}, {}),
    ("pil_resize", {}, {"resampler": "pil"}),
    ("jpeg", {"image_format": "jpeg"}, {}),
]
MAX_PIXELS = ("suggested", "default")


def _median_parts(rows: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30, help="timed steps per configuration (>= 30 for the docs)")
    ap.add_argument("--families", default="qwen2.5-vl,qwen3-vl")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--app", default="calc", help="what the screen shows: calc, mousepad or none (black)")
    ap.add_argument("--no-local", action="store_true", help="skip the transformers backend's path")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    load_before = os.getloadavg()

    from drivers.desktop.xvfb import VirtualDisplay

    with VirtualDisplay(width, height, window_manager=True) as vd, tempfile.TemporaryDirectory() as tmp:
        os.environ.update(vd.env())
        from agent.models.families import get_family
        from drivers.settle import SettleConfig
        from drivers.desktop import DesktopDriver

        from bench import step_paths as sp

        families = [get_family(name) for name in args.families.split(",")]
        with DesktopDriver(display=vd.display) as driver:
            app = sp.show_app(args.app, vd.env(), driver, Path(tmp))
            try:
                import pyautogui

                def baseline():
                    t = time.perf_counter()
                    image = pyautogui.screenshot()
                    buf = io.BytesIO()
                    image.save(buf, format="PNG")
                    base64.b64encode(buf.getvalue())
                    return {"ms": (time.perf_counter() - t) * 1000, "png_kb": len(buf.getvalue()) / 1024}

                def bare():
                    t = time.perf_counter()
                    driver._mss.grab(driver._monitor)  # the frame copied out of X shared memory
                    return {"ms": (time.perf_counter() - t) * 1000}

                paths: dict[tuple, object] = {("baseline",): baseline, ("bare",): bare}
                for family in families:
                    for mp in MAX_PIXELS:
                        max_pixels = family.suggested_max_pixels if mp == "suggested" else None
                        for label, options, policy in OPENAI_VARIANTS:
                            try:
                                if label == "overlapped":
                                    path = sp.OverlappedPath(driver, family, max_pixels, options, policy,
                                                             SettleConfig())
                                else:
                                    path = sp.OpenAIPath(driver, family, max_pixels, options, policy)
                            except ValueError as exc:  # an option this version does not have
                                print(f"skipped openai {family.name} {label}: {str(exc).splitlines()[0]}")
                                continue
                            paths[("openai", family.name, mp, label)] = path.step
                    if not args.no_local:
                        backend = sp.local_backend(family, Path(tmp))
                        processor_kind = backend.processor_kind
                        for mp in MAX_PIXELS:
                            max_pixels = family.suggested_max_pixels if mp == "suggested" else None
                            paths[("local", family.name, mp)] = sp.LocalPath(driver, family, max_pixels,
                                                                             backend, {}).step
                rows: dict[tuple, list[dict]] = {key: [] for key in paths}
                for fn in paths.values():
                    fn()  # warm-up: first-call costs (imports, buffers) are not per-step costs
                for _ in range(args.steps):  # one step of each in turn: load falls on all alike
                    for key, fn in paths.items():
                        rows[key].append(fn())
            finally:
                sp.stop_app(app)

    def total(r: dict) -> float:  # the step's own time: not settling's wait, nor the work inside it
        return sum(v for k, v in r.items() if k not in ("body_kb", "tokens", "png_kb", "settle_wait", "overlapped"))

    med = {key: statistics.median(total(r) for r in rs) for key, rs in rows.items()}
    base = med[("baseline",)]
    result: dict = {"screen": f"{width}x{height}", "app": args.app, "steps": len(rows[("baseline",)]),
                    "family": families[0].name}
    head = ("openai", families[0].name, "suggested", "overlapped")
    cpu = statistics.median(total(r) + r["overlapped"] for r in rows[head])
    result.update(ours_ms=round(med[head], 2), baseline_ms=round(base, 2), speedup=round(base / med[head], 1),
                  ours_cpu_ms=round(cpu, 2), cpu_speedup=round(base / cpu, 1),
                  bare_grab_ms=round(med[("bare",)], 2),
                  baseline_png_kb=round(statistics.median(r["png_kb"] for r in rows[("baseline",)]), 1))
    for key, rs in rows.items():
        if key[0] in ("openai", "local"):
            entry = {"ms": round(med[key], 2), "speedup": round(base / med[key], 1), "parts": _median_parts(rs)}
            node = result.setdefault(key[0], {}).setdefault(key[1], {})
            (node.setdefault(key[2], {}).__setitem__(key[3], entry) if key[0] == "openai"
             else node.__setitem__(key[2], entry))
            print(" ".join(key), entry)
    result["history_images"] = {f.name: f.history_images for f in families}
    if not args.no_local:
        result["local_processor"] = processor_kind  # "image-only": the PIL image processor (no torchvision)
    result["machine"] = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    result["load_avg_1m"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
