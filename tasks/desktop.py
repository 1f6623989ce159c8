"""Set-up steps and checks of desktop tasks: commands, programs, windows, files, the answer.

Most also work on the host side of any platform's task (`command`, `file`, `answer`); the
text rule of `command`, `file` and `answer` is tasks.kinds.TextMatch, the same as Android's.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from pathlib import Path
from typing import Literal

from pydantic import Field

from .kinds import CheckSpec, StepSpec, TextMatch
from .task import CheckError, SetupError, TaskContext

Argv = str | list[str]


def _argv(command: Argv) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def _bash(ctx: TaskContext, command: str, timeout: float, error: type[Exception]) -> subprocess.CompletedProcess:
    """Run a task author's shell command in the task environment; a timeout raises `error`."""
    try:
        return ctx.run(["bash", "-c", command], timeout=timeout)
    except subprocess.TimeoutExpired:
        raise error(f"command timed out after {timeout:g}s: {command}") from None


# ---- set-up steps -------------------------------------------------------------------------


class Command(StepSpec):
    """Run a shell command (written by the task's author) and wait for it; non-zero exit fails set-up."""

    kind = "command"
    command: str
    timeout: float = Field(60.0, gt=0)
    """Seconds before the command is killed and set-up fails."""

    def run(self, ctx: TaskContext) -> None:
        out = _bash(ctx, self.command, self.timeout, SetupError)
        if out.returncode != 0:
            tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or [""]
            raise SetupError(f"command exited {out.returncode}: {self.command}: {tail[0]}")


class Launch(StepSpec):
    """Start a program in the background (argv list, or a string split like a shell would)."""

    kind = "launch"
    launch: Argv

    def run(self, ctx: TaskContext) -> None:
        argv = [ctx.expand(a) for a in _argv(self.launch)]
        try:
            ctx.popen(argv)
        except OSError as exc:
            raise SetupError(f"cannot launch {argv[0]}: {exc.strerror or exc}") from None


class Sleep(StepSpec):
    """Wait a fixed time (prefer wait_window / wait_file)."""

    kind = "sleep"
    sleep: float = Field(ge=0, le=600)

    def run(self, ctx: TaskContext) -> None:
        time.sleep(self.sleep)


class WaitWindow(StepSpec):
    """Wait until a window whose title matches the regex exists (and is mapped)."""

    kind = "wait_window"
    wait_window: str
    timeout: float = Field(20.0, gt=0)

    def run(self, ctx: TaskContext) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if window_titles(ctx, self.wait_window):
                return
            time.sleep(0.1)
        raise SetupError(f"no window titled like {self.wait_window!r} within {self.timeout:g}s")


class WaitFile(StepSpec):
    """Wait until a file exists."""

    kind = "wait_file"
    wait_file: str
    timeout: float = Field(20.0, gt=0)

    def run(self, ctx: TaskContext) -> None:
        path = Path(ctx.expand(self.wait_file))
        deadline = time.monotonic() + self.timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise SetupError(f"file {path} did not appear within {self.timeout:g}s")
            time.sleep(0.1)


def window_titles(ctx: TaskContext, pattern: str) -> list[str]:
    """Titles of visible windows matching `pattern` (a regex), via xdotool."""
    try:
        out = ctx.run(["xdotool", "search", "--onlyvisible", "--name", pattern], timeout=5)
    except FileNotFoundError:
        raise CheckError("xdotool is not installed (apt-get install xdotool)") from None
    except subprocess.TimeoutExpired:
        return []
    titles = []
    for wid in out.stdout.split():
        name = ctx.run(["xdotool", "getwindowname", wid], timeout=5).stdout.strip()
        if re.search(pattern, name):
            titles.append(name)
    return titles


# ---- checks -------------------------------------------------------------------------------


class CommandOutput(TextMatch):
    """A command's standard output keeps the rule; with no rule, exit status 0 passes."""

    kind = "command"
    command: str
    timeout: float = Field(30.0, gt=0)

    def failure(self, ctx: TaskContext) -> str | None:
        out = _bash(ctx, self.command, self.timeout, CheckError)
        if not self.has_rule():
            return None if out.returncode == 0 else f"`{self.command}` exited {out.returncode}"
        return self.mismatch(f"the output of `{self.command}`", out.stdout)


class File(TextMatch):
    """A file exists; with a rule, its text keeps it."""

    kind = "file"
    file: str

    def failure(self, ctx: TaskContext) -> str | None:
        path = Path(ctx.expand(self.file))
        if not path.is_file():
            return f"{path} does not exist"
        return self.mismatch(str(path), path.read_text(encoding="utf-8", errors="replace"))


class Window(CheckSpec):
    """A visible window whose title matches the regex exists."""

    kind = "window"
    window: str

    def score(self, ctx: TaskContext) -> float:
        return float(bool(window_titles(ctx, self.window)))

    def explain(self, ctx: TaskContext) -> str | None:
        return None if self.score(ctx) else f"no visible window's title matches /{self.window}/"


class AnswerIs(TextMatch):
    """The agent's `answer` action keeps the rule (for information questions); with no rule,
    any answer passes."""

    kind = "answer"
    answer: Literal[True] = True

    def failure(self, ctx: TaskContext) -> str | None:
        if ctx.answer is None:
            return "the agent gave no answer"
        return self.mismatch("the answer", ctx.answer)


DESKTOP_STEPS = (Command, Launch, Sleep, WaitWindow, WaitFile)
DESKTOP_CHECKS = (CommandOutput, File, Window, AnswerIs)
