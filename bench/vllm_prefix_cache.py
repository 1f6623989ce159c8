"""Prefix-cache reuse across the steps of an episode, on a real vLLM server, with our prompts.

For each family: a tiny random-weight checkpoint of its architecture (tests/doubles/tiny_qwen.py)
served by vLLM's CPU build (scripts/vllm_cpu.sh; prefix caching on, vLLM's default), and one
episode of `--steps` steps through the real ModelPolicy and openai backend: each step a new
screenshot, the family's own prompt with its history window (2 screenshots), the model's reply
fed back as the loop does (random weights: a format error and its feedback). After each step,
vLLM's Prometheus counters `vllm:prefix_cache_queries_total` / `_hits_total` (prompt tokens
looked up / found cached) give that step's hits.

Beside the counters, each step's request is rendered by vLLM's /tokenize (images expanded, each
image's placeholder run keyed by the image itself, as vLLM's cache keys are): the longest prefix
it shares with the previous step's request is what any prefix cache could reuse at best, and
where it ends says which part of the prompt changed first.

    python bench/vllm_prefix_cache.py [--steps 8] [--family qwen2.5-vl ...]
    python bench/vllm_prefix_cache.py --base-url http://gpu:8000/v1 --model NAME --family qwen2.5-vl

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw  # noqa: E402

from agent.models import build_policy  # noqa: E402
from agent.models.families import FAMILY_NAMES, get_family  # noqa: E402
from agent.policy import FormatError  # noqa: E402
from agent.steps import StepResult  # noqa: E402

INSTRUCTION = "Open the settings, turn on dark mode, then close the settings window."
SCREEN = (1280, 800)
MAX_PIXELS_BLOCKS = 600
"""Screenshots at 600 blocks of the family's grid, on the client and the server (no second resize)."""


def screenshot(step: int) -> Image.Image:
    """A synthetic desktop that changes a little every step, as a real one does after an action."""
    image = Image.new("RGB", SCREEN, (236, 239, 244))
    draw = ImageDraw.Draw(image)
    for y in range(40, SCREEN[1], 32):
        draw.text((24, y), f"Row {y // 32}: settings item {(y * 7) % 13}", fill=(30, 30, 30))
    draw.rectangle((600 + 20 * step, 200, 760 + 20 * step, 260), fill=(40, 90, 200))
    draw.text((610 + 20 * step, 220), f"step {step}", fill=(255, 255, 255))
    return image


def keyed_tokens(tokens: list[int], image_token: int, urls: list[str]) -> list:
    """`tokens` with each image's placeholder run keyed by that image (its data URL's hash):
    two prompts share a prefix only as far as the same images stand in the same places."""
    keys = [hashlib.sha1(url.encode()).hexdigest()[:12] for url in urls]
    out, run = [], -1
    for i, token in enumerate(tokens):
        if token == image_token:
            if i == 0 or tokens[i - 1] != image_token:
                run += 1
            out.append(("image", keys[run] if run < len(keys) else run))
        else:
            out.append(token)
    return out


def shared_prefix(a: list, b: list) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def episode(policy, server_root: str, steps: int, image_token: int | None, tokenizer) -> dict:
    """Run `steps` steps; per step the prefix-cache counters' growth and the shared prefix."""
    import httpx

    bodies: list[dict] = []
    payload = policy.backend.payload

    def recording(messages, max_new_tokens):  # what generate() sends, kept for /tokenize
        body = payload(messages, max_new_tokens)
        bodies.append(body)
        return body

    policy.backend.payload = recording
    history: list[StepResult] = []
    rows, previous = [], None
    for step in range(steps):
        before = counters(server_root)
        try:
            decision = policy.decide(INSTRUCTION, screenshot(step), history)
            info, raw, actions, error = decision.info, decision.raw_text, decision.actions, None
        except FormatError as exc:
            info, raw, actions, error = exc.info, exc.raw_text, (), f"format error: {exc.reason}"
        after = counters(server_root)
        history.append(StepResult(step, actions, raw, error))
        row = {"prompt_tokens": info.get("prompt_tokens"),
               "queries": after["queries"] - before["queries"], "hits": after["hits"] - before["hits"]}
        if image_token is not None:
            messages = bodies[-1]["messages"]
            urls = [p["image_url"]["url"] for m in messages if isinstance(m["content"], list)
                    for p in m["content"] if p.get("type") == "image_url"]
            tokens = httpx.post(server_root + "/tokenize", json={"model": policy.backend.model_id, "messages": messages},
                                timeout=120).json()["tokens"]
            keyed = keyed_tokens(tokens, image_token, urls)
            if previous is not None:
                row["shared_prefix"] = shared_prefix(previous[1], keyed)
                row["first_change_after"] = tokenizer.decode(previous[0][max(0, row["shared_prefix"] - 12):
                                                                          row["shared_prefix"]]) if tokenizer else None
            previous = (tokens, keyed)
        rows.append(row)
    queries, hits = sum(r["queries"] for r in rows), sum(r["hits"] for r in rows)
    later_q, later_h = sum(r["queries"] for r in rows[1:]), sum(r["hits"] for r in rows[1:])
    shared = [r["shared_prefix"] for r in rows[2:] if "shared_prefix" in r]
    return {"steps": rows, "hit_rate": round(hits / queries, 3) if queries else None,
            "hit_rate_after_first": round(later_h / later_q, 3) if later_q else None,
            "stable_prefix_tokens": min(shared) if shared else None,
            "stable_prefix_ends_with": rows[-1].get("first_change_after")}


def counters(root: str) -> dict[str, float]:
    import httpx

    out = {"queries": 0.0, "hits": 0.0}
    for line in httpx.get(root + "/metrics", timeout=10).text.splitlines():
        for key, name in (("queries", "vllm:prefix_cache_queries_total"), ("hits", "vllm:prefix_cache_hits_total")):
            if line.startswith(name + "{") or line.startswith(name + " "):
                out[key] += float(line.rpartition(" ")[2])
    return out


def block_size(root: str) -> int | None:
    """The KV cache block size (vllm:cache_config_info's label): hits come in whole blocks."""
    import re

    import httpx

    for line in httpx.get(root + "/metrics", timeout=10).text.splitlines():
        if line.startswith("vllm:cache_config_info{") and (m := re.search(r'block_size="(\d+)"', line)):
            return int(m.group(1))
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--family", action="append", choices=FAMILY_NAMES,
                    help="repeatable; default: every family, each on a tiny checkpoint of its architecture")
    ap.add_argument("--base-url", help="measure an already running vLLM server instead (its /metrics must be ours alone)")
    ap.add_argument("--model", help="the served model's name, with --base-url")
    ap.add_argument("--max-new-tokens", type=int, default=32)
    args = ap.parse_args()
    families = args.family or list(FAMILY_NAMES)
    started, results, info = time.perf_counter(), {}, {}
    if args.base_url:
        if not args.model or len(families) != 1:
            ap.error("--base-url needs --model and one --family")
        root = args.base_url.rstrip("/").removesuffix("/v1")
        policy = build_policy(args.model, backend="openai", family=families[0], base_url=args.base_url,
                              max_new_tokens=args.max_new_tokens, check_resize=False)
        results[families[0]] = episode(policy, root, args.steps, None, None)
        info["block_size"] = block_size(root)
    else:
        results, info = served(families, args)
    rates = [r["hit_rate_after_first"] for r in results.values() if r["hit_rate_after_first"] is not None]
    print(json.dumps({"bench": "vllm_prefix_cache", "steps": args.steps, "families": results,
                      "hit_rate_after_first_mean": round(sum(rates) / len(rates), 3) if rates else None,
                      "python": platform.python_version(), "machine": f"{platform.machine()}, {_cores()} cores",
                      "seconds": round(time.perf_counter() - started, 1), **info}))


def served(families: list[str], args) -> tuple[dict, dict]:
    """Each family's episode on a tiny checkpoint of its architecture, one vLLM server at a time."""
    from transformers import AutoTokenizer

    from tests.doubles import tiny_qwen
    from tests.doubles.vllm_server import VllmServer

    folder = Path(tempfile.mkdtemp(prefix="vllm-prefix-"))
    by_arch: dict[str, list[str]] = {}
    for name in families:
        by_arch.setdefault(get_family(name).architectures[0].model_type, []).append(name)
    results, info = {}, {"start_s": {}}
    for arch, names in by_arch.items():
        checkpoint = tiny_qwen.build(folder, arch, hidden_size=128, max_positions=32768)
        factor = get_family(names[0]).factor
        max_pixels = MAX_PIXELS_BLOCKS * factor ** 2
        image_token = json.loads((checkpoint / "config.json").read_text())["image_token_id"]
        tokenizer = AutoTokenizer.from_pretrained(checkpoint)
        with VllmServer(checkpoint, log=folder / f"{arch}.log", max_pixels=max_pixels) as server:
            info["start_s"][arch] = server.start_s
            info["block_size"] = block_size(server.root)
            for name in names:
                policy = build_policy(server.model, backend="openai", family=name, base_url=server.base_url,
                                      max_pixels=max_pixels, max_new_tokens=args.max_new_tokens, check_resize=False)
                results[name] = {"arch": arch, **episode(policy, server.root, args.steps, image_token, tokenizer)}
                print(json.dumps({name: {k: v for k, v in results[name].items() if k != "steps"}}), file=sys.stderr)
    return results, info


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
