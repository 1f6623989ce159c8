"""Getters that run commands or read the screen's state, and the literal `rule` getters."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, Any

from .. import procs
from ..paths import prepare_argv, prepare_shell, screen_size, split_command, task_home

if TYPE_CHECKING:
    from ...task import TaskContext

TMUX_SOCKET = ".osworld-tmux"
"""The task's terminal server socket, relative to HOME (see vm_terminal_output)."""


def _run(ctx: "TaskContext", config: dict) -> dict:
    command, shell = split_command(config["command"], config.get("shell", False))
    command = prepare_shell(ctx, command) if shell else prepare_argv(ctx, command)
    return procs.run(ctx, command, shell)


def vm_command_line(ctx: "TaskContext", config: dict) -> str | None:
    """The standard output of a command run in the task's world. config: command, shell.
    None when the command could not run (not found, timed out)."""
    reply = _run(ctx, config)
    return None if reply["returncode"] is None else reply["output"]


def vm_command_error(ctx: "TaskContext", config: dict) -> str | None:
    """The standard error of a command run in the task's world. config: command, shell."""
    reply = _run(ctx, config)
    return None if reply["returncode"] is None else reply["error"]


def vm_terminal_output(ctx: "TaskContext", config: dict) -> str | None:
    """The text on the task's terminal screen, right-stripped. OSWorld read GNOME Terminal
    through the accessibility bus; here the terminal is a tmux session on the socket
    HOME/.osworld-tmux (a terminal started any other way cannot be read: None)."""
    socket = task_home(ctx) / TMUX_SOCKET
    if not socket.exists():
        return None
    try:
        done = subprocess.run(["tmux", "-S", str(socket), "capture-pane", "-p"], env=ctx.env,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.rstrip() if done.returncode == 0 else None


def rule(ctx: "TaskContext", config: dict) -> Any:
    """The task's own literal data: config["rules"], as written."""
    return config["rules"]


def vm_screen_size(ctx: "TaskContext", config: dict) -> dict:
    """{"width", "height"} of the task's screen in pixels."""
    w, h = screen_size(ctx)
    return {"width": w, "height": h}


def vm_window_size(ctx: "TaskContext", config: dict) -> dict | None:
    """{"width", "height"} in pixels of the first visible window of class
    config["app_class_name"], or None."""
    try:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--class",
                                config["app_class_name"]], env=ctx.env, capture_output=True,
                               text=True, timeout=10).stdout.split()
        if not found:
            return None
        geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", found[0]], env=ctx.env,
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    values = dict(line.split("=", 1) for line in geo.splitlines() if "=" in line)
    return {"width": int(values["WIDTH"]), "height": int(values["HEIGHT"])}
