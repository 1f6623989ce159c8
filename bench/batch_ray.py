"""What Ray costs a batch: the replayed desktop-basics suite with `--workers 2` on this machine,
then `--ray` on a local cluster of one node and of two nodes (ray.cluster_utils.Cluster, loopback).

Per set-up, each `--repeat` times with a fresh results folder, the three interleaved, after one
unmeasured warm-up batch:
- wall_s: from the command's start to its exit; tasks_per_min = tasks * 60 / wall_s.
- engine_s: summary.json duration_s (the batch loop: workers starting, tasks, shutting down).
- task_s: the tasks' own time (result.json duration_s, measured by the worker around run_task).
- overhead_per_task_s: (engine_s * workers - task_s) / tasks: worker-seconds per task spent on
  anything but running it (start-up, hand-off, results travelling back), spread over the tasks.
- connect_s: wall time of the same command on the finished folder (nothing to run): the
  command's own start-up, and for Ray connecting to the cluster.
Ray's per-task overhead is the difference of overhead_per_task_s against the local run. Two
cores cannot show scale-out (both nodes share them); docs/scale.md's capacity model does that
on paper.

Run: python bench/batch_ray.py [--repeat 1]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tasks" / "suites" / "desktop-basics"


def batch(out: Path, *extra: str) -> float:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "agent.cli", "batch", str(SUITE), "--replay", str(SUITE / "replay"),
                           "--out", str(out), "--workers", "2", *extra], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"the batch failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def once(name: str, out: Path, *extra: str) -> dict:
    wall = batch(out, *extra)
    summary = json.loads((out / "summary.json").read_text())
    if summary["solved"] != summary["tasks"]:
        sys.exit(f"{name}: not every task was solved: {summary['by_status']}")
    tasks = [json.loads(p.read_text()) for p in out.glob("*/*/result.json")]
    task_s = sum(r["duration_s"] for r in tasks)
    size = sum(f.stat().st_size for r in tasks for f in (out / r["domain"] / r["task_id"]).rglob("*") if f.is_file())
    return {"wall_s": wall, "engine_s": summary["duration_s"], "task_s": task_s,
            "overhead_per_task_s": (summary["duration_s"] * 2 - task_s) / len(tasks),
            "connect_s": batch(out, *extra), "tasks": len(tasks), "result_kb_per_task": size / 1024 / len(tasks),
            "nodes": len({r["node"] for r in tasks})}


def on_cluster(nodes: int, out: Path) -> dict:
    from ray.cluster_utils import Cluster

    t = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    try:
        for _ in range(nodes - 1):
            cluster.add_node(num_cpus=2)
        cluster.wait_for_nodes(timeout=180)
        started = time.perf_counter() - t
        return {**once(f"ray {nodes}", out, "--ray", cluster.address), "cluster_start_s": started}
    finally:
        cluster.shutdown()


def summarize(name: str, rows: list[dict]) -> dict:
    med = {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}
    med["tasks_per_min"] = round(med["tasks"] * 60 / med["wall_s"], 2)
    med["tasks_per_min_runs"] = [round(r["tasks"] * 60 / r["wall_s"], 2) for r in rows]
    print(f"{name:>12}: {med['tasks_per_min']:5.2f} tasks/min {med['tasks_per_min_runs']}  wall {med['wall_s']:.1f} s  "
          f"engine {med['engine_s']:.1f} s  tasks {med['task_s']:.1f} s  overhead/task {med['overhead_per_task_s']:.2f} s  "
          f"connect {med['connect_s']:.1f} s  nodes used {med['nodes']:g}", flush=True)
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    batch(root / "warm-up")  # first app starts (LibreOffice, Chromium) are slower: not measured
    rows: dict[str, list[dict]] = {"local": [], "ray_1_nodes": [], "ray_2_nodes": []}
    for i in range(args.repeat):  # interleaved, so drift in the machine's load hits all three alike
        rows["local"].append(once("local", root / f"local-{i}"))
        rows["ray_1_nodes"].append(on_cluster(1, root / f"ray1-{i}"))
        rows["ray_2_nodes"].append(on_cluster(2, root / f"ray2-{i}"))
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "suite": "desktop-basics (5 tasks)",
              "workers": 2, "repeat": args.repeat}
    for key, name in (("local", "local"), ("ray_1_nodes", "ray 1 node"), ("ray_2_nodes", "ray 2 nodes")):
        report[key] = summarize(name, rows[key])
    for key in ("ray_1_nodes", "ray_2_nodes"):
        report[key]["ray_overhead_per_task_s"] = round(
            report[key]["overhead_per_task_s"] - report["local"]["overhead_per_task_s"], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
