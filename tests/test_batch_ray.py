"""`gui-agent batch --ray`: the replayed desktop-basics suite on a real two-node Ray cluster on
loopback (ray.cluster_utils.Cluster), with the worker node removed while it runs a task. Every
task finishes exactly once with its score, the lost task runs again on the other node, and the
results layout and scores are those of the same batch without Ray."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.helpers.batch import (ROOT, batch_argv, child_env, copy_suite, leftovers, needs_apps, needs_suite_apps,
                                 results, run_batch, wait_until)

pytestmark = [pytest.mark.slow, needs_apps, needs_suite_apps]

SCORES = {"mousepad/mousepad-list": ("success", 1.0), "mousepad/mousepad-fix-typo": ("success", 1.0),
          "chrome/chrome-signup-form": ("success", 1.0), "libreoffice_calc/calc-order-totals": ("done", 1.0),
          "os/os-infeasible-font": ("infeasible", 1.0)}
START_S = 180  # a cold Ray node on a busy two-core machine can take a minute


def _ray_missing(reason: str):
    """Fail in CI (Ray is in the dev extra there), else skip with the reason."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes on loopback, two CPUs each: the head (the batch connects to it) and a worker node."""
    try:
        from ray.cluster_utils import Cluster
    except ImportError:
        _ray_missing("Ray is not installed: pip install 'gui-agent[ray]'")
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    try:
        c.worker = c.add_node(num_cpus=2)
        c.wait_for_nodes(timeout=START_S)
        yield c
    finally:
        c.shutdown()


def _staged_tasks(raylet_pid: int) -> list[Path]:
    """Task folders a NodeWorker actor under this raylet is writing right now (ray_node.py stages
    each task in a folder named for the actor's process until the task ends)."""
    found = []
    for base in {Path(tempfile.gettempdir()), Path("/tmp")}:
        for stage in base.glob("gui-agent-ray-*-w*"):
            pid = int(stage.name.split("-")[3])
            try:
                parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == raylet_pid:
                found += [p for p in stage.glob("out/*/*") if not p.parent.name.startswith(".")]
    return found


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    """The suite without Ray (two workers), then with Ray on both nodes, removing the worker node
    as soon as it runs a task."""
    root = tmp_path_factory.mktemp("ray-batch")
    suite, replay = copy_suite(root)
    local = run_batch(str(suite), "--out", str(root / "local"), "--replay", str(replay), "--workers", "2")
    log = root / "ray.log"
    t0 = time.time()
    with open(log, "wb") as f:
        proc = subprocess.Popen(batch_argv(str(suite), "--out", str(root / "ray"), "--replay", str(replay),
                                           "--workers", "2", "--ray", cluster.address),
                                stdout=f, stderr=subprocess.STDOUT, env=child_env(), cwd=ROOT)
    try:
        from ray._private import ray_constants

        raylet = cluster.worker.all_processes[ray_constants.PROCESS_TYPE_RAYLET][0].process.pid
        victim = wait_until(lambda: _staged_tasks(raylet), START_S, "a task on the worker node", poll=0.05)
        worker_node = cluster.worker.node_id
        cluster.remove_node(cluster.worker, allow_graceful=False)  # as if the machine went away
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {"root": root, "suite": suite, "replay": replay, "local": local, "ray": proc,
            "ray_log": log.read_text(errors="replace"), "victim": f"{victim[0].parent.name}/{victim[0].name}",
            "lost_stage": victim[0].parents[2], "t0": t0,
            "worker_node": worker_node, "head_node": cluster.head_node.node_id}


def test_every_task_finishes_once_with_its_score(runs):
    assert runs["local"].returncode == 0, runs["local"].stderr[-3000:]
    assert runs["ray"].returncode == 0, runs["ray_log"][-3000:]
    got = results(runs["root"] / "ray")
    assert {k: (r["status"], r["txt"]) for k, r in got.items()} == SCORES, runs["ray_log"][-3000:]
    # One line per finished task in the batch's output: none was recorded twice.
    for key in SCORES:
        assert sum(1 for line in runs["ray_log"].splitlines() if line.rstrip().endswith(key) or f" {key}  " in line) == 1, key
    summary = json.loads((runs["root"] / "ray/summary.json").read_text())
    assert (summary["finished"], summary["pending"], summary["score"], summary["ray"]) == (5, 0, 5.0, str(
        runs["ray"].args[-1]))


def test_the_lost_task_ran_again_on_the_other_node(runs):
    victim = runs["victim"]
    assert f"lost its node {runs['worker_node']}; {victim} goes back to the queue" in runs["ray_log"]
    r = results(runs["root"] / "ray")[victim]
    assert r["node"] == runs["head_node"] and (r["status"], r["txt"]) == SCORES[victim]
    assert "earlier_attempt" not in r and not (runs["root"] / "ray/.attempts").exists()
    nodes = {r["node"] for r in results(runs["root"] / "ray").values()}
    assert nodes <= {runs["head_node"], runs["worker_node"]} and runs["head_node"] in nodes


def _layout(out: Path) -> dict[str, list[str]]:
    return {key: sorted(str(p.relative_to(out / key)) for p in (out / key).rglob("*"))
            for key in results(out)}


def test_the_layout_and_scores_equal_a_batch_without_ray(runs):
    local, ray = runs["root"] / "local", runs["root"] / "ray"
    assert _layout(ray) == _layout(local)
    fields = ("status", "score", "steps", "error", "txt", "policy", "task_id", "domain")
    assert {k: [r[f] for f in fields] for k, r in results(ray).items()} == \
           {k: [r[f] for f in fields] for k, r in results(local).items()}
    for key in results(ray):
        assert (ray / key / "traj.jsonl").read_text().count("\n") == (local / key / "traj.jsonl").read_text().count("\n")
    assert not list(ray.glob("*/.incoming-*")) and not list(ray.glob("*/*/.*.tmp"))


def test_every_result_names_its_node_and_worker(runs):
    import socket

    for r in results(runs["root"] / "local").values():
        assert r["node"] == socket.gethostname() and r["worker"] in (0, 1)
    for r in results(runs["root"] / "ray").values():
        assert r["node"] in (runs["head_node"], runs["worker_node"]) and isinstance(r["worker"], int)
        assert r["display"].startswith(":")
    # The workers' logs come back with them (the lost node's excepted), where a local batch keeps them.
    logs = "".join(p.read_text() for p in (runs["root"] / "ray/.workers").glob("*/worker.log"))
    assert logs.count("--- worker ") >= 2 and "start " in logs


def test_nothing_is_left_running(runs):
    assert not leftovers(runs["ray"].pid)
    # Only the removed node's folder is left (its machine, gone for real, would take it along).
    staged = {p.parents[2] for base in {Path(tempfile.gettempdir()), Path("/tmp")}
              for p in base.glob("gui-agent-ray-*-w*/out/*/*") if p.parents[2].stat().st_mtime >= runs["t0"]}
    assert staged <= {runs["lost_stage"]}


def test_resume_and_retry_on_ray(runs, cluster):
    out = runs["root"] / "ray"
    again = run_batch(str(runs["suite"]), "--out", str(out), "--replay", str(runs["replay"]), "--workers", "2",
                      "--ray", cluster.address, timeout=START_S + 120)
    assert again.returncode == 0 and "5 already finished, 0 to skip, 0 to run" in again.stderr, again.stderr[-2000:]
    before = results(out)
    retry = run_batch(str(runs["suite"]), "--out", str(out), "--replay", str(runs["replay"]), "--workers", "1",
                      "--ray", cluster.address, "--retry", "infeasible", timeout=START_S + 120)
    assert retry.returncode == 0, retry.stderr[-2000:]
    after = results(out)
    key = "os/os-infeasible-font"
    assert after[key]["earlier_attempt"] == ".attempts/os/os-infeasible-font/1"
    assert (out / ".attempts/os/os-infeasible-font/1/result.txt").is_file()
    assert (after[key]["status"], after[key]["txt"]) == SCORES[key]
    assert {k: r["ended"] for k, r in after.items() if k != key} == {k: r["ended"] for k, r in before.items() if k != key}


def test_a_task_past_its_time_limit_is_killed_and_its_worker_replaced(cluster, tmp_path):
    from tests.helpers.batch import mousepad_task, typing, write_replay

    mousepad_task(tmp_path / "tasks", "ray-1-hangs", "never saved")
    mousepad_task(tmp_path / "tasks", "ray-2-after", "after")
    write_replay(tmp_path / "replay", "ray-1-hangs", [{"type": "wait", "seconds": 120}])
    write_replay(tmp_path / "replay", "ray-2-after", typing("after"))
    out = tmp_path / "out"
    done = run_batch(str(tmp_path / "tasks"), "--out", str(out), "--replay", str(tmp_path / "replay"),
                     "--workers", "1", "--task-timeout", "15", "--ray", cluster.address, timeout=START_S + 240)
    assert done.returncode == 0, done.stderr[-3000:]
    found = results(out)
    hung, after = found["notes/ray-1-hangs"], found["notes/ray-2-after"]
    assert (hung["status"], hung["txt"]) == ("timeout", 0.0) and "killed" in hung["error"]
    assert hung["node"] == cluster.head_node.node_id and hung["worker"] == 0
    assert (after["status"], after["txt"]) == ("success", 1.0)
    log = (out / ".workers/0/worker.log").read_text()
    assert log.count("--- worker 0.") == 2 and "start notes/ray-" in log  # the killed worker's and its replacement's
    assert not leftovers(done.pid)


def test_workers_the_cluster_has_no_room_for_wait_while_the_others_work(cluster, tmp_path):
    from tests.helpers.batch import mousepad_task, typing, write_replay

    free = cluster.head_node  # only the head is left: 2 CPUs, room for one worker of 2
    for name in ("a", "b"):
        mousepad_task(tmp_path / "tasks", f"ray-room-{name}", name)
        write_replay(tmp_path / "replay", f"ray-room-{name}", typing(name))
    out = tmp_path / "out"
    done = run_batch(str(tmp_path / "tasks"), "--out", str(out), "--replay", str(tmp_path / "replay"),
                     "--workers", "3", "--ray-cpus", "2", "--ray", cluster.address, timeout=START_S + 240)
    assert done.returncode == 0, done.stderr[-3000:]
    found = results(out)
    assert {(r["status"], r["txt"], r["node"], r["worker"]) for r in found.values()} == {
        ("success", 1.0, free.node_id, found["notes/ray-room-a"]["worker"])}
    assert not leftovers(done.pid)


def test_one_model_process_per_node_serves_its_workers(cluster, tmp_path):
    """The transformers backend on Ray: each node's workers ask that node's one model actor."""
    from tests.doubles import tiny_qwen
    from tests.helpers.batch import mousepad_task

    t0 = time.time()
    cluster.add_node(num_cpus=2)  # the earlier test removed the worker node
    cluster.wait_for_nodes(timeout=START_S)
    tiny = str(tiny_qwen.build(tmp_path / "model", "qwen2_5_vl"))
    for n in range(4):
        mousepad_task(tmp_path / "tasks", f"ray-model-{n}", "x", max_steps=2)
    out = tmp_path / "out"
    done = run_batch(str(tmp_path / "tasks"), "--out", str(out), "--model", tiny, "--workers", "2",
                     "--max-pixels", str(256 * 28 * 28), "--max-new-tokens", "40", "--ray", cluster.address,
                     timeout=START_S + 400)
    assert done.returncode == 0, done.stderr[-3000:]
    found = results(out)
    assert len(found) == 4 and all(r["final"] and r["status"] not in ("crashed", "model_error") for r in found.values())
    pids_by_node: dict[str, set] = {}
    for key, r in found.items():
        for line in (out / key / "traj.jsonl").read_text().splitlines():
            pids_by_node.setdefault(r["node"], set()).add(json.loads(line)["info"]["model_pid"])
    assert len(pids_by_node) == 2, pids_by_node  # SPREAD: one worker on each node
    assert all(len(p) == 1 for p in pids_by_node.values()) and len(set.union(*pids_by_node.values())) == 2
    assert not leftovers(done.pid)
    model_pids = set.union(*pids_by_node.values())
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in model_pids), 60, "the model processes to end")
    assert not [p for p in Path(tempfile.gettempdir()).glob("gui-agent-*-model-*") if p.stat().st_mtime >= t0]
