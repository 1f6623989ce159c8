"""`gui-agent batch --model ...`: the model options of `run` reach the model policy, and a served
model (a real loopback OpenAI-compatible server) solves a real Mousepad task in a worker."""

from __future__ import annotations

import json

import pytest

from tests.doubles.openai_server import decode_images
from tests.helpers.batch import HOSTILE_TEXT, HOSTILE_THOUGHT, leftovers, needs_apps

pytestmark = [pytest.mark.slow, needs_apps]


@pytest.fixture(scope="module")
def run(model_batch):
    return model_batch


def test_a_served_model_solves_the_task(run):
    assert run.proc.returncode == 0, run.proc.stderr[-3000:]
    r = run.results["web_text/hostile-text"]
    assert (r["status"], r["txt"], r["steps"], r["policy"]) == ("success", 1.0, 2, "served-qwen")
    steps = [json.loads(line) for line in (run.out / "web_text/hostile-text/traj.jsonl").read_text().splitlines()]
    assert HOSTILE_THOUGHT in steps[0]["raw"] and steps[0]["actions"] == [{"type": "type", "text": HOSTILE_TEXT}]
    assert not leftovers(run.proc.pid)


def test_model_options_reach_the_backend(run):
    first = run.requests[0]
    assert first["model"] == "served-qwen" and first["max_tokens"] == 77
    (image,) = [i for m in first["messages"] if m["role"] == "user" for i in decode_images(m)]
    assert image.width * image.height <= 200000
    images_later = [i for m in run.requests[1]["messages"] if m["role"] == "user" for i in decode_images(m)]
    assert len(images_later) == 1  # --history-images 1


def test_model_and_replay_are_exclusive(tmp_path):
    from tests.helpers.batch import run_batch

    both = run_batch(str(tmp_path), "--out", str(tmp_path / "o"), "--model", "m", "--replay", str(tmp_path))
    neither = run_batch(str(tmp_path), "--out", str(tmp_path / "o"))
    missing = run_batch(str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"), "--replay", str(tmp_path))
    assert (both.returncode, neither.returncode, missing.returncode) == (2, 2, 2)
    assert "not both" in both.stderr and "--model" in neither.stderr and "nope.yaml" in missing.stderr


def test_a_worker_that_cannot_start_stops_the_batch(tmp_path):
    from tests.helpers.batch import mousepad_task, run_batch

    mousepad_task(tmp_path / "tasks", "never-run", "x")
    done = run_batch(str(tmp_path / "tasks"), "--out", str(tmp_path / "out"), "--model", "m", "--backend", "openai",
                     "--base-url", "http://127.0.0.1:9/v1", "--family", "no-such-family")
    assert done.returncode == 2 and "worker 0 could not start" in done.stderr and "no-such-family" in done.stderr
    assert not (tmp_path / "out/notes/never-run/result.txt").exists()
    assert not leftovers(done.pid)
