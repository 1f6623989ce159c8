"""Batch throughput on the real desktop-basics suite, and what settle detection saves over the
fixed sleeps of OSWorld's runner.

1. Runs `gui-agent batch tasks/suites/desktop-basics --replay ...` with --workers 1 and 2 (each
   `--repeat` times, fresh results folder each time) and reports tasks per minute, wall clock
   from the command's start to its exit (worker and display start-up included).
2. From the --workers 1 runs (no contention between workers), per task: how long our runs
   waited for the screen (settling after set-up, as logged by the worker, plus settling after
   every step), against OSWorld's fixed waits for the same task: 60 s after set-up and 20 s
   before evaluating (its lib_run_single.py), plus `--step-pause` seconds after each step
   (0 by default; OSWorld's DesktopEnv.step pauses 2 s unless the runner passes another value).
   `projected_fixed_s` is our measured task time with our waits swapped for the fixed ones.

Run: python bench/batch_throughput.py [--repeat 2] [--step-pause 0]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tasks" / "suites" / "desktop-basics"
OSWORLD_AFTER_SETUP_S = 60.0
OSWORLD_BEFORE_EVAL_S = 20.0


def run_batch(out: Path, workers: int) -> float:
    """Run the suite once; wall-clock seconds. Fails loudly if any task is not solved."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "agent.cli", "batch", str(SUITE), "--replay", str(SUITE / "replay"),
                           "--out", str(out), "--workers", str(workers)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - t
    summary = json.loads((out / "summary.json").read_text())
    if done.returncode != 0 or summary["solved"] != summary["tasks"]:
        sys.exit(f"the suite did not pass (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def task_waits(out: Path, step_pause: float) -> list[dict]:
    """Per task: measured duration and waits, and the same task with fixed sleeps instead."""
    rows = []
    for path in sorted(out.glob("*/*/result.json")):
        r = json.loads(path.read_text())
        key = f"{path.parent.parent.name}/{path.parent.name}"
        setup_settle = r.get("setup_settle_ms", 0.0) / 1000
        step_settle = r["timings_ms"].get("settle", 0.0) / 1000
        ours = setup_settle + step_settle
        fixed = OSWORLD_AFTER_SETUP_S + OSWORLD_BEFORE_EVAL_S + step_pause * r["steps"]
        rows.append({"task": key, "steps": r["steps"], "duration_s": r["duration_s"],
                     "setup_settle_s": round(setup_settle, 2), "step_settle_s": round(step_settle, 2),
                     "ours_wait_s": round(ours, 2), "fixed_wait_s": fixed,
                     "projected_fixed_s": round(r["duration_s"] - ours + fixed, 2)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="Runs per worker count; the median is reported.")
    ap.add_argument("--step-pause", type=float, default=0.0, help="Seconds a fixed-sleep runner waits after each step.")
    args = ap.parse_args()
    n_tasks = len(list(SUITE.glob("replay/*.jsonl")))
    tmp = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    try:
        walls: dict[int, list[float]] = {1: [], 2: []}
        rows: list[dict] = []
        for i in range(args.repeat):
            for workers in (1, 2):
                out = tmp / f"w{workers}-{i}"
                walls[workers].append(run_batch(out, workers))
                print(f"workers={workers} run {i + 1}: {walls[workers][-1]:.1f} s", file=sys.stderr)
                if workers == 1:
                    rows.extend(task_waits(out, args.step_pause))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    per_run = {w: statistics.median(v) for w, v in walls.items()}
    for row in rows[:n_tasks]:
        print(json.dumps(row), file=sys.stderr)
    runs = max(1, len(rows) // n_tasks)
    ours = sum(r["ours_wait_s"] for r in rows) / runs
    fixed = sum(r["fixed_wait_s"] for r in rows) / runs
    measured = sum(r["duration_s"] for r in rows) / runs
    projected = sum(r["projected_fixed_s"] for r in rows) / runs
    result = {
        "suite": "desktop-basics", "tasks": n_tasks, "repeat": args.repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "workers_1": {"wall_s": round(per_run[1], 1), "tasks_per_min": round(n_tasks / per_run[1] * 60, 1)},
        "workers_2": {"wall_s": round(per_run[2], 1), "tasks_per_min": round(n_tasks / per_run[2] * 60, 1)},
        "speedup_2_vs_1": round(per_run[1] / per_run[2], 2),
        "waits_1_worker": {
            "ours_s": round(ours, 1), "fixed_sleeps_s": round(fixed, 1), "saved_s": round(fixed - ours, 1),
            "setup_settle_s_mean": round(statistics.mean(r["setup_settle_s"] for r in rows), 2),
            "step_pause_s": args.step_pause,
            "task_time_s": round(measured, 1), "task_time_with_fixed_sleeps_s": round(projected, 1),
            "tasks_per_min_with_fixed_sleeps": round(n_tasks / projected * 60, 2),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
