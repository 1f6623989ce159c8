"""What a set-up step or a check is, and the one text rule every platform's checks share.

A step or check in a YAML task file is a mapping whose kind is the name of its first key, as in
`- launch: [mousepad, notes.txt]` or `- file: $WORKDIR/out.txt` with `contains: hi`. Each kind is
one pydantic model whose `kind` class attribute equals that key: tasks/desktop.py and
tasks/android/ define them, tasks/spec.py gathers them into the task file format.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

if TYPE_CHECKING:
    from .task import TaskContext

RULES = ("equals", "contains", "regex")


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


class TextMatch(CheckSpec):
    """A check that reads a text (a file, a command's output, a phone setting, the agent's
    answer) and holds it to at most one rule. The keys mean the same on every platform:

    - `equals`: the text is exactly this;
    - `contains`: the text has this somewhere in it;
    - `regex`: this Python regular expression matches somewhere in it (re.search, with ^ and $
      matching at every line's start and end; \\A and \\Z anchor the whole text);
    - `strip` (default true): white space at both ends of the text, and of `equals`, is
      ignored, so the newline a command prints or an editor adds on save does not count.

    With no rule, what the check reads only has to be there (each check says what that means).
    A subclass implements `failure(ctx)`; score and explain follow from it.
    """

    equals: str | None = None
    """The text equals this."""
    contains: str | None = None
    """The text contains this."""
    regex: str | None = None
    """This Python regular expression matches somewhere in the text (multi-line: ^ and $ at each line)."""
    strip: bool = True
    """Ignore white space at both ends of the text and of `equals`."""

    @model_validator(mode="after")
    def _one_rule(self):
        given = [n for n in RULES if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of equals / contains / regex, not {' and '.join(given)}")
        if not given and self.needs_rule():
            raise ValueError("give one of equals / contains / regex")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex {self.regex!r} does not compile: {exc}") from None
        return self

    def needs_rule(self) -> bool:
        """Whether this check means nothing without a rule (a setting always has some value)."""
        return False

    def has_rule(self) -> bool:
        return any(getattr(self, n) is not None for n in RULES)

    def matches(self, text: str) -> bool:
        """Whether `text` keeps the rule (with no rule, any text does)."""
        if self.strip:
            text = text.strip()
        if self.equals is not None:
            return text == (self.equals.strip() if self.strip else self.equals)
        if self.contains is not None:
            return self.contains in text
        if self.regex is not None:
            return re.search(self.regex, text, re.MULTILINE) is not None
        return True

    def mismatch(self, what: str, text: str) -> str | None:
        """None when `text` keeps the rule, else '<what> is '...', not equal to / without /
        not matching '...''."""
        if self.matches(text):
            return None
        rule = (f"not equal to {short(self.equals)}" if self.equals is not None else
                f"without {short(self.contains)}" if self.contains is not None else
                f"not matching /{self.regex}/")
        return f"{what} is {short(text.strip() if self.strip else text)}, {rule}"

    def failure(self, ctx: "TaskContext") -> str | None:
        """Look at the world: None when the check passes, else one line on what was found."""
        raise NotImplementedError

    def score(self, ctx: "TaskContext") -> float:
        return 1.0 if self.failure(ctx) is None else 0.0

    def explain(self, ctx: "TaskContext") -> str | None:
        return self.failure(ctx)


def short(text: str, limit: int = 80) -> str:
    """A value for a one-line reason: quoted, newlines shown, cut with an ellipsis."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[:limit - 2] + "…" + shown[0]
