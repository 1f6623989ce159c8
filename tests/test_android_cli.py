"""`gui-agent replay` and `gui-agent run` with the Android driver, end to end, against the fake
ADB server (the CLI runs in a child process; adbutils in it talks to the fake over loopback)."""

from __future__ import annotations

import json

import pytest

from tests.doubles.fake_adb import FakeAdbServer, adb_env
from tests.doubles.fake_adb.phone import LAUNCHER, FakePhone
from tests.helpers.cli import gui_agent

SMALL = (360, 640)  # small frames keep the per-step PNGs quick


@pytest.fixture
def two_phones(monkeypatch):
    with FakeAdbServer(FakePhone("emulator-5554", natural=SMALL), FakePhone("R58M123ABC", natural=SMALL)) as server:
        monkeypatch.delenv("ANDROID_SERIAL", raising=False)
        yield server


def write_actions(path, actions):
    path.write_text("".join(json.dumps(a) + "\n" for a in actions))
    return path


def traj(folder):
    return [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_replay_on_the_chosen_device(two_phones, tmp_path):
    actions = write_actions(tmp_path / "actions.jsonl", [
        {"type": "click", "x": 100, "y": 200},
        {"type": "type", "text": "hi; $(whoami) & 'q'"},
        {"type": "key", "keys": ["enter"]},
        {"type": "scroll", "direction": "down", "amount": 2},
        {"type": "button", "name": "back"},
        {"type": "move", "x": 1, "y": 1},  # refused: recorded as an observation, the replay goes on
    ])
    out = gui_agent("replay", str(actions), "--driver", "android", "--serial", "R58M123ABC",
                    "--out", str(tmp_path / "out"), env=adb_env(two_phones.port))
    assert out.returncode == 0, out.stdout + out.stderr
    phone = two_phones.phones["R58M123ABC"]
    assert ("tap", 100, 200) in phone.events
    assert phone.text == "hi; $(whoami) & 'q'\n"
    assert ("swipe", 180, 384, 180, 256, 400) in phone.events
    assert phone.events[-1] == ("key", "KEYCODE_BACK")
    assert two_phones.phones["emulator-5554"].commands == []
    steps = traj(tmp_path / "out" / "replay" / "actions")
    assert [s["action"]["type"] for s in steps[:6]] == ["click", "type", "key", "scroll", "button", "move"]
    assert "no pointer" in steps[5]["error"]
    assert (tmp_path / "out" / "replay" / "actions" / "step_0.png").is_file()


def test_replay_without_serial_on_two_devices_is_a_usage_error(two_phones, tmp_path):
    actions = write_actions(tmp_path / "a.jsonl", [{"type": "wait", "seconds": 0}])
    out = gui_agent("replay", str(actions), "--driver", "android", "--out", str(tmp_path / "out"),
                    env=adb_env(two_phones.port))
    assert out.returncode == 2
    assert "several Android devices" in out.stderr and "--serial" in out.stderr


TASK = """
id: open-settings
domain: android
platform: android
instruction: Open the Settings app and search for "wifi".
setup:
  - go_home:
  - force_stop: com.android.settings
checker:
  all:
    - foreground: com.android.settings/.Settings
    - ui_text: Network & internet
    - adb_output: settings get secure default_input_method
      contains: latin
limits: {max_steps: 6, max_seconds: 60}
"""


@pytest.fixture
def one_phone(monkeypatch):
    with FakeAdbServer(FakePhone("emulator-5554", natural=SMALL)) as server:
        monkeypatch.delenv("ANDROID_SERIAL", raising=False)
        yield server


@pytest.mark.slow
def test_run_android_task_file_scored_by_android_checks(one_phone, tmp_path):
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    actions = write_actions(tmp_path / "actions.jsonl", [
        {"type": "click", "x": 10, "y": 10},
        {"type": "open_app", "name": "Settings"},
        {"type": "type", "text": "never typed: solved before this step"},
    ])
    out = gui_agent("run", str(task), "--policy", f"script:{actions}", "--out", str(tmp_path / "out"),
                    env=adb_env(one_phone.port))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "status: success" in out.stdout
    folder = tmp_path / "out" / "android" / "open-settings"
    assert float((folder / "result.txt").read_text()) == 1.0
    assert [s["score"] for s in traj(folder)] == [0.0, 1.0]
    phone = one_phone.phones["emulator-5554"]
    assert ("force-stop", "com.android.settings") in phone.events and phone.text == ""


@pytest.mark.slow
def test_run_unsolved_scores_zero(one_phone, tmp_path):
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    actions = write_actions(tmp_path / "actions.jsonl", [{"type": "open_app", "name": "Chrome"}])
    out = gui_agent("run", str(task), "--policy", f"script:{actions}", "--out", str(tmp_path / "out"),
                    env=adb_env(one_phone.port))
    assert out.returncode == 1, out.stdout + out.stderr
    assert float((tmp_path / "out" / "android" / "open-settings" / "result.txt").read_text()) == 0.0


@pytest.mark.slow
def test_device_lost_mid_run_keeps_the_trajectory(one_phone, tmp_path):
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    actions = write_actions(tmp_path / "actions.jsonl", [
        {"type": "click", "x": 10, "y": 10},
        {"type": "click", "x": 20, "y": 20},
        {"type": "click", "x": 99, "y": 99},  # the phone is unplugged as this tap goes out
        {"type": "click", "x": 30, "y": 30},
    ])
    one_phone.drop_on("emulator-5554", "input tap 99 99")
    out = gui_agent("run", str(task), "--policy", f"script:{actions}", "--out", str(tmp_path / "out"),
                    env=adb_env(one_phone.port), timeout=60)
    assert out.returncode == 1, out.stdout + out.stderr
    folder = tmp_path / "out" / "android" / "open-settings"
    result = json.loads((folder / "result.json").read_text())
    assert result["status"] == "driver_error" and "lost the Android device" in result["error"]
    steps = traj(folder)
    # What was done is kept, and the step that lost the phone is recorded with the reason.
    assert [s["action"]["x"] for s in steps] == [10, 20, 99]
    assert [s["error"] is None for s in steps] == [True, True, False]
    assert steps[-1]["error"].startswith("driver error: ") and result["steps"] == 3
    assert (folder / "step_1.png").is_file()
    phone = one_phone.phones["emulator-5554"]
    assert [e for e in phone.events if e[0] == "tap"] == [("tap", 10, 10), ("tap", 20, 20)]
    assert phone.foreground[0] == LAUNCHER
