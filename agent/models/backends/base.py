"""What a backend is: something that turns a chat (with images) into the model's reply text."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from agent.policy import OutOfTime, PolicyError

if TYPE_CHECKING:
    from ..grammars import Grammar


class BackendError(PolicyError, RuntimeError):
    """The model could not be asked (server unreachable, refused, out of retries, bad checkpoint).

    The message is one line saying what failed and where. Not a format error: the model said nothing.
    """


@dataclass
class Generation:
    """One reply of the model and what it cost."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    constrained: bool = False
    """Whether the reply was generated under the grammar it was given."""
    info: dict = field(default_factory=dict)
    """More for the step's record (Decision.info), e.g. what the server made of our image."""


class Backend(Protocol):
    """`generate` gets messages as built by agent.models.prompts (images already at the model size).

    It raises BackendError when the model cannot be asked, and agent.policy.OutOfTime when
    `deadline` (a time.monotonic() value, None = none) passes first; it never waits past it.
    `grammar` (agent.models.grammars.Grammar, None = none) is the grammar the reply should
    follow: a backend that can constrain decoding keeps every reply within it; one that cannot
    ignores it. ModelPolicy passes it only to a `generate` that has the parameter.
    """

    model_type: str | None
    """The checkpoint's config `model_type` (e.g. 'qwen2_5_vl') when known, for family detection."""

    def generate(self, messages: list[dict], max_new_tokens: int, *,
                 deadline: float | None = None, grammar: "Grammar | None" = None) -> Generation: ...


def time_left(deadline: float | None) -> float | None:
    """Seconds until `deadline` (None when there is none); OutOfTime when it has passed."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutOfTime("the time limit passed before the model was asked")
    return left
