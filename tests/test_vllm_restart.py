"""A vLLM server killed in the middle of an episode and started again on the same port: the
openai backend's retries (patience_s, 180 s by default) outlast the restart and the episode goes
on where it was, with no model_error. Replies are one token long, so every step is a format
error and no reply ends the episode early."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.helpers.vllm import SCREEN, VLLM_MAX_PIXELS, episode_task, result, trajectory

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

STEPS = 8


def test_an_episode_outlasts_a_server_restart(vllm_qwen25, tmp_path):
    server = vllm_qwen25
    task = episode_task(tmp_path, STEPS)
    run = subprocess.Popen([sys.executable, "-m", "agent.cli", "run", str(task), "--backend", "openai",
                            "--base-url", server.base_url, "--model", server.model, "--family", "qwen2.5-vl",
                            "--xvfb", SCREEN, "--max-new-tokens", "1", "--max-pixels", str(VLLM_MAX_PIXELS),
                            "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    traj = tmp_path / "out/vllm/served/traj.jsonl"
    try:
        deadline = time.monotonic() + 300
        while not (traj.exists() and len(traj.read_text().splitlines()) >= 2):
            assert run.poll() is None and time.monotonic() < deadline, "the episode did not get going"
            time.sleep(0.05)
        before = server.proc.pid
        server.kill()
        assert run.poll() is None, "the episode ended before the server was killed"
        server.start()  # the same port; 40-75 s here
        assert server.proc.pid != before
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
        if server.proc is None:  # leave a server for the tests after this one
            server.start()
    assert run.returncode == 1, stdout + stderr  # not solved (it never is), but not a model error (3)
    assert "Traceback" not in stderr
    record, steps = result(tmp_path), trajectory(tmp_path)
    assert record["status"] == "max_steps" and len(steps) == STEPS, record
    assert all(step["error"].startswith("format error") for step in steps), [s["error"] for s in steps]
    assert [step["info"]["images"] for step in steps] == [1] + [2] * (STEPS - 1)
    # The restarted server answered the steps after the outage.
    assert server.metrics()["vllm:request_success_total"] >= STEPS - 3
