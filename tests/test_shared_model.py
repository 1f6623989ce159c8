"""One model process for many workers (agent/models/backends/shared.py): a tiny random-weight
Qwen2.5-VL checkpoint through the real loading code and the real generate(). Requests that come
together are answered by one batched generate(), with the replies each would get alone; a batch
with the transformers backend loads the model once, in one process, for all its workers."""

from __future__ import annotations

import json
import threading

import pytest
from PIL import Image

from agent.batch.model_host import ModelProcess
from agent.models import build_policy
from agent.policy import FormatError
from tests.helpers.batch import mousepad_task, needs_apps, results, run_batch

pytestmark = pytest.mark.slow

SMALL = 256 * 28 * 28
COLORS = [(40, 80, 120), (200, 10, 10), (10, 200, 10)]


@pytest.fixture(scope="module")
def tiny(tiny_checkpoints):
    return tiny_checkpoints["qwen2_5_vl"]


@pytest.fixture(scope="module")
def model(tiny, tmp_path_factory):
    process = ModelProcess(tiny, tmp_path_factory.mktemp("model") / "model.log")
    yield process
    process.close()


def _decide(policy, color) -> tuple:
    try:
        d = policy.decide("Press OK.", Image.new("RGB", (1280, 800), color), [])
        return d.raw_text, d.actions, None
    except FormatError as exc:  # random weights may say anything; it must be the same anything
        return exc.raw_text, [], exc.reason


def test_requests_that_come_together_share_one_generate(tiny, model):
    alone = build_policy(tiny, max_pixels=SMALL, max_new_tokens=40)  # its own copy, in this process
    want = [_decide(alone, c) for c in COLORS]
    shared = [build_policy(tiny, backend="shared", address=model.address, max_pixels=SMALL, max_new_tokens=40)
              for _ in COLORS]
    assert {p.family.name for p in shared} == {"qwen2.5-vl"}  # detected from the model process's model_type
    got, start = [None] * len(COLORS), threading.Barrier(len(COLORS))

    def ask(i):
        start.wait()
        got[i] = _decide(shared[i], COLORS[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(COLORS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert got == want  # the same text and the same parsed actions as each alone
    stats = shared[0].backend.stats()
    assert stats["pid"] == model.pid and {p.backend.server_pid for p in shared} == {model.pid}
    assert stats["requests"] == len(COLORS) and stats["largest_batch"] >= 2 and stats["generate_calls"] < len(COLORS)


def test_a_wrong_model_name_is_refused(tiny, model):
    from agent.models.backends import BackendError

    with pytest.raises(BackendError, match="serves"):
        build_policy(tiny + "-other", backend="shared", address=model.address, family="qwen2.5-vl")


def test_a_model_that_does_not_load_says_why(tmp_path):
    with pytest.raises(RuntimeError, match="the model process did not start: cannot load model config"):
        ModelProcess(str(tmp_path / "no-model"), tmp_path / "model.log")


@needs_apps
def test_a_batch_loads_the_model_once_for_all_workers(tiny, tmp_path):
    for name in ("one", "two", "three"):
        mousepad_task(tmp_path / "tasks", f"shared-{name}", name, max_steps=2)
    out = tmp_path / "out"
    done = run_batch(str(tmp_path / "tasks"), "--out", str(out), "--model", tiny, "--workers", "2",
                     "--max-pixels", str(SMALL), "--max-new-tokens", "40", timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    found = results(out)
    assert len(found) == 3 and all(r["final"] and r["status"] not in ("crashed", "model_error") for r in found.values()), \
        {k: (r["status"], r["error"]) for k, r in found.items()}
    assert {r["worker"] for r in found.values()} == {0, 1}
    log = (out / ".workers/model.log").read_text()
    assert log.count("\nready ") + log.startswith("ready ") == 1, log[-2000:]
    pids = {json.loads(line)["info"].get("model_pid") for key in found
            for line in (out / key / "traj.jsonl").read_text().splitlines()}
    assert len(pids) == 1 and None not in pids  # every step of both workers: the one model process
    for worker in (0, 1):
        assert "Loading weights" not in (out / f".workers/{worker}/worker.log").read_text()


def test_bad_model_stops_the_batch_with_one_line(tmp_path):
    mousepad_task(tmp_path / "tasks", "never", "x")
    done = run_batch(str(tmp_path / "tasks"), "--out", str(tmp_path / "out"), "--model", str(tmp_path / "nope"),
                     timeout=120)
    assert done.returncode == 2 and "error: the model process did not start: cannot load model config" in done.stderr
    assert "Traceback" not in done.stderr
