"""What constrained decoding buys and costs, per family, with tiny random-weight checkpoints.

Each family's checkpoint (tests/doubles/tiny_qwen.py: Qwen2-VL, Qwen2.5-VL, Qwen3-VL weights;
UI-TARS on the Qwen2-VL / Qwen2.5-VL ones) runs --steps steps of one episode on a 1280x800
screenshot through the real ModelPolicy and transformers backend, twice: constrained (llguidance,
the family's grammar) and unconstrained. Random weights write garbage, so unconstrained every
reply is a format error; constrained, none should be.

Per family and mode: format errors per step, median tokens and latency per step, ms per token;
constrained also `constraint_ms`, the time spent in the logits processor per step (following
the tokens and computing the mask, the grammar's compilation included on the first step): the
latency constraining adds to a step. Steps are greedy (reproducible) on an otherwise idle CPU.

Run: python bench/constrained_decoding.py [--steps 5] [--max-new-tokens 160]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from PIL import Image  # noqa: E402

from agent.models import build_policy  # noqa: E402
from agent.policy import FormatError  # noqa: E402
from agent.steps import StepResult  # noqa: E402
from tests.doubles import tiny_qwen  # noqa: E402

CASES = {"qwen2-vl": "qwen2_vl", "qwen2.5-vl": "qwen2_5_vl", "qwen3-vl": "qwen3_vl", "ui-tars": "qwen2_vl",
         "ui-tars-1.5": "qwen2_5_vl"}
SMALL = 256 * 28 * 28
"""max_pixels: a small image keeps the tiny model's prompt short (the image is not the point here)."""


def episode(policy, steps: int) -> list[dict]:
    """One record per step: error (bool), tokens, latency, constraint time."""
    screen, history, out = Image.new("RGB", (1280, 800), (40, 80, 120)), [], []
    for index in range(steps):
        try:
            decision = policy.decide("Open the settings.", screen, history)
            raw, info, actions, error = decision.raw_text, decision.info, decision.actions, None
        except FormatError as exc:
            raw, info, actions, error = exc.raw_text, exc.info, [], f"format error: {exc.reason}"
        history.append(StepResult(index, actions, raw, error=error))
        out.append({"error": error is not None, "tokens": info["completion_tokens"], "latency_ms": info["latency_ms"],
                    "constraint_ms": info.get("constraint_ms"), "constrained": info["constrained"]})
    return out


def summary(records: list[dict]) -> dict:
    tokens = sum(r["tokens"] for r in records)
    latency = sum(r["latency_ms"] for r in records)
    row = {"format_errors_per_step": round(sum(r["error"] for r in records) / len(records), 2),
           "tokens": statistics.median(r["tokens"] for r in records),
           "latency_ms": round(statistics.median(r["latency_ms"] for r in records), 1),
           "ms_per_token": round(latency / max(tokens, 1), 2)}
    if records[0]["constrained"]:
        spent = [r["constraint_ms"] for r in records]
        row.update(constraint_ms=round(statistics.median(spent), 2), constraint_ms_first=spent[0],
                   constraint_ms_per_token=round(sum(spent) / max(tokens, 1), 3))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="steps per family and mode")
    parser.add_argument("--max-new-tokens", type=int, default=160, help="the reply budget (the grammar fits it)")
    args = parser.parse_args()
    families = {}
    with tempfile.TemporaryDirectory() as root:
        paths = {arch: str(tiny_qwen.build(root, arch)) for arch in sorted(set(CASES.values()))}
        for family, arch in CASES.items():
            row = {}
            for mode in ("constrained", "unconstrained"):
                policy = build_policy(paths[arch], family=family, max_pixels=SMALL,
                                      max_new_tokens=args.max_new_tokens, constrained=mode == "constrained")
                episode(policy, 1)  # warm-up: first-call costs of torch, not of constraining
                row[mode] = summary(episode(policy, args.steps))
            families[family] = row
            print(family, json.dumps(row), flush=True)
    constrained = [r["constrained"] for r in families.values()]
    print(json.dumps({
        "benchmark": "constrained_decoding", "steps": args.steps, "max_new_tokens": args.max_new_tokens,
        "families": families,
        "format_errors_per_step": {"constrained": max(r["format_errors_per_step"] for r in constrained),
                                   "unconstrained": min(r["unconstrained"]["format_errors_per_step"]
                                                        for r in families.values())},
        "constraint_ms_per_step": round(statistics.median(r["constraint_ms"] for r in constrained), 2),
        "constraint_ms_per_token": round(statistics.median(r["constraint_ms_per_token"] for r in constrained), 3),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }))


if __name__ == "__main__":
    main()
