"""What it costs to read a model reply: a cold `gui-agent parse`, and parsing replies of every size.

1. Cold command: the median wall clock of `gui-agent parse --family qwen2.5-vl --screen 1920x1080
   REPLY` in a fresh process (an absolute-coordinate family, so the model size is computed with
   transformers' smart_resize), against the old way in the same run: the same command in a
   process that first imports transformers' image-processor module normally (which imports torch).
   Runs alternate, so both see the same machine load and file cache.
2. Parse time, per family, of normal replies (tool calls or Thought/Action lines repeated, and one
   `type` action with a long text) and of pathological ones (one character or token repeated, nested
   `{"a":`, random characters) at 10 KB, 100 KB and 1 MB with the size cap off, and of the 1 MB reply
   with the cap on (refused in O(1)); best of --repeat. `growth` is the 1 MB time over the 100 KB
   time: 10 is linear, 100 would be quadratic.

Run: python bench/parse_cost.py [--runs 7] [--repeat 3]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.models.families import FAMILIES  # noqa: E402
from agent.models.parsers import parse  # noqa: E402
from agent.models.resize import frame_for  # noqa: E402
from agent.policy import FormatError  # noqa: E402

SIZES = {"10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}
CLICK = ('<tool_call>{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [966, 546]}}'
         '</tool_call>')
OLD_IMPORT = "transformers.models.qwen2_vl.image_processing_pil_qwen2_vl"
_rng = random.Random(1234)
RANDOM = "".join(chr(_rng.randrange(32, 0x3000)) for _ in range(max(SIZES.values())))
PATHOLOGICAL = {"{": "{", "[": "[", '"': '"', "'": "'", "(": "(", "click(": "click(", "<tool_call>": "<tool_call>",
                "<|box_start|>": "<|box_start|>", "Action:": "Action:", "digits": "7", 'nested {"a":': '{"a":'}


def cold_runs(runs: int) -> dict:
    """Median seconds of a fresh `gui-agent parse` process, ours and the old way, alternating."""
    script = Path(sys.executable).with_name("gui-agent")
    ours = [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]
    # The old way: the command as it was, which imported the module (and torch) to get smart_resize.
    old = [sys.executable, "-c", f"import {OLD_IMPORT}\nfrom agent.cli import main\nmain()"]
    args = ["parse", "--family", "qwen2.5-vl", "--screen", "1920x1080", CLICK]
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    for _ in range(runs):
        for name, command in (("ours", ours), ("baseline", old)):
            t = time.perf_counter()
            out = subprocess.run(command + args, capture_output=True, text=True, cwd=ROOT)
            times[name].append(time.perf_counter() - t)
            if out.returncode != 0 or '"x": 960' not in out.stdout:
                raise SystemExit(f"{name} failed: {out.stderr}")
    ours_s, base_s = statistics.median(times["ours"]), statistics.median(times["baseline"])
    return {"runs": runs, "ours_s": round(ours_s, 3), "baseline_s": round(base_s, 3),
            "speedup": round(base_s / ours_s, 1), "ours_all_s": [round(t, 3) for t in times["ours"]]}


def normal_unit(family) -> str:
    if family.style == "tool_call":
        return "Thought: the button is there.\n" + CLICK.replace("966, 546", "500, 500") + "\n"
    return "Thought: the button is there.\nAction: click(start_box='(500,500)')\n\n"


def replies(family, size: int) -> dict[str, str]:
    """Every kind of reply at `size` characters."""
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    unit = normal_unit(family)
    out = {"normal": unit * max(1, size // len(unit))}
    pad = "x" * (size - 100)
    out["long type"] = (CLICK.replace('"left_click", "coordinate": [966, 546]', f'"type", "text": "{pad}"')
                        if family.style == "tool_call" else f"Action: type(content='{pad}')")
    out.update({name: fill(unit) for name, unit in PATHOLOGICAL.items()})
    out["random"] = RANDOM[:size]  # prefixes of one text, so every size holds the same kind of content
    return out


def timed_parse(text: str, family, frame, max_chars, repeat: int) -> tuple[float, str]:
    """Best milliseconds of `repeat` parse(text) calls (the least disturbed by other work on the
    machine), and what came of it ('3 actions' or 'FormatError')."""
    times, outcome = [], ""
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            outcome = f"{len(parse(text, family, frame, max_chars=max_chars))} actions"
        except FormatError:
            outcome = "FormatError"
        times.append((time.perf_counter() - t) * 1000)
    return min(times), outcome


def parse_costs(repeat: int) -> dict:
    result = {}
    for family in FAMILIES.values():
        frame = frame_for((1920, 1080), family)
        timed_parse(normal_unit(family), family, frame, None, 3)  # first-call imports are not parsing
        rows: dict[str, dict] = {}
        for label, size in SIZES.items():
            for kind, text in replies(family, size).items():
                ms, outcome = timed_parse(text, family, frame, None, repeat)
                row = rows.setdefault(kind, {})
                row[label] = round(ms, 2)
                row["outcome_1MB" if label == "1MB" else "_"] = outcome
                if label == "1MB":
                    row["capped_1MB"] = round(timed_parse(text, family, frame, 100_000, repeat)[0], 4)
        for kind, row in rows.items():
            row.pop("_", None)
            row["growth"] = round(row["1MB"] / max(row["100KB"], 0.01), 1)
            print(f"{family.name:12} {kind:14} " + "  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
        result[family.name] = rows
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold processes of each kind (median kept)")
    parser.add_argument("--repeat", type=int, default=3, help="parses per reply (best kept)")
    args = parser.parse_args()
    cold = cold_runs(args.runs)
    print(f"cold gui-agent parse: ours {cold['ours_s']} s, baseline {cold['baseline_s']} s", flush=True)
    costs = parse_costs(args.repeat)
    slowest = max((row["1MB"], f"{fam} {kind}") for fam, rows in costs.items() for kind, row in rows.items())
    growth = max((row["growth"], f"{fam} {kind}") for fam, rows in costs.items() for kind, row in rows.items()
                 if row["100KB"] >= 1)  # below 1 ms the ratio is noise
    print(json.dumps({
        "benchmark": "parse_cost", "cold_parse": cold, "parse_ms": costs,
        "slowest_1MB_ms": {"ms": slowest[0], "reply": slowest[1]},
        "largest_growth_100KB_to_1MB": {"ratio": growth[0], "reply": growth[1]},
        "capped_1MB_ms_max": max(row["capped_1MB"] for rows in costs.values() for row in rows.values()),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }))


if __name__ == "__main__":
    main()
