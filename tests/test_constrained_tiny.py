"""Constrained decoding with tiny random-weight checkpoints through the real transformers backend
and llguidance: with constraints on, garbage weights still write a reply that parses every step
(through ModelPolicy.decide and through a real `gui-agent run` on a private X server); with
constraints off, the same weights write format errors."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from agent.models import build_policy
from agent.models.families import FAMILIES
from agent.policy import FormatError
from agent.steps import StepResult
from tests.doubles import tiny_qwen
from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow
pytest.importorskip("llguidance")

SMALL = 256 * 28 * 28
TOKENS = 160
"""max_new_tokens: the grammar's free text is sized to fit it (Limits.fitting)."""
CASES = tiny_qwen.FAMILY_CASES


@pytest.fixture(scope="module")
def checkpoints(tiny_checkpoints):
    return tiny_checkpoints


def steps(policy, count: int, screen=(1280, 800)) -> list[tuple[str, dict, list, str | None]]:
    """(reply, info, actions, format error) of `count` steps of one episode on a blank screen."""
    image, history, out = Image.new("RGB", screen, (40, 80, 120)), [], []
    for index in range(count):
        try:
            decision = policy.decide("Press OK.", image, history)
            step = (decision.raw_text, decision.info, decision.actions, None)
        except FormatError as exc:
            step = (exc.raw_text, exc.info, [], exc.reason)
        history.append(StepResult(index, step[2], step[0], error=step[3] and f"format error: {step[3]}"))
        out.append(step)
    return out


@pytest.mark.parametrize("platform", ["desktop", "android"])
@pytest.mark.parametrize("arch, family", CASES)
def test_constrained_random_weights_reply_in_grammar_every_step(checkpoints, arch, family, platform):
    policy = build_policy(checkpoints[arch], family=family, platform=platform, max_pixels=SMALL,
                          max_new_tokens=TOKENS)
    image, frame = policy.prepare(Image.new("RGB", (1280, 800)))
    grammar = policy.grammar(frame)
    for raw, info, actions, error in steps(policy, 5):
        assert error is None, (raw, error)
        assert info["constrained"] is True and info["completion_tokens"] < TOKENS
        assert grammar.matches(raw), raw
        assert actions and all(getattr(a, "x", None) is None or 0 <= a.x < 1280 for a in actions)


@pytest.mark.parametrize("arch, family", CASES)
def test_unconstrained_random_weights_write_format_errors(checkpoints, arch, family):
    policy = build_policy(checkpoints[arch], family=family, max_pixels=SMALL, max_new_tokens=48,
                          constrained=False)
    for raw, info, actions, error in steps(policy, 2):
        assert error is not None and info["constrained"] is False, raw


def test_box_tokens_are_one_token_the_grammar_allows(checkpoints):
    # The constrained tokenizer lets the model write <|box_start|> as the one token it was
    # trained on: the tokens of the family's example reply (special tokens included) all pass.
    from agent.models.backends.constrained import Constrainer

    policy = build_policy(checkpoints["qwen2_vl"], max_new_tokens=TOKENS)
    tokenizer = policy.backend.processor.tokenizer
    constrainer = Constrainer(tokenizer, [tokenizer.eos_token_id])
    grammar = policy.family.grammar("desktop", None)
    ids = tokenizer.encode(policy.family.example_reply)
    assert tokenizer.convert_tokens_to_ids("<|box_start|>") in ids
    matcher = constrainer.matcher(grammar)
    assert matcher.consume_tokens(ids) and matcher.is_accepting()


def test_random_walks_through_the_llguidance_masks_match_the_python_regex():
    # Any token the mask allows, drawn at random until the end: llguidance (Rust regex) and
    # Python's re must agree on every grammar, and each walk is a reply that parses.
    import random

    from agent.models.backends.constrained import Constrainer
    from agent.models.grammars import Limits
    from agent.models.parsers import parse
    from agent.models.resize import frame_for

    tokenizer = tiny_qwen.build_tokenizer()
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    constrainer, draw = Constrainer(tokenizer, [end]), random.Random(7)
    for family in FAMILIES.values():
        for platform, screen in (("desktop", (1920, 1080)), ("android", (1080, 2400))):
            frame = frame_for(screen, family)
            grammar = family.grammar(platform, frame, Limits(thought=30, text=30))
            for _ in range(30):
                matcher, ids = constrainer.matcher(grammar), []
                while True:
                    bits = matcher.compute_bitmask()
                    token = draw.choice([i for i in range(len(bits) * 8) if bits[i // 8] >> (i % 8) & 1])
                    if token == end:
                        break
                    assert matcher.consume_token(token)
                    ids.append(token)
                reply = tokenizer.decode(ids)
                assert grammar.matches(reply), reply
                assert parse(reply, family, frame, platform=platform)


TASK = """\
id: tiny-constrained
domain: models
instruction: Write the word hello in the editor.
setup:
  - launch: [mousepad, $WORKDIR/note.txt]
  - wait_window: note.txt
checker:
  file: $WORKDIR/note.txt
  equals: never written by a random model
limits: {max_steps: 5, max_seconds: 90}
"""


@pytest.mark.skipif(shutil.which("mousepad") is None or shutil.which("Xvfb") is None, reason="needs Xvfb, mousepad")
@pytest.mark.parametrize("arch, family, options", [
    ("qwen2_5_vl", "qwen2.5-vl", ["constrained=true"]),
    ("qwen3_vl", "qwen3-vl", []),  # constrained by default
    ("qwen2_5_vl", "ui-tars-1.5", ["do_sample=true"]),  # sampled: whatever it draws, it parses
    ("qwen2_vl", "ui-tars", ["constrained=false"]),
])
def test_gui_agent_run_with_the_transformers_backend(checkpoints, tmp_path, arch, family, options):
    constrained = "constrained=false" not in options
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    done = gui_agent("run", str(task), "--model", checkpoints[arch], "--family", family, "--xvfb", "1280x800",
                     "--max-pixels", str(SMALL), "--max-new-tokens", str(TOKENS if constrained else 48),
                     *[arg for option in options for arg in ("--model-option", option)],
                     "--out", str(tmp_path / "out"), env={"HF_HUB_OFFLINE": "1"}, timeout=400)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    folder = tmp_path / "out/models/tiny-constrained"
    traj = [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]
    status = json.loads((folder / "result.json").read_text())["status"]
    assert traj
    for step in traj:
        assert step["info"]["constrained"] is constrained
        assert (step["error"] or "").startswith("format error") is not constrained, step
    if constrained:  # the episode ends some other way: stuck, done, the step or time limit
        assert status != "format_errors" and all(step["actions"] for step in traj)
    else:
        assert status == "format_errors"


def test_without_llguidance_replies_are_unconstrained_with_an_install_hint(checkpoints):
    # A Python where llguidance cannot be imported (as on a machine without it).
    code = ("import sys; sys.modules['llguidance'] = None\n"
            "from PIL import Image\nfrom agent.models import build_policy\nfrom agent.policy import FormatError\n"
            f"policy = build_policy({checkpoints['qwen2_5_vl']!r}, max_pixels={SMALL}, max_new_tokens=8)\n"
            "try:\n    info = policy.decide('Press OK.', Image.new('RGB', (640, 400)), []).info\n"
            "except FormatError as exc:\n    info = exc.info\n"
            "print('constrained', info['constrained'])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "constrained False"
    assert "replies are not constrained" in done.stderr and "pip install 'gui-agent[qwen]'" in done.stderr
