"""The Gymnasium environments on real Xvfb displays: the API checker, a scripted episode of the
README's task, invalid actions, and a vector of environments each on its own display."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

gym = pytest.importorskip("gymnasium")
np = pytest.importorskip("numpy")
import agent.gym  # noqa: E402,F401  (registers the environments)
from gymnasium.utils.env_checker import check_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tasks/examples/mousepad_note.yaml"
pytestmark = pytest.mark.slow


def still_task(tmp_path: Path) -> Path:
    """A task on an empty screen, so two resets look alike; solved when a file appears."""
    path = tmp_path / "still.yaml"
    path.write_text(json.dumps({"id": "still", "domain": "gym", "instruction": "Wait.",
                                "checker": {"file": "$WORKDIR/never.txt"}, "limits": {"max_steps": 20}}))
    return path


def test_the_desktop_env_passes_gymnasiums_checker(tmp_path):
    env = gym.make("gui_agent/Desktop-v0", task=str(still_task(tmp_path)), xvfb="320x240")
    try:
        assert env.observation_space["screenshot"].shape == (240, 320, 3)
        check_env(env.unwrapped)
    finally:
        env.close()


def test_a_scripted_episode_of_the_readme_task_ends_terminated_with_reward_1(tmp_path):
    actions = [line for line in (ROOT / "tasks/examples/mousepad_note.jsonl").read_text().splitlines() if line]
    env = gym.make("gui_agent/Desktop-v0", task=str(EXAMPLE), xvfb="1280x800", out=str(tmp_path / "out"))
    try:
        obs, info = env.reset(seed=0)
        assert obs["screenshot"].shape == (800, 1280, 3) and obs["screenshot"].dtype == np.uint8
        assert info["task_id"] == "mousepad-note"
        rewards, ends = [], []
        for action in actions:
            obs, reward, terminated, truncated, info = env.step(action)
            rewards.append(reward)
            ends.append((terminated, truncated))
            if terminated or truncated:
                break
        assert ends[-1] == (True, False) and rewards[-1] == 1.0 and info["status"] == "success"
        assert rewards[:-1] == [0.0] * (len(rewards) - 1)
        assert (tmp_path / "out/os/mousepad-note/result.txt").read_text().strip() == "1.0"
        # A second episode starts from a fresh task folder: nothing is solved yet.
        env.reset()
        obs, reward, terminated, truncated, info = env.step('{"type": "wait", "seconds": 0.1}')
        assert (reward, terminated, truncated) == (0.0, False, False)
    finally:
        env.close()


def test_invalid_actions_are_observations_with_reward_0(tmp_path):
    env = gym.make("gui_agent/Desktop-v0", task=str(still_task(tmp_path)), xvfb="320x240")
    try:
        env.reset()
        for bad in ("not json", '{"type": "teleport"}', '{"type": "click", "x": -5, "y": 1}'):
            obs, reward, terminated, truncated, info = env.step(bad)
            assert reward == 0.0 and not terminated and obs["screenshot"].shape == (240, 320, 3)
            assert info["error"].startswith("format error: invalid action")
            env.step('{"type": "wait", "seconds": 0.05}')  # a good one in between: no truncation
        for _ in range(3):  # three in a row truncate, as unparseable model replies do
            obs, reward, terminated, truncated, info = env.step("{")
        assert truncated and info["status"] == "format_errors"
    finally:
        env.close()


def test_a_vector_of_desktop_envs_each_on_its_own_display(tmp_path):
    # A spawned worker imports agent.gym (which registers the ids) through the "module:id" form.
    make = partial(gym.make, "agent.gym:gui_agent/Desktop-v0", task=str(still_task(tmp_path)), xvfb="320x240")
    envs = gym.vector.AsyncVectorEnv([make, make], context="spawn")
    try:
        obs, infos = envs.reset(seed=1)
        assert obs["screenshot"].shape == (2, 240, 320, 3)
        obs, rewards, terminated, truncated, infos = envs.step(['{"type": "wait", "seconds": 0.05}'] * 2)
        assert list(rewards) == [0.0, 0.0] and not terminated.any() and not truncated.any()
        displays = envs.get_attr("display")
        assert len(set(displays)) == 2 and all(d.startswith(":") for d in displays)
    finally:
        envs.close()


def test_the_android_env_speaks_to_a_phone_over_the_adb_protocol(fake_adb, phone, tmp_path):
    """The same API on a phone: a real AndroidDriver against the fake ADB server on loopback."""
    path = tmp_path / "phone.yaml"
    path.write_text(json.dumps({"id": "phone", "domain": "gym", "instruction": "Open Settings.",
                                "platform": "android", "setup": [{"go_home": True}],
                                "checker": {"foreground": "com.android.settings"}}))
    env = gym.make("gui_agent/Android-v0", task=str(path))
    try:
        obs, info = env.reset()
        width, height = phone.frame().size
        assert obs["screenshot"].shape == (height, width, 3)
        obs, reward, terminated, truncated, info = env.step({"type": "click", "x": 10, "y": 20})
        assert ("tap", 10, 20) in phone.events and reward == 0.0 and not terminated
        obs, reward, terminated, truncated, info = env.step('{"type": "open_app", "name": "Settings"}')
        assert (reward, terminated, info["status"]) == (1.0, True, "success")
    finally:
        env.close()
