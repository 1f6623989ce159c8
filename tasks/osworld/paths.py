"""Turning an OSWorld task's view of its machine into this worker's.

OSWorld tasks were written for a disposable VM whose user is `user`: they name files as
`/home/user/...`, run `python` meaning "the Python that has pyautogui", and write the screen
size as `{SCREEN_WIDTH}` placeholders. Here many workers share one machine, each with its own
HOME (`ctx.env["HOME"]`) and display (`ctx.env["DISPLAY"]`), so every path, command and
placeholder goes through this module before it touches the world.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from ..task import TaskContext

VM_HOME = "/home/user"
"""The home folder every OSWorld task assumes."""

DEFAULT_SCREEN = (1920, 1080)
"""OSWorld's screen size, used when neither the driver nor the display can say."""

CLIENT_PASSWORD = "password"
"""OSWorld's default VM password; tasks that use it with sudo are not run (see loader)."""

_VM_HOME_RE = re.compile(r"/home/user(?![\w-])")
_PY_WORD = re.compile(r"(?<![\w/.-])python3?(?![\w.-])")


def task_home(ctx: "TaskContext") -> Path:
    """The task's HOME, where OSWorld's /home/user lives for this worker."""
    home = ctx.env.get("HOME")
    return Path(home) if home else Path(ctx.workdir)


def vm_path(ctx: "TaskContext", path: str) -> Path:
    """Map a path as the task wrote it onto this worker: /home/user/x and ~/x go to HOME/x,
    $VARS expand from the task environment, and a relative path is relative to HOME (the
    folder OSWorld's server ran commands in)."""
    text = map_text(ctx, str(path))
    text = ctx.expand(text)
    p = Path(text)
    return p if p.is_absolute() else task_home(ctx) / p


def map_text(ctx: "TaskContext", text: str) -> str:
    """Replace /home/user with this task's HOME anywhere in a string (commands, scripts)."""
    home = str(task_home(ctx))
    return _VM_HOME_RE.sub(lambda _m: home, text)


def screen_size(ctx: "TaskContext") -> tuple[int, int]:
    """Width and height in pixels of the task's screen: the driver's, else the X display's."""
    driver = ctx.driver
    if driver is not None:
        try:
            w, h = driver.screen_size
            return int(w), int(h)
        except Exception:  # a driver that cannot say yet; ask the display instead
            pass
    cached = ctx.extra.get("osworld_screen")
    if cached:
        return cached
    size = DEFAULT_SCREEN
    if ctx.env.get("DISPLAY"):
        try:
            out = subprocess.run(["xdotool", "getdisplaygeometry"], env=ctx.env, capture_output=True,
                                 text=True, timeout=5)
            w, h = out.stdout.split()
            size = (int(w), int(h))
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
    ctx.extra["osworld_screen"] = size
    return size


def fill_placeholders(ctx: "TaskContext", text: str) -> str:
    """Fill {SCREEN_WIDTH}, {SCREEN_HEIGHT}, their _HALF forms and {CLIENT_PASSWORD}."""
    if "{" not in text:
        return text
    w, h = screen_size(ctx)
    for key, value in (("{SCREEN_WIDTH_HALF}", w // 2), ("{SCREEN_HEIGHT_HALF}", h // 2),
                       ("{SCREEN_WIDTH}", w), ("{SCREEN_HEIGHT}", h),
                       ("{CLIENT_PASSWORD}", CLIENT_PASSWORD)):
        text = text.replace(key, str(value))
    return text


def prepare_argv(ctx: "TaskContext", command: Sequence[str]) -> list[str]:
    """A command list ready to run here: placeholders filled, /home/user and ~/ mapped to HOME,
    and `python`/`python3` as the program replaced by this interpreter (which has pyautogui)."""
    home = str(task_home(ctx))
    argv = []
    for i, arg in enumerate(command):
        arg = map_text(ctx, fill_placeholders(ctx, str(arg)))
        if arg == "~" or arg.startswith("~/"):
            arg = home + arg[1:]
        argv.append(arg)
    if argv and argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    return argv


def prepare_shell(ctx: "TaskContext", command: str) -> str:
    """A shell command ready to run here: placeholders filled, /home/user mapped, and the word
    `python`/`python3` in program position replaced by this interpreter."""
    text = map_text(ctx, fill_placeholders(ctx, command))
    return _PY_WORD.sub(lambda m: shlex.quote(sys.executable), text)


def as_bool(value: Any) -> bool:
    """A task file's flag: JSON true/false, or the strings "true"/"false" some files use."""
    return value.lower() == "true" if isinstance(value, str) else bool(value)


def split_command(command: Any, shell: Any) -> tuple[list[str] | str, bool]:
    """OSWorld's rule for a command: a string without shell=True is split like a shell would;
    a list with shell=True is joined (the server passes it to the shell as one string)."""
    shell = as_bool(shell)
    if isinstance(command, str) and not shell:
        return shlex.split(command), False
    if isinstance(command, list) and shell:
        return " ".join(str(c) for c in command), True
    return command, shell


def eval_dir(ctx: "TaskContext") -> Path:
    """The folder where evaluation copies files (OSWorld's per-task cache folder): getters put
    result and expected files here under their `dest` names, `execute` steps their stdout."""
    folder = Path(ctx.workdir) / "osworld-eval"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class OutsideTaskFolder(ValueError):
    """A task file named a path to write that leaves the folders the task may write in."""


def _within(path: Path, roots: Sequence[Path]) -> bool:
    real = path.resolve()  # `..` and symlinks followed: where the write would really land
    return any(real == r.resolve() or real.is_relative_to(r.resolve()) for r in roots)


def eval_path(ctx: "TaskContext", name: str) -> Path:
    """Where a getter's `dest` (or an execute step's stdout file) goes: inside eval_dir, or
    OutsideTaskFolder ('../x' and absolute names would write anywhere)."""
    folder = eval_dir(ctx)
    path = folder / str(name)
    if not str(name).strip() or not _within(path, [folder]) or path.resolve() == folder.resolve():
        raise OutsideTaskFolder(f"{name!r} is not a file name inside the task's evaluation folder")
    return path


def writable_vm_path(ctx: "TaskContext", raw: str) -> Path:
    """vm_path for a file the task writes (a download): it must land in the task's HOME (the
    VM's /home/user) or its workdir, else OutsideTaskFolder."""
    path = vm_path(ctx, raw)
    if not _within(path, [task_home(ctx), Path(ctx.workdir)]):
        raise OutsideTaskFolder(f"{raw!r} ({path}) is outside the task's HOME and folder")
    return path


def note(ctx: "TaskContext", text: str) -> None:
    """Keep a line about what a step or getter did, for the run's record (ctx.extra)."""
    ctx.extra.setdefault("osworld_log", []).append(text)


def file_uri_path(uri: str) -> str:
    """The path a file:// URI names, percent-decoded (apps write `file:///home/user/My%20Music/a.mp3`)."""
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)
