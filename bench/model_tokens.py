"""Per-step prompt cost of each model family: visual and text tokens, preprocessing time, bytes sent.

For a 1920x1080 desktop and a 1080x2400 phone screenshot, each family at its default max_pixels
and at the smaller one its model card (or reference agent) suggests, compares our path (one smart
resize to the model size, then the image processor told not to resize) with sending the raw
screenshot (the processor or server resizes it to its defaults, and an HTTP client ships the full
frame). Visual tokens are exact (one per factor x factor block); text tokens count the first
step's system and user prompt with the Qwen BPE vocabulary when `tiktoken` and the vocabulary
file of `dashscope` are installed (`pip install tiktoken; pip install --no-deps dashscope`),
plus 5 tokens a message of chat-template markup; else they are null. Prints one JSON object
as its last line.

    python bench/model_tokens.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw  # noqa: E402

from agent.models.families import FAMILIES  # noqa: E402
from agent.models.prompts import build_messages  # noqa: E402
from agent.models.resize import fit, model_size  # noqa: E402

SCREENS = {"desktop": (1920, 1080), "android": (1080, 2400)}


def qwen_encoder():
    """A tiktoken Encoding of the Qwen BPE vocabulary, or None when it is not installed."""
    spec = importlib.util.find_spec("dashscope")
    if spec is None or importlib.util.find_spec("tiktoken") is None:
        return None
    import tiktoken

    path = Path(spec.origin).parent / "resources" / "qwen.tiktoken"
    ranks = {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in path.read_bytes().splitlines()
                                                                if line)}
    pattern = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"""
               r"""\s*[\r\n]+|\s+(?!\S)|\s+""")
    return tiktoken.Encoding("qwen", pat_str=pattern, mergeable_ranks=ranks, special_tokens={})


def screenshot(size):
    """A busy synthetic screen (text and boxes), so PNG sizes are those of a real UI, not of a flat fill."""
    image = Image.new("RGB", size, (235, 238, 242))
    draw = ImageDraw.Draw(image)
    for y in range(0, size[1], 36):
        draw.rectangle([20, y + 4, size[0] - 20, y + 30], outline=(120, 130, 140), fill=(250, 250, 250))
        draw.text((30, y + 10), f"Row {y // 36}: File  Edit  View  Settings  {'lorem ipsum ' * 6}", fill=(20, 20, 20))
    return image


def processor_for(family):
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    patch = family.factor // 2
    return Qwen2VLImageProcessorPil(patch_size=patch, merge_size=2, temporal_patch_size=2,
                                    min_pixels=family.min_pixels, max_pixels=family.max_pixels)


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.tell()


def text_tokens(encoder, family, plat, size):
    if encoder is None:
        return None
    messages = build_messages(family, plat, "Open the settings and turn on dark mode.", [], [], Image.new("RGB", size))
    texts = [p["text"] for m in messages for p in m["content"] if p["type"] == "text"]
    return sum(len(encoder.encode(t)) for t in texts) + 5 * len(messages)


def measure(family, plat, screen, max_pixels, encoder, repeat):
    raw = screenshot(screen)
    proc = processor_for(family)
    size = model_size(*screen, family, max_pixels=max_pixels)
    ours_image, _ = fit(raw, family, max_pixels=max_pixels)

    def ours():
        image, _ = fit(raw, family, max_pixels=max_pixels)
        proc(images=[image], do_resize=False, return_tensors="np")

    def raw_path():  # what a server or processor does with the full frame at its own defaults
        proc(images=[raw], return_tensors="np")

    default = model_size(*screen, family)
    return {
        "family": family.name, "screen": f"{screen[0]}x{screen[1]}", "max_pixels": max_pixels or family.max_pixels,
        "model_size": f"{size[0]}x{size[1]}",
        "visual_tokens": size[0] * size[1] // family.factor ** 2 + 2,
        "raw_visual_tokens": default[0] * default[1] // family.factor ** 2 + 2,
        "text_tokens": text_tokens(encoder, family, plat, size),
        "preprocess_ms": median_ms(ours, repeat), "raw_preprocess_ms": median_ms(raw_path, repeat),
        "png_kb": round(png_bytes(ours_image) / 1024), "raw_png_kb": round(png_bytes(raw) / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timings per measurement (median kept)")
    args = parser.parse_args()
    encoder = qwen_encoder()
    rows = []
    for family in FAMILIES.values():
        for plat, screen in SCREENS.items():
            for max_pixels in dict.fromkeys([None, family.suggested_max_pixels]):
                if max_pixels == family.max_pixels:
                    continue
                row = measure(family, plat, screen, max_pixels, encoder, args.repeat)
                rows.append(row)
                print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    print(json.dumps({"benchmark": "model_tokens", "rows": rows, "text_tokenizer": "qwen-bpe" if encoder else None,
                      "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}"}))


if __name__ == "__main__":
    main()
