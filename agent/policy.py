"""The policy seam: something that looks at the screen and decides what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Sequence

if TYPE_CHECKING:
    from PIL.Image import Image

    from drivers.actions import Action

    from .steps import StepResult


class FormatError(Exception):
    """The model's reply could not be turned into actions. `reason` is fed back to the model."""

    def __init__(self, reason: str, raw_text: str = "", info: dict[str, Any] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.raw_text = raw_text
        self.info = info or {}


class PolicyError(Exception):
    """The policy cannot decide at all (model server unreachable, out of memory).

    The episode ends with status `model_error`; a format error, by contrast, is fed back.
    """


class OutOfTime(PolicyError):
    """The episode's time limit passed while the policy was deciding; the episode ends as `timeout`."""


@dataclass
class Decision:
    """What a policy decided: actions to run in order, the raw model text, and model facts
    (`info`: prompt_tokens, completion_tokens, latency_ms, ... as the backend reports them)."""

    actions: list["Action"]
    raw_text: str = ""
    info: dict[str, Any] = field(default_factory=dict)


class Policy(Protocol):
    """decide() gets the task instruction, the current screenshot (RGB, screen pixels) and the
    steps so far (agent.steps.StepResult: what was decided and what came of it, its `error` the
    observation of a failure to act on), and returns a Decision whose coordinates are screen pixels.
    It raises FormatError when the model's reply cannot be parsed, PolicyError when the model
    cannot be asked, and OutOfTime when `deadline` (a time.monotonic() value; None = no limit)
    passes before it has an answer.

    A policy that keeps state across steps may also have `reset()`: the loop calls it before
    every episode."""

    def decide(self, instruction: str, screenshot: "Image", history: Sequence["StepResult"], *,
               deadline: float | None = None) -> Decision: ...
