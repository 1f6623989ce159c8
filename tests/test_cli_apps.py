"""The command line end to end on real apps: a Debian editor and the tests' Tk app."""

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import gui_agent

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Grüße, 世界 & $(whoami)"


EXAMPLES = sorted(p.stem for p in (ROOT / "tasks/examples").glob("*.yaml"))


@pytest.mark.skipif(shutil.which("mousepad") is None, reason="needs Debian's mousepad")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_passes_with_its_recorded_trajectory(tmp_path, name):
    out = gui_agent("run", str(ROOT / f"tasks/examples/{name}.yaml"),
                    "--policy", f"script:{ROOT / f'tasks/examples/{name}.jsonl'}",
                    "--xvfb", "1280x800", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "status: success  score: 1" in out.stdout


@pytest.mark.skipif(shutil.which("mousepad") is None, reason="needs Debian's mousepad")
def test_example_task_saves_a_file_in_mousepad(tmp_path):
    out = gui_agent("run", str(ROOT / "tasks/examples/mousepad_note.yaml"),
                    "--policy", f"script:{ROOT / 'tasks/examples/mousepad_note.jsonl'}",
                    "--xvfb", "1280x800", "--out", str(tmp_path))
    folder = tmp_path / "os" / "mousepad-note"
    assert out.returncode == 0, out.stderr
    assert f"trajectory: {folder / 'traj.jsonl'}" in out.stdout
    assert (folder / "workdir" / "note.txt").read_text(encoding="utf-8") == TEXT
    result = json.loads((folder / "result.json").read_text())
    assert (result["status"], result["score"], result["steps"]) == ("success", 1.0, 3)


@pytest.mark.skipif(shutil.which("mousepad") is None, reason="needs Debian's mousepad")
def test_a_wrong_trajectory_scores_zero_and_exits_1(tmp_path):
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"type": "click", "x": 200, "y": 200}\n{"type": "type", "text": "Grusse"}\n'
                     '{"type": "key", "keys": ["ctrl", "s"]}\n')
    out = gui_agent("run", str(ROOT / "tasks/examples/mousepad_note.yaml"), "--policy", f"script:{wrong}",
                    "--xvfb", "1280x800", "--out", str(tmp_path))
    assert out.returncode == 1, out.stderr
    assert "status: done  score: 0" in out.stdout
    assert (tmp_path / "os/mousepad-note/workdir/note.txt").read_text(encoding="utf-8") == "Grusse"


def test_replay_types_unicode_and_shell_text_exactly(xvfb_display, tk_app, tmp_path):
    actions = tmp_path / "type.jsonl"
    actions.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in [
        {"type": "click", "x": 450, "y": 325},
        {"type": "type", "text": TEXT},
        {"type": "key", "keys": ["enter"]},
    ]) + "\n", encoding="utf-8")
    out = gui_agent("replay", str(actions), "--display", xvfb_display, "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    assert tk_app.events("submit")[-1]["text"] == TEXT
    traj = tmp_path / "out/replay/type/traj.jsonl"
    steps = [json.loads(line) for line in traj.read_text(encoding="utf-8").splitlines()]
    assert steps[1]["action"] == {"type": "type", "text": TEXT}
    # A trajectory we wrote replays as it is.
    out = gui_agent("replay", str(traj), "--display", xvfb_display, "--out", str(tmp_path / "again"))
    assert out.returncode == 0, out.stderr
    assert [e["text"] for e in tk_app.events("submit")] == [TEXT, TEXT + TEXT]


def test_help_everywhere_has_examples():
    for verb in ("run", "replay", "check"):
        out = gui_agent(verb, "--help")
        assert out.returncode == 0 and "Examples:" in out.stdout, verb
