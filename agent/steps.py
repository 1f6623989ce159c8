"""The two records of a step: what the policy said (Turn) and what came of it (StepResult).

One frozen StepResult is everything there is to know about a step: the policy reads it as
history, the trajectory line is written from it, the timings are summed from it, and Gymnasium's
(observation, reward, terminated, truncated, info) is read off it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from PIL.Image import Image

    from drivers.actions import Action


@dataclass(frozen=True)
class Turn:
    """What the policy gave for one step: actions to run, or why there are none."""

    actions: Sequence["Action"] = ()
    raw_text: str = ""
    """The model's reply as it wrote it ('' for a scripted policy's own text, or none)."""
    info: Mapping[str, Any] = field(default_factory=dict)
    """Model facts: prompt_tokens, completion_tokens, latency_ms, ..."""
    model_ms: float = 0.0
    """Milliseconds the policy took."""
    error: str | None = None
    """'format error: ...' (fed back to the model), or why the policy could not decide."""
    ends: str | None = None
    """A status when the policy could not decide at all (model_error, timeout): the episode ends."""


@dataclass(frozen=True)
class StepResult:
    """One step, done: the policy's history entry, a trajectory line, a Gymnasium transition."""

    index: int
    actions: Sequence["Action"] = ()
    raw_text: str = ""
    error: str | None = None
    """What went wrong, as the model is told next step: a format error, a refused action."""
    screen_changed: bool | None = None
    observation: "Image | None" = None
    """The settled screen after the step: the next step's screenshot."""
    reward: float = 0.0
    """The checker's final score when the episode ended at this step, else 0."""
    terminated: bool = False
    """The episode reached an end of the task itself: solved, or the policy said done,
    infeasible or call_user."""
    truncated: bool = False
    """A limit or a failure cut the episode: steps, time, stuck, format errors, model, driver."""
    status: str | None = None
    """How the episode ended (agent/status.py) when it ended here, else None."""
    score: float | None = None
    """The checker's score right after this step, when it is checked every step."""
    ms: Mapping[str, float] = field(default_factory=dict)
    """Milliseconds spent: capture, model, execute, settle, check."""
    time: str = ""
    """When the step began, UTC, ISO 8601."""
    screenshot: str | None = None
    """File name of the screenshot the policy saw (in the task folder), if saved."""
    info: Mapping[str, Any] = field(default_factory=dict)
    """Model facts from the Turn."""

    @property
    def done(self) -> bool:
        return self.terminated or self.truncated

    def record(self) -> dict[str, Any]:
        """The traj.jsonl line of this step."""
        line: dict[str, Any] = {
            "step": self.index, "time": self.time, "screenshot": self.screenshot, "raw": self.raw_text,
            "actions": [a.model_dump() for a in self.actions],
            "action": self.actions[0].model_dump() if self.actions else None,
            "error": self.error, "info": dict(self.info), "ms": dict(self.ms),
            "screen_changed": self.screen_changed}
        if self.score is not None:
            line["score"] = self.score
        if self.status is not None:
            line["status"] = self.status
        return line
