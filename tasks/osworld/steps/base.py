"""The base of every OSWorld set-up step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ...task import TaskContext


@dataclass
class OsStep:
    """One step: `params` is the step's `parameters` object from the task file."""

    params: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = ""

    def run(self, ctx: "TaskContext") -> None:
        raise NotImplementedError
