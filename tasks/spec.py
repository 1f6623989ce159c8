"""The YAML task file format (TaskSpec), validated by pydantic, and the checks that combine
others: all (the lowest score), any (the highest), not (one minus). The step and check kinds
come from tasks/desktop.py and tasks/android/ (their base classes: tasks/kinds.py).

    id: save-note
    domain: os
    instruction: Type "hello" in the editor and save the file.
    platform: desktop            # or android
    setup:                       # each step is a mapping whose first key is its kind
      - launch: [mousepad, $WORKDIR/note.txt]
      - wait_window: note.txt
    checker:                     # leaves score 0/1; all = min, any = max, not = 1 - x
      all:
        - file: $WORKDIR/note.txt
          contains: hello
    limits: {max_steps: 10, max_seconds: 120}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from .android import ANDROID_CHECKS, ANDROID_STEPS
from .desktop import DESKTOP_CHECKS, DESKTOP_STEPS
from .kinds import CheckSpec
from .task import Limits, TaskContext


class AllOf(CheckSpec):
    """Every check passes: the lowest score."""

    kind = "all"
    all: list["CheckNode"] = Field(min_length=1)

    def score(self, ctx: TaskContext) -> float:
        return min(c.score(ctx) for c in self.all)

    def explain(self, ctx: TaskContext) -> str | None:
        reasons = [r for c in self.all if (r := c.explain(ctx))]
        return "; ".join(reasons) or None


class AnyOf(CheckSpec):
    """At least one check passes: the highest score."""

    kind = "any"
    any: list["CheckNode"] = Field(min_length=1)

    def score(self, ctx: TaskContext) -> float:
        return max(c.score(ctx) for c in self.any)

    def explain(self, ctx: TaskContext) -> str | None:
        if self.score(ctx) >= 1.0:
            return None
        reasons = [r for c in self.any if (r := c.explain(ctx))]
        return "none of the alternatives holds: " + " | ".join(reasons) if reasons else None


class NotOf(CheckSpec):
    """The check fails: one minus its score."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    kind = "not"
    not_: "CheckNode" = Field(alias="not")

    def score(self, ctx: TaskContext) -> float:
        return 1.0 - self.not_.score(ctx)

    def explain(self, ctx: TaskContext) -> str | None:
        return None if self.score(ctx) >= 1.0 else f"what should not hold does: the inner {self.not_.kind} check passes"


STEP_KINDS = {cls.kind: cls for cls in (*DESKTOP_STEPS, *ANDROID_STEPS)}
CHECK_KINDS = {cls.kind: cls for cls in (AllOf, AnyOf, NotOf, *DESKTOP_CHECKS, *ANDROID_CHECKS)}


def _kind_of(kinds: dict[str, type]):
    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            return next((k for k in value if k in kinds), None)
        return getattr(value, "kind", None)

    return pick


def _union(kinds: dict[str, type], what: str):
    members = tuple(Annotated[cls, Tag(name)] for name, cls in kinds.items())
    return Annotated[
        Union[members],  # type: ignore[valid-type]
        Discriminator(
            _kind_of(kinds),
            custom_error_type=f"unknown_{what}",
            custom_error_message=f"unknown {what} kind; expected one of: {', '.join(sorted(kinds))}",
        ),
    ]


StepNode = _union(STEP_KINDS, "step")
CheckNode = _union(CHECK_KINDS, "check")
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


class TaskSpec(BaseModel):
    """One task file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    """Unique within a suite; names the result folder."""
    instruction: str = Field(min_length=1)
    """What the agent is asked to do, in natural language."""
    domain: str = Field("default", pattern=r"^[A-Za-z0-9._-]+$")
    """Groups tasks in results and reports."""
    platform: Literal["desktop", "android"] = "desktop"
    setup: list[StepNode] = Field(default_factory=list)  # type: ignore[valid-type]
    """Run in order before the episode; any failure skips the task as setup_error."""
    checker: CheckNode | None = None  # type: ignore[valid-type]
    """Scores the episode 0..1; none means the policy's own `done` decides."""
    limits: Limits = Field(default_factory=Limits)

    @model_validator(mode="after")
    def _platform_fits(self):
        wrong = [s.kind for s in self.setup if self.platform not in s.platforms]
        wrong += [c.kind for c in _leaves(self.checker) if self.platform not in c.platforms]
        if wrong:
            raise ValueError(f"{', '.join(sorted(set(wrong)))} cannot be used with platform {self.platform}")
        return self


def _leaves(check):
    if check is None:
        return
    match check:
        case AllOf():
            for c in check.all:
                yield from _leaves(c)
        case AnyOf():
            for c in check.any:
                yield from _leaves(c)
        case NotOf():
            yield from _leaves(check.not_)
        case _:
            yield check
