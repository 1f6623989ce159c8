"""Base classes for the steps and checks a YAML task file may name.

A step or check is a mapping whose kind is the name of its first field, as in
`- launch: [mousepad, notes.txt]` or `- file: $WORKDIR/out.txt` with `contains: hi`.
Each kind is one pydantic model whose `kind` class attribute equals that field's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .task import TaskContext


class StepSpec(BaseModel):
    """A set-up step. run() raises SetupError (or MissingResource) when it cannot be done."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str]
    platforms: ClassVar[tuple[str, ...]] = ("desktop", "android")

    def run(self, ctx: "TaskContext") -> None:
        raise NotImplementedError


class CheckSpec(BaseModel):
    """A checker. score() returns 0..1; raise CheckError when the world cannot be read."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str]
    platforms: ClassVar[tuple[str, ...]] = ("desktop", "android")

    def score(self, ctx: "TaskContext") -> float:
        raise NotImplementedError

    def explain(self, ctx: "TaskContext") -> str | None:
        """One line on why this check does not pass (None: it passes, or cannot say)."""
        return None if self.score(ctx) >= 1.0 else f"the {self.kind} check did not pass"
