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
    answer: str | None = None
    """Text of the agent's last `answer` action, for checkers of information questions."""
    last_action: "Action | None" = None
    """The last action the policy decided, for checkers such as OSWorld's `infeasible`."""
    extra: dict[str, Any] = field(default_factory=dict)

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


def explain(checker: "Checker", ctx: TaskContext) -> str | None:
    """Why `checker` does not pass, in one line, or None when it cannot say."""
    how = getattr(checker, "explain", None)
    if how is None:
        return None
    try:
        return how(ctx)
    except (CheckError, OSError, subprocess.SubprocessError):
        return None


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
