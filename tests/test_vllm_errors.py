"""A vLLM server deployed with flags that do not fit our requests refuses them; `gui-agent run`
says so in one line naming the flag that fixes it, and exits 3 (no result: the model could not
be asked). Replies are one token long, so no reply (constrained or not) ends an episode early."""

from __future__ import annotations

import json

import pytest

from tests.helpers.vllm import VLLM_MAX_PIXELS, result, run_served, trajectory

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

ONE_TOKEN = ("--max-new-tokens", "1")


def model_error_line(folder, done) -> str:
    """The run's one error line, checked to be the same in stdout, result.json and traj.jsonl."""
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error: no result: the model could not be asked" in done.stderr
    record = result(folder)
    assert record["status"] == "model_error" and "\n" not in record["error"]
    assert f"({record['error']})" in done.stdout.splitlines()[0]
    assert trajectory(folder)[-1]["error"] == f"model error: {record['error']}"
    return record["error"]


def test_more_screenshots_than_the_server_takes(vllm_qwen25, tmp_path):
    done = run_served(vllm_qwen25, tmp_path, *ONE_TOKEN, "--max-pixels", str(VLLM_MAX_PIXELS),
                      "--history-images", "3", steps=5)
    line = model_error_line(tmp_path, done)
    assert line.endswith("answered HTTP 400: too many images: the server takes at most 2 images in a prompt "
                         "and this one has 3; start it with --limit-mm-per-prompt '{\"image\": 3}', "
                         "or run with --history-images 2"), line
    assert len(trajectory(tmp_path)) == 3  # the third prompt was the first with three screenshots


def test_per_request_processor_options_the_server_does_not_trust(vllm_qwen25, tmp_path):
    extra = json.dumps({"mm_processor_kwargs": {"max_pixels": VLLM_MAX_PIXELS}})
    done = run_served(vllm_qwen25, tmp_path, *ONE_TOKEN, "--model-option", f"extra_body={extra}", steps=2)
    line = model_error_line(tmp_path, done)
    assert line.endswith("answered HTTP 400: the server refuses per-request mm_processor_kwargs (the extra_body "
                         "model option); start it with --trust-request-mm-kwargs, or set them on the server with "
                         "--mm-processor-kwargs and drop them here"), line


def test_a_prompt_longer_than_the_servers_context(start_vllm, tmp_path):
    server = start_vllm("qwen2_5_vl", max_model_len=2048, max_pixels=VLLM_MAX_PIXELS)
    try:
        done = run_served(server, tmp_path, *ONE_TOKEN, "--max-pixels", str(VLLM_MAX_PIXELS), steps=2)
    finally:
        server.stop()
    line = model_error_line(tmp_path, done)
    assert "answered HTTP 400: prompt too long: the prompt (at least " in line
    assert line.endswith("tokens) does not fit the server's context of 2048 tokens; start it with a larger "
                         "--max-model-len, or send fewer or smaller screenshots (--history-images, --max-pixels)"), line
    assert len(trajectory(tmp_path)) == 1
