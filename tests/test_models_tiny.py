"""Tiny random-weight Qwen2-VL / Qwen2.5-VL / Qwen3-VL checkpoints through our real loading code,
the real processor and the real generate(); and one through the real loop on a real display."""

import importlib.util
import json

import pytest
from PIL import Image

from agent import status
from agent.models import build_policy
from agent.models.backends import BackendError
from agent.models.resize import model_size
from agent.policy import FormatError
from agent.steps import StepResult
from agent.runner import run_task
from drivers.settle import SettleConfig
from tasks.task import Limits, Task
from tests.doubles import tiny_qwen

pytestmark = pytest.mark.slow

ARCHES = {"qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl", "qwen3_vl": "qwen3-vl"}
SMALL = 256 * 28 * 28
HAS_TORCHVISION = importlib.util.find_spec("torchvision") is not None


@pytest.fixture(scope="module")
def checkpoints(tiny_checkpoints):
    return tiny_checkpoints


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_tiny_model_decides_through_the_real_generate(checkpoints, arch):
    policy = build_policy(checkpoints[arch], max_pixels=SMALL, max_new_tokens=12, history_images=2)
    assert policy.family.name == ARCHES[arch]
    assert policy.backend.processor_kind == ("auto" if HAS_TORCHVISION else "image-only")
    screen = Image.new("RGB", (1280, 800), (40, 80, 120))
    history = []
    for index in range(3):
        try:
            decision = policy.decide("Press OK.", screen, history)
        except FormatError as exc:  # random weights: garbage, told apart from a crash
            raw, info, actions, error = exc.raw_text, exc.info, [], f"format error: {exc.reason}"
        else:
            raw, info, actions, error = decision.raw_text, decision.info, decision.actions, None
        assert isinstance(raw, str) and info["completion_tokens"] <= 12
        assert info["model_size"] == list(model_size(1280, 800, policy.family, max_pixels=SMALL))
        assert info["prompt_tokens"] > 0 and info["latency_ms"] > 0
        assert info["images"] == min(index + 1, 2)
        history.append(StepResult(index, actions, raw, error=error))


def _prompt_tokens(policy, size):
    messages = [{"role": "user", "content": [{"type": "image", "image": Image.new("RGB", size)},
                                             {"type": "text", "text": "hi"}]}]
    return policy.backend.generate(messages, 1).prompt_tokens


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_the_processor_sees_exactly_our_image(checkpoints, arch):
    policy = build_policy(checkpoints[arch], max_new_tokens=1)
    f = policy.family.factor
    # One image token per factor x factor block of OUR image: the processor did not resize it.
    assert _prompt_tokens(policy, (f * 20, f * 10)) - _prompt_tokens(policy, (f * 4, f * 2)) == 200 - 8
    with pytest.raises(BackendError, match="not a multiple of"):
        _prompt_tokens(policy, (f * 20 + 5, f * 10))  # a size the model cannot take is refused, not resized


def test_family_detection_from_names_and_config(tmp_path):
    assert build_policy(str(tiny_qwen.build(tmp_path, "qwen2_5_vl", "UI-TARS-1.5-7B"))).family.name == "ui-tars-1.5"
    assert build_policy(str(tiny_qwen.build(tmp_path, "qwen2_vl", "UI-TARS-7B-DPO"))).family.name == "ui-tars"
    forced = build_policy(str(tiny_qwen.build(tmp_path, "qwen2_vl")), family="ui-tars")
    assert forced.family.name == "ui-tars"
    with pytest.raises(BackendError, match="cannot load"):
        build_policy(str(tmp_path / "no-such-model"))


def test_tiny_model_run_ends_with_format_errors(checkpoints, desktop, tk_app, tmp_path):
    # Unconstrained (tests/test_constrained_tiny.py runs the constrained twin): garbage replies.
    policy = build_policy(checkpoints["qwen2_5_vl"], max_pixels=SMALL, max_new_tokens=8, constrained=False)
    task = Task(id="tiny", instruction="Press OK.", domain="models", limits=Limits(max_format_errors=3))
    result = run_task(task, desktop, policy, tmp_path / "out", settle_cfg=SettleConfig(quiet_s=0.1, timeout_s=2))
    assert result.status == status.FORMAT_ERRORS and result.score == 0.0
    traj = [json.loads(line) for line in (tmp_path / "out/models/tiny/traj.jsonl").read_text().splitlines()]
    assert len(traj) == 3
    for step in traj:
        assert isinstance(step["raw"], str) and step["error"].startswith("format error:")
        assert step["actions"] == [] and step["info"]["model_size"] == [560, 336]  # smart_resize(800, 1280, max 256*28*28)
        assert step["info"]["prompt_tokens"] > 0 and step["info"]["completion_tokens"] <= 8
