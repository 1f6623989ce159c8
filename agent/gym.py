"""Gymnasium environments: one API for a desktop and a phone, over GuiEnv.

Importing this module registers `gui_agent/Desktop-v0` and `gui_agent/Android-v0`:

    import gymnasium, agent.gym
    env = gymnasium.make("gui_agent/Desktop-v0", task="tasks/examples/mousepad_note.yaml", xvfb="1280x800")
    obs, info = env.reset()                       # obs["screenshot"]: H x W x 3 uint8
    obs, reward, terminated, truncated, info = env.step('{"type": "click", "x": 200, "y": 200}')

An action is one canonical action (drivers/actions.py) as a JSON string (a dict is accepted too);
an invalid one is a format error, an observation with reward 0, never an exception (a few in a
row truncate the episode, as unparseable model replies do). The reward is the checker's score when
the episode ends, else 0. `terminated` means the task reached an end of its own (solved, or the
agent said done, infeasible, call_user); `truncated` means a limit cut it (steps, time, stuck,
format errors, a lost display). A real screen is not deterministic (a caret blinks, a clock
ticks), so the environments are registered as nondeterministic. docs/gym.md has a training loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.base import require

from .env import GuiEnv
from .steps import Turn

if TYPE_CHECKING:
    from tasks.task import Task

gym = require("gymnasium", "gym")
np = require("numpy", "gym")

ACTION_CHARS = 65_536
"""Longest action string the action space describes (a `type` action may carry a long text)."""


class GuiGymEnv(gym.Env):
    """A GUI task as a Gymnasium environment (see the module docstring).

    task: a task file (YAML or OSWorld JSON; one task) or a Task; `reset(options={"task": ...})`
    switches to another. platform: desktop (on `display`, or on a private Xvfb of size `xvfb`,
    "WxH", with openbox when `window_manager`, as batch workers have; `run --xvfb` has none) or
    android (the phone `serial`). out: a results folder to record every episode in, as
    `gui-agent run` does; None records nothing (the task's $WORKDIR is then a temporary folder).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 2}

    def __init__(self, task: "str | Path | Task", platform: str = "desktop", *, xvfb: str | None = None,
                 display: str | None = None, serial: str | None = None, out: str | Path | None = None,
                 cache_dir: str | Path | None = None, window_manager: bool = False,
                 render_mode: str | None = None):
        self.task = _load(task)
        self.render_mode = render_mode
        self._display = None
        self._driver = self._open(platform, xvfb, display, serial, window_manager)
        self._env = GuiEnv(self._driver, out, cache_dir=Path(cache_dir) if cache_dir else None,
                           save_images=out is not None)
        width, height = self._driver.screen_size
        self.observation_space = gym.spaces.Dict(
            {"screenshot": gym.spaces.Box(0, 255, (height, width, 3), dtype=np.uint8)})
        self.action_space = gym.spaces.Text(max_length=ACTION_CHARS)
        self._last = None

    def _open(self, platform: str, xvfb: str | None, display: str | None, serial: str | None, wm: bool):
        if platform == "android":
            from drivers.android import AndroidDriver

            return AndroidDriver(serial=serial)
        if platform != "desktop":
            raise ValueError(f"platform {platform!r}: choose desktop or android")
        from drivers.desktop import DesktopDriver

        if xvfb:
            from drivers.desktop.xvfb import VirtualDisplay

            width, height = (int(v) for v in xvfb.lower().split("x"))
            self._display = VirtualDisplay(width, height, window_manager=wm)
            display = self._display.display
        # The driver carries the display in its own environment (the task's commands get it).
        return DesktopDriver(display=display)

    @property
    def display(self) -> str | None:
        """The X display this environment drives (None on a phone)."""
        return getattr(self._driver, "display", None)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options and options.get("task") is not None:
            self.task = _load(options["task"])
        frame = self._env.reset(self.task)
        return self._observe(frame), {"task_id": self.task.id, "instruction": self.task.instruction}

    def step(self, action: Any):
        turn = _turn(action)
        result = self._env.step(turn)
        info = {"step": result.index, "status": result.status, "error": result.error, "score": result.score,
                "ms": dict(result.ms)}
        return (self._observe(result.observation), float(result.reward), result.terminated, result.truncated,
                info)

    def _observe(self, frame) -> dict:
        self._last = np.array(frame, dtype=np.uint8)  # a new array every time: callers keep them
        return {"screenshot": self._last.copy()}

    def render(self):
        return None if self._last is None else self._last.copy()

    def close(self) -> None:
        self._env.close()
        for thing in (self._driver, self._display):
            if thing is not None:
                thing.close()
        self._driver = self._display = None


def _turn(action: Any) -> Turn:
    """The canonical action an action string (or dict) holds, or a format error saying why not."""
    from pydantic import ValidationError

    from drivers.actions import describe_error, parse_action

    try:
        data = json.loads(action) if isinstance(action, (str, bytes)) else action
        if not isinstance(data, dict):
            raise ValueError("an action is one JSON object with a 'type'")
        return Turn((parse_action(data),), raw_text=json.dumps(data, ensure_ascii=False))
    except ValidationError as exc:
        reason = describe_error(exc)
    except (ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Turn((), raw_text=str(action)[:1000], error=f"format error: invalid action: {reason}")


def _load(task: "str | Path | Task") -> "Task":
    from tasks.load import load_tasks
    from tasks.task import Task

    if isinstance(task, Task):
        return task
    tasks = load_tasks(Path(task))
    if len(tasks) != 1:
        raise ValueError(f"{task}: holds {len(tasks)} tasks; an environment runs one task file")
    return tasks[0]


for _name, _platform in (("Desktop", "desktop"), ("Android", "android")):
    if f"gui_agent/{_name}-v0" not in gym.registry:
        gym.register(id=f"gui_agent/{_name}-v0", entry_point="agent.gym:GuiGymEnv",
                     kwargs={"platform": _platform}, nondeterministic=True)
