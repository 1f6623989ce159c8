"""What a model server's refusals and outages become in the openai backend: one line naming the
flag that fixes a mismatched deployment, retries that outlast a restart (patience_s), and the
episode's deadline over both. The refusals are vLLM 0.32's own answers, served from a loopback
server (tests/test_vllm_errors.py gets them from vLLM itself)."""

from __future__ import annotations

import json
import socket
import time

import pytest
from PIL import Image

from agent.models import build_policy
from agent.models.backends import BackendError
from agent.models.backends.server_errors import explain, server_message
from agent.policy import OutOfTime
from tests.doubles.openai_server import ChatServer

TOO_MANY = "At most 2 image(s) may be provided in one prompt. (parameter=image)"
TOO_LONG = ("This model's maximum context length is 16384 tokens. However, your prompt contains at least 16385 "
            "input tokens, which exceeds this limit even without any output tokens. Please reduce the length of "
            "the input prompt. (parameter=input_tokens, value=16385)")
MM_KWARGS = ("Per-request mm_processor_kwargs are disabled by default because they can change multimodal "
             "preprocessing resource usage. Start the server with --trust-request-mm-kwargs only when clients "
             "are trusted. (parameter=mm_processor_kwargs)")
NO_MODEL = "The model `nope` does not exist. Valid aliases: <path>"


def vllm_error(message: str, status: int = 400) -> tuple[int, str, dict]:
    kind = "BadRequestError" if status == 400 else "NotFoundError"
    return status, json.dumps({"error": {"message": message, "type": kind, "param": None, "code": status}}), {}


def screen() -> Image.Image:
    return Image.new("RGB", (640, 480), (20, 40, 60))


@pytest.mark.parametrize("message, status, expected", [
    (TOO_MANY, 400, "too many images: the server takes at most 2 images in a prompt and this one has 1; start it "
                    "with --limit-mm-per-prompt '{\"image\": 1}', or run with --history-images 2"),
    (TOO_LONG, 400, "prompt too long: the prompt (at least 16385 tokens) does not fit the server's context of 16384 tokens; "
                    "start it with a larger --max-model-len, or send fewer or smaller screenshots "
                    "(--history-images, --max-pixels)"),
    (MM_KWARGS, 400, "the server refuses per-request mm_processor_kwargs (the extra_body model option); start it "
                     "with --trust-request-mm-kwargs, or set them on the server with --mm-processor-kwargs and "
                     "drop them here"),
    (NO_MODEL, 404, f"{NO_MODEL} (--model must be a name the server's /v1/models lists)"),
], ids=["too-many-images", "too-long", "mm-kwargs", "no-such-model"])
def test_a_refusal_is_one_line_with_its_fix(message, status, expected):
    with ChatServer(lambda body, images: vllm_error(message, status)) as server:
        policy = build_policy("m", backend="openai", family="qwen2.5-vl", base_url=server.url)
        with pytest.raises(BackendError) as info:
            policy.decide("x", screen(), [])
    assert str(info.value) == f"{server.url}/chat/completions answered HTTP {status}: {expected}"
    assert len(server.requests) == 1  # a refusal is not retried


def test_older_vllm_wording_and_plain_bodies():
    older = ("You set or defaulted to '{\"image\": 1}' in `--limit-mm-per-prompt`, but passed 3 image items in "
             "the same prompt.")
    assert explain(400, older, 3).startswith("too many images: the server takes at most 1 images in a prompt and "
                                             "this one has 3; start it with --limit-mm-per-prompt '{\"image\": 3}'")
    assert server_message('{"error": "bad model"}') == "bad model"
    assert server_message('{"detail": "Not Found"}') == "Not Found"
    assert server_message("<html>\n<b>502</b>\n</html>") == "<html> <b>502</b> </html>"
    assert len(server_message("x" * 5000)) == 300


def test_retries_last_as_long_as_patience_not_a_count():
    began, answers = time.monotonic(), []

    def flaky(body, images):  # down for 1.2 s, as a restarting server is for a minute
        answers.append(1)
        return (503, "starting", {}) if time.monotonic() - began < 1.2 else "Action: wait()"

    with ChatServer(flaky) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, backoff_s=0.05, patience_s=30)
        assert [a.type for a in policy.decide("Wait.", screen(), []).actions] == ["wait"]
    assert len(answers) >= 6  # more tries than the old count (4 retries) allowed
    with ChatServer(lambda body, images: (503, "starting", {})) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, backoff_s=0.05, patience_s=0.5)
        with pytest.raises(BackendError, match=r"HTTP 503: starting \(gave up after \d+ tries in 0 s; "
                                               r"patience_s=0.5\)"):
            policy.decide("Wait.", screen(), [])


def test_the_deadline_cuts_the_patience_short():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    policy = build_policy("qwen2.5-vl-7b", backend="openai", base_url=f"http://127.0.0.1:{port}/v1", backoff_s=0.2)
    assert policy.backend.options.patience_s == 180
    began = time.monotonic()
    with pytest.raises(OutOfTime, match="cannot reach the model server .* the time limit comes before the next try"):
        policy.decide("x", screen(), [], deadline=began + 1.0)
    assert time.monotonic() - began < 60  # the deadline, not the 180 s of patience, ended it
