"""What a task is at run time, whatever file it came from (our YAML, OSWorld JSON)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from drivers.actions import Action
    from drivers.base import Driver


_VAR = re.compile(r"\$(?:(\w+)|\{(\w+)\})")


class SetupError(Exception):
    """A set-up step failed; the episode is not started (status `setup_error`)."""


class MissingResource(SetupError):
    """A file the task needs is not in the local cache (status `missing_resource`)."""

    def __init__(self, message: str, url: str | None = None):
        super().__init__(message)
        self.url = url


class CheckError(Exception):
    """A checker could not look at the world; counts as score 0 with this reason."""


class Limits(BaseModel):
    """When an episode gives up."""

    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(30, ge=1, le=10_000)
    """Most policy decisions in one episode."""
    max_seconds: float = Field(900.0, gt=0)
    """Wall-clock limit for the episode, set-up excluded."""
    stuck_repeats: int = Field(3, ge=2)
    """The same action this many times in a row with no screen change ends the episode as stuck."""
    max_format_errors: int = Field(3, ge=1)
    """This many unparseable model replies in a row end the episode."""
    check_every_step: bool = True
    """Run the checker after each step (ends early on success); else only at the end."""


@dataclass
class TaskContext:
    """What set-up steps and checkers may touch: the driver, a private folder, an environment.

    `env` is the environment for every command a task runs (DISPLAY, HOME, WORKDIR...).
    Processes started in the background are stopped by `close()`.
    """

    driver: "Driver | None" = None
    workdir: Path = field(default_factory=lambda: Path.cwd())
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cache_dir: Path | None = None
    processes: list[subprocess.Popen] = field(default_factory=list)
    decided: list["Action"] = field(default_factory=list)
    """Every action the policy decided so far, in order; kept by the environment that runs the
    episode, read by checkers through `answer` and `last_action`."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Scratch space of set-up steps and checkers of this attempt (caches, OSWorld's log)."""

    @property
    def answer(self) -> str | None:
        """Text of the agent's last `answer` action, for checkers of information questions."""
        return next((a.text for a in reversed(self.decided) if a.type == "answer"), None)

    @property
    def last_action(self) -> "Action | None":
        """The last action the policy decided, for checkers such as OSWorld's `infeasible`."""
        return self.decided[-1] if self.decided else None

    def expand(self, text: str) -> str:
        """Expand $VAR, ${VAR} and a leading ~ in a path or argument with the task environment
        (unknown variables stay as written, as os.path.expandvars leaves them)."""
        def value(match: re.Match) -> str:
            name = match.group(1) or match.group(2)
            return self.env.get(name, match.group(0))

        text = _VAR.sub(value, text)
        if text == "~" or text.startswith("~/"):
            text = self.env.get("HOME", os.path.expanduser("~")) + text[1:]
        return text

    def popen(self, argv: Sequence[str] | str, *, shell: bool = False, **kw) -> subprocess.Popen:
        """Start a background process in its own process group; close() stops it."""
        proc = subprocess.Popen(
            argv, shell=shell, env=self.env, cwd=self.workdir, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=kw.pop("stdout", subprocess.DEVNULL),
            stderr=kw.pop("stderr", subprocess.DEVNULL), **kw,
        )
        self.processes.append(proc)
        return proc

    def run(self, argv: Sequence[str] | str, *, shell: bool = False, timeout: float = 60.0,
            input: str | None = None) -> subprocess.CompletedProcess:
        """Run a command to completion in the task environment, capturing its output as text."""
        return subprocess.run(
            argv, shell=shell, env=self.env, cwd=self.workdir, capture_output=True, text=True,
            timeout=timeout, input=input, start_new_session=True,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    def close(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
        for proc in self.processes:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                proc.wait(timeout=3)
        self.processes.clear()


class SetupStep(Protocol):
    """One set-up step; raise SetupError (or MissingResource) when it cannot be done."""

    def run(self, ctx: TaskContext) -> None: ...


class Checker(Protocol):
    """Looks at the world and scores the task, 0..1 (1 = solved).

    A checker may also have `explain(ctx) -> str | None`: one line saying why it does not
    give full marks (what it found against what it wanted), for the result and the report."""

    def score(self, ctx: TaskContext) -> float: ...


@dataclass(frozen=True)
class Verdict:
    """What a checker found at the end of an episode."""

    score: float
    """0..1, clamped."""
    reason: str | None = None
    """Why the score is below 1, when the checker can say (one line)."""
    error: str | None = None
    """Why the checker could not look at the world (a CheckError): then the score is 0."""
    parts: tuple[dict[str, Any], ...] = ()
    """Scores of the parts, for checkers made of several (OSWorld's metrics: {"func", "score"})."""


def judge(checker: "Checker", ctx: TaskContext) -> Verdict:
    """Score the world with `checker`, and say why it is short of 1 and what its parts scored.

    A checker may have `explain(ctx) -> str | None` (one line on why it does not pass) and
    `parts(ctx) -> list[dict]` (the scores of its parts from this scoring); both are optional.
    """
    try:
        score = score_of(checker, ctx)
    except CheckError as exc:
        return Verdict(0.0, error=str(exc), parts=_parts(checker, ctx))
    reason = None
    if score < 1.0 and (how := getattr(checker, "explain", None)) is not None:
        try:
            reason = how(ctx)
        except (CheckError, OSError, subprocess.SubprocessError):
            reason = None
    return Verdict(score, reason, parts=_parts(checker, ctx))


def score_of(checker: "Checker", ctx: TaskContext) -> float:
    """The checker's score clamped to 0..1 (CheckError passes through)."""
    return max(0.0, min(1.0, float(checker.score(ctx))))


def _parts(checker: "Checker", ctx: TaskContext) -> tuple[dict[str, Any], ...]:
    how = getattr(checker, "parts", None)
    return tuple(how(ctx)) if how is not None else ()


@dataclass
class Task:
    """A task ready to run. `unsupported` names the set-up steps, getters or metrics
    ('config:download', 'metric:compare_table') this tool cannot run yet; such a task is skipped."""

    id: str
    instruction: str
    domain: str = "default"
    platform: Literal["desktop", "android"] = "desktop"
    setup: Sequence[SetupStep] = ()
    checker: Checker | None = None
    limits: Limits = field(default_factory=Limits)
    source: str | None = None
    unsupported: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class TaskFileError(Exception):
    """A task file has mistakes; `problems` holds one 'file: field: why' line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
