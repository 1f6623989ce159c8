"""OSWorldAgent: our model policies behind OSWorld's agent interface, for OSWorld's own run
scripts, VMs and evaluator (leaderboard-comparable scores).

OSWorld's lib_run_single calls `agent.reset(logger)` before each task, then per step
`response, actions = agent.predict(instruction, obs)` and `env.step(action)` for each action: a
pyautogui code string, or "WAIT", "DONE", "FAIL". Here each step goes through the same
ModelPolicy as `gui-agent run` (prompt, one resize, history window, parsing into screenshot
pixels), and each canonical action becomes the code string that does what our desktop driver
does (agent/harness/pyautogui_code.py). What our environment would tell the model next step (a
format error, a refused action) goes into the history the same way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Sequence

from agent.policy import FormatError
from agent.steps import StepResult
from drivers.base import ActionRefused

from .pyautogui_code import DONE, FAIL, PASTE_SETTLE_S, CodeWriter

if TYPE_CHECKING:
    from PIL.Image import Image

    from agent.models.model_policy import ModelPolicy


class OSWorldAgent:
    """`OSWorldAgent(model, backend=..., base_url=..., ...)` runs `model` (a hub id or folder for
    the local transformers backend, the served name for `backend="openai"`) with any
    agent.models.build_policy option (family, max_pixels, history_images, max_new_tokens, ...);
    `policy=` takes a ModelPolicy already built instead.

    `max_format_errors` replies in a row that cannot be read end the task with DONE (our
    environment's limit, tasks.task.Limits; DONE, not FAIL, so a broken model earns nothing on
    infeasible tasks). `input_size` is pyautogui's screen size in the VM when it differs from
    the screenshot's. `paste_settle_s` is how long a paste waits before the clipboard is restored.
    """

    action_space = "pyautogui"
    observation_type = "screenshot"
    """What OSWorld's run scripts read off an agent to build DesktopEnv."""

    def __init__(self, model: str | None = None, *, policy: "ModelPolicy | None" = None, max_format_errors: int = 3,
                 input_size: tuple[int, int] | None = None, paste_settle_s: float = PASTE_SETTLE_S,
                 **policy_options: Any):
        if (model is None) == (policy is None):
            raise ValueError("give a model name or a policy, not both or neither")
        if max_format_errors < 1:
            raise ValueError(f"max_format_errors must be at least 1, not {max_format_errors}")
        if policy is None:
            from agent.models import build_policy

            policy = build_policy(model, **policy_options)
        elif policy_options:
            unused = ", ".join(sorted(policy_options))
            raise ValueError(f"options for building a policy given with a built one: {unused}")
        if policy.config.platform != "desktop":
            raise ValueError(f"OSWorld is a desktop: the policy's platform is {policy.config.platform!r}")
        self.policy = policy
        self.max_format_errors = max_format_errors
        self.input_size = input_size
        self.paste_settle_s = paste_settle_s
        self.history: list[StepResult] = []
        """The steps of this task so far, as our environment records them for the policy."""
        self.logger = logging.getLogger("desktopenv.gui_agent")
        self._format_errors = 0

    def reset(self, _logger: logging.Logger | None = None, *args: Any, **kwargs: Any) -> None:
        """Start a task afresh. OSWorld's scripts pass a logger (positionally or not) and, in some
        versions, `vm_ip=`; anything else is accepted and ignored too."""
        logger = _logger if _logger is not None else kwargs.get("runtime_logger")
        self.logger = logger if logger is not None else logging.getLogger("desktopenv.gui_agent")
        self.history = []
        self._format_errors = 0
        self.policy.reset()

    def predict(self, instruction: str, obs: dict) -> tuple[str, list[str]]:
        """(the model's reply, the step's actions: code strings, or WAIT / DONE / FAIL). An empty
        list when the reply could not be used or its first action was refused: the model is told
        why next step, as in our own loop. Model server errors propagate (BackendError), so
        OSWorld records the task as an error instead of scoring it."""
        screenshot = _screenshot(obs)
        index = len(self.history)
        try:
            decision = self.policy.decide(instruction, screenshot, self.history)
        except FormatError as exc:
            self.history.append(StepResult(index, (), exc.raw_text, error=f"format error: {exc.reason}"))
            self._format_errors += 1
            self.logger.info("step %d: format error: %s", index + 1, exc.reason)
            return exc.raw_text, [DONE] if self._format_errors >= self.max_format_errors else []
        self._format_errors = 0
        codes, error = self.codes(decision.actions, screenshot.size)
        self.history.append(StepResult(index, tuple(decision.actions), decision.raw_text, error=error))
        self.logger.info("step %d: %s -> %d action(s)%s", index + 1,
                         " ".join(a.to_json() for a in decision.actions), len(codes), f"; {error}" if error else "")
        return decision.raw_text, codes

    def codes(self, actions: Sequence, screen: tuple[int, int]) -> tuple[list[str], str | None]:
        """Code strings for `actions` on a `screen`-sized screenshot, in order, up to the first that
        ends the task or is refused; and the refusal, worded as our environment words it."""
        writer = CodeWriter(screen, self.input_size, self.paste_settle_s)
        codes = []
        for action in actions:
            try:
                code = writer.to_code(action)
            except ActionRefused as exc:  # the rest was planned on a wrong premise
                return codes, f"action refused: {exc}"
            if code is not None:
                codes.append(code)
            if code in (DONE, FAIL):
                break
        return codes, None


def _screenshot(obs: dict) -> "Image":
    """The observation's screenshot (PNG bytes, as OSWorld sends it) as an RGB image."""
    import io

    from PIL import Image, UnidentifiedImageError

    data = obs.get("screenshot") if isinstance(obs, dict) else None
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValueError("obs['screenshot'] must be the screenshot's PNG bytes (OSWorld's observation)")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"obs['screenshot'] is not an image: {exc}") from None
    return image.convert("RGB")
