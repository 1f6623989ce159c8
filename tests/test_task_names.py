"""Names and paths that come from task files: every id gets its own stable folder (also for
replay files), clashing ids are refused, and paths a task names for writing stay in its folders."""

from __future__ import annotations

import json
import os

import pytest

from agent.record import safe_name
from tests.helpers.batch import results, run_batch, write_json, write_replay, write_yaml
from tests.helpers.cli import gui_agent

SAID_INFEASIBLE = [{"type": "done", "status": "failure"}]


def infeasible_task(folder, file_name, task_id, **fields):
    return write_json(folder / f"{file_name}.json", {
        "id": task_id, "snapshot": "os", "instruction": f"Task {task_id!r}.", "source": "test", "config": [],
        "related_apps": ["os"], "evaluator": {"func": "infeasible"}, **fields})


def test_safe_names_are_distinct_stable_and_short():
    ids = ["a b", "a_b", "世界", "..", ".", "x" * 300, "x" * 301, "../escape", "/etc/passwd", "plain-id.1"]
    names = [safe_name(i) for i in ids]
    assert len(set(names)) == len(ids)
    assert names == [safe_name(i) for i in ids]
    assert safe_name("plain-id.1") == "plain-id.1" and safe_name("a_b") == "a_b"
    assert all(len(n) <= 80 and "/" not in n and not n.startswith(".") for n in names)


@pytest.mark.slow
def test_odd_ids_each_run_in_their_own_folder_with_their_replay(tmp_path):
    odd = {"space": "a b", "underscore": "a_b", "cjk": "世界", "dots": "..", "long": "x" * 300,
           "escape": "../escape"}
    for file_name, task_id in odd.items():
        infeasible_task(tmp_path / "tasks", file_name, task_id)
    replay = tmp_path / "replay"
    write_replay(replay, "a b", SAID_INFEASIBLE)  # DESIGN's DIR/<task_id>.jsonl where the id can be a name
    for task_id in set(odd.values()) - {"a b"}:
        write_replay(replay, safe_name(task_id), SAID_INFEASIBLE)  # else the folder's name
    done = run_batch(str(tmp_path / "tasks"), "--out", str(tmp_path / "out"), "--replay", str(replay))
    assert done.returncode == 0, done.stderr
    found = results(tmp_path / "out")
    assert sorted(r["task_id"] for r in found.values()) == sorted(odd.values())
    assert all(r["status"] == "infeasible" and r["txt"] == 1.0 for r in found.values())
    assert not (tmp_path / "escape").exists() and not (tmp_path / "out" / "escape").exists()
    assert "warning" not in done.stderr


@pytest.mark.slow
def test_two_files_with_one_id_are_refused_by_batch_and_check(tmp_path):
    for name in ("one", "two"):
        write_yaml(tmp_path / "tasks" / f"{name}.yaml", {"id": "same", "domain": "d", "instruction": name})
    batch = run_batch(str(tmp_path / "tasks"), "--out", str(tmp_path / "out"), "--replay", str(tmp_path))
    assert batch.returncode == 2
    assert "two.yaml: id: d/same is also the id of" in batch.stderr and "one.yaml" in batch.stderr
    assert not (tmp_path / "out" / "d").exists()
    check = gui_agent("check", str(tmp_path / "tasks"))
    assert check.returncode == 2 and "is also the id of" in check.stderr
    # The same file named twice (a folder and the file itself) is one task, not a clash.
    (tmp_path / "tasks" / "two.yaml").unlink()
    again = gui_agent("check", str(tmp_path / "tasks"), str(tmp_path / "tasks" / "one.yaml"))
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_batch_over_an_empty_folder_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_batch(str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--replay", str(tmp_path))
    assert done.returncode == 2
    assert "no task files found" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_paths_a_task_writes_stay_in_its_folders(tmp_path):
    out = tmp_path / "out"
    escape = tmp_path / "escaped.txt"
    # A getter `dest` climbing out of the evaluation folder: the metric cannot run, score 0.
    infeasible_task(tmp_path / "tasks", "dest", "dest-escape", config=[
        {"type": "execute", "parameters": {"command": ["bash", "-c", "echo hi > /home/user/out.txt"]}}],
        evaluator={"func": "compare_text_file",
                   "result": {"type": "vm_file", "path": "/home/user/out.txt",
                              "dest": os.path.relpath(escape, out / "tasks/dest-escape/workdir/osworld-eval")},
                   "expected": {"type": "vm_file", "path": "/home/user/out.txt", "dest": "expected.txt"}})
    # A download to a path outside the task's HOME and folder: the set-up step is refused.
    infeasible_task(tmp_path / "tasks", "download", "download-escape", config=[
        {"type": "download", "parameters": {"files": [{"url": "https://x.invalid/f.txt", "path": str(escape)}]}}])
    write_replay(tmp_path / "replay", "dest-escape", [{"type": "wait", "seconds": 0.1}])
    write_replay(tmp_path / "replay", "download-escape", [{"type": "wait", "seconds": 0.1}])
    cached = tmp_path / "cache/x.invalid/f.txt"  # in the cache, so only the path can stop it
    cached.parent.mkdir(parents=True)
    cached.write_text("payload")
    done = run_batch(str(tmp_path / "tasks"), "--out", str(out), "--replay", str(tmp_path / "replay"),
                     "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    found = {r["task_id"]: r for r in results(out).values()}
    dest, download = found["dest-escape"], found["download-escape"]
    assert dest["score"] == 0.0 and "not a file name inside the task's evaluation folder" in dest["check_error"]
    assert download["status"] == "setup_error" and "outside the task's HOME and folder" in download["error"]
    assert not escape.exists()
    assert json.loads((out / "summary.json").read_text())["tasks"] == 2
