"""What several verbs share: building a driver, one-line errors, printing a result."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Iterator

import click

from drivers.actions import ActionFileError
from drivers.base import DriverError, MissingDependency
from tasks.task import TaskFileError

USAGE_ERRORS = (ActionFileError, MissingDependency, TaskFileError)


class UserError(click.ClickException):
    """A mistake in what the user gave us: one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one line each and exit 2, never a traceback."""
    try:
        yield
    except TaskFileError as exc:
        for line in exc.problems:
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    except (ActionFileError, MissingDependency) as exc:
        raise UserError(str(exc)) from None
    except DriverError as exc:
        raise UserError(f"driver: {exc}") from None


def driver_options(f):
    """--driver, --display, --serial and --xvfb, shared by run and replay."""
    f = click.option("--xvfb", "xvfb", default=None, metavar="WxH",
                     help="Start a private virtual display of this size (e.g. 1280x800) for the run.")(f)
    f = click.option("--serial", default=None, help="Android device serial (needed when several are attached).")(f)
    f = click.option("--display", default=None, metavar=":N", help="X display for the desktop driver (default: $DISPLAY).")(f)
    f = click.option("--driver", "driver_kind", type=click.Choice(["desktop", "android"]), default=None,
                     help="Where to act (default: the task's platform, else desktop).")(f)
    return f


def parse_size(text: str, option: str) -> tuple[int, int]:
    """(width, height) of the 'WxH' value of `option`; UserError naming the option and the value
    when it is not a size an X screen can have (drivers.desktop.xvfb.size_problem)."""
    from drivers.desktop.xvfb import size_problem

    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    try:
        w, h = int(m.group(1)), int(m.group(2))  # type: ignore[union-attr]
    except (AttributeError, ValueError):  # no match, or thousands of digits
        raise UserError(f"{option}: {text!r} is not a size like 1280x800 (width x height in pixels)") from None
    problem = size_problem(w, h)
    if problem:
        raise UserError(f"{option}: {text!r} is {problem}")
    return w, h


@contextlib.contextmanager
def open_driver(kind: str, display: str | None, serial: str | None, xvfb: str | None):
    """Yield a ready driver; a private Xvfb (with --xvfb) lives exactly as long as it."""
    if kind == "android":
        if xvfb:
            raise UserError("--xvfb is for the desktop driver, not android")
        from drivers.android import AndroidDriver

        with AndroidDriver(serial=serial) as driver:
            yield driver
        return
    if serial:
        raise UserError("--serial is for the android driver; add --driver android")
    size = parse_size(xvfb, "--xvfb") if xvfb else None
    try:
        if size:
            from drivers.desktop.xvfb import VirtualDisplay

            with VirtualDisplay(*size) as vd:
                os.environ.update(vd.env())
                from drivers.desktop import DesktopDriver

                with DesktopDriver(display=vd.display) as driver:
                    yield driver
            return
        from drivers.desktop import DesktopDriver

        with DesktopDriver(display=display) as driver:
            yield driver
    except DriverError as exc:
        # python-xlib and mss put the X server's multi-line error report in their messages.
        lines = str(exc).strip().splitlines()
        raise DriverError(lines[0] if lines else type(exc).__name__) from None


def echo_step(step) -> None:
    """One line per step (an agent.steps.StepResult) on stderr, as it happens."""
    acts = ", ".join(_short(a.model_dump()) for a in step.actions) or "-"
    line = f"step {step.index:>3}  {acts}"
    timing = "  ".join(f"{k} {v:.0f}ms" for k, v in step.ms.items() if v)
    click.echo(f"{line}  [{timing}]" + (f"  ! {step.error}" if step.error else ""), err=True)


def _short(action: dict) -> str:
    kind = action.get("type")
    args = {k: v for k, v in action.items() if k != "type" and v is not None}
    inner = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in args.items())
    return f"{kind}({inner})"


NO_RESULT_EXIT = 3
"""Exit status of a run that produced no result: the model could not be asked."""


def report_result(result, out: Path) -> int:
    """Print the ending, why it scored less than 1, and where the trajectory went (relative to
    the current folder when inside it); return the exit code: 0 solved, 1 not solved, 3 no
    result (the model could not be asked), 130 interrupted."""
    from agent.status import INTERRUPTED, MODEL_ERROR

    click.echo(f"status: {result.status}  score: {result.score:g}  steps: {result.steps}"
               + (f"  ({result.error})" if result.error else ""))
    if result.check_reason:
        click.echo(f"checker: {result.check_reason}")
    click.echo(f"trajectory: {_shown(Path(result.folder) / 'traj.jsonl')}")
    if result.earlier_attempt:
        click.echo(f"the earlier attempt was moved to {_shown(Path(out).resolve() / result.earlier_attempt)}", err=True)
    if result.status == MODEL_ERROR:
        click.echo("error: no result: the model could not be asked; run again when it can be", err=True)
        return NO_RESULT_EXIT
    if result.status == INTERRUPTED:
        return 130
    return 0 if result.solved else 1


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
