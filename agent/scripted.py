"""A policy that replays canonical actions: for tests, demos and recorded trajectories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from drivers.actions import Done, read_actions

from .policy import Decision
from .steps import StepResult

if TYPE_CHECKING:
    from PIL.Image import Image

    from drivers.actions import Action


class ScriptedPolicy:
    """Returns the given actions one per step; after the last, says done.

    Built from a JSON Lines file of canonical actions or a traj.jsonl this tool wrote
    (each recorded step's actions are replayed, format-error steps contribute none).
    """

    def __init__(self, actions: Sequence["Action"]):
        self._actions = list(actions)
        self._next = 0

    @classmethod
    def from_file(cls, path: str | Path) -> "ScriptedPolicy":
        return cls(read_actions(path))

    def __len__(self) -> int:
        return len(self._actions)

    def reset(self) -> None:
        """Start the script again from its first action (a new episode)."""
        self._next = 0

    def decide(self, instruction: str, screenshot: "Image", history: Sequence[StepResult], *,
               deadline: float | None = None) -> Decision:
        if self._next >= len(self._actions):
            return Decision([Done(status="success", message="end of script")], raw_text="")
        action = self._actions[self._next]
        self._next += 1
        return Decision([action], raw_text=action.to_json())
