"""Running an OSWorld task's commands on this worker, as OSWorld's in-VM server ran them.

Commands run in the task environment (`ctx.env`: its DISPLAY and HOME) with HOME as the
working folder, and with a `python`/`python3` on PATH that is this interpreter (a shell
script shim, so that a virtual environment's packages, e.g. pyautogui, stay visible).
Background processes land in `ctx.processes`, which `TaskContext.close()` stops.

`pkill NAME` and `killall NAME` are not run as written, since workers share the machine: they
stop only processes whose environment has this task's DISPLAY (or HOME, with no display).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .paths import task_home

if TYPE_CHECKING:
    from ..task import TaskContext

def task_port(ctx: "TaskContext", name: str) -> int:
    """A free loopback port for this task's `name` service, chosen once per task: workers
    share the machine, so no fixed port (9222, 8080) can be used."""
    port = ctx.extra.get(f"{name}_port")
    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ctx.extra[f"{name}_port"] = port
    return port


EXEC_TIMEOUT = 120.0
"""Seconds an `execute` command may run, as on OSWorld's server."""

# pkill names as tasks write them -> the regex our process names match ('chrome' is chromium here).
_KILL_ALIASES = {"chrome": "chrom", "google-chrome": "chrom"}
_SHELL_KILL = re.compile(r"^\s*(pkill|killall)((?:\s+-\S+)*)\s+(\S+)\s*$")


def command_env(ctx: "TaskContext") -> dict[str, str]:
    """The task environment with the python shim first on PATH."""
    shim = Path(ctx.workdir) / ".osworld-bin"
    if not (shim / "python").exists():
        shim.mkdir(parents=True, exist_ok=True)
        for name in ("python", "python3"):
            target = shim / name
            target.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
            target.chmod(0o755)
    env = dict(ctx.env)
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', os.defpath)}"
    return env


def _cwd(ctx: "TaskContext") -> Path:
    home = task_home(ctx)
    home.mkdir(parents=True, exist_ok=True)
    return home


def spawn(ctx: "TaskContext", command: list[str] | str, shell: bool = False) -> subprocess.Popen:
    """Start a background process in its own session; `ctx.close()` stops it."""
    proc = subprocess.Popen(command, shell=shell, env=command_env(ctx), cwd=_cwd(ctx),
                            start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx.processes.append(proc)
    return proc


def run(ctx: "TaskContext", command: list[str] | str, shell: bool = False,
        timeout: float = EXEC_TIMEOUT) -> dict[str, Any]:
    """Run a command to the end; returns OSWorld's reply shape {output, error, returncode}.
    A command that cannot start or runs out of time gives returncode None and the reason in
    `error`, as OSWorld's server reported it, rather than raising; a program that does not
    exist also sets `missing`."""
    try:
        done = subprocess.run(command, shell=shell, env=command_env(ctx), cwd=_cwd(ctx),
                              capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    except subprocess.TimeoutExpired as exc:
        return {"output": _text(exc.stdout), "error": f"timed out after {timeout:g} s",
                "returncode": None}
    except FileNotFoundError as exc:
        return {"output": "", "error": f"program not found: {exc.filename}", "returncode": None,
                "missing": True}
    except OSError as exc:
        return {"output": "", "error": str(exc), "returncode": None}
    return {"output": done.stdout, "error": done.stderr, "returncode": done.returncode}


def _text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        return data.decode(errors="replace")
    return data or ""


def kill_request(command: list[str] | str, shell: bool) -> tuple[str, bool] | None:
    """If `command` is a plain `pkill [-opts] NAME` or `killall [-opts] NAME`, return
    (NAME, full) where full means -f (match the whole command line); else None."""
    if isinstance(command, str):
        m = _SHELL_KILL.match(command)
        if not m:
            return None
        return m.group(3), "-f" in m.group(2).split()
    if len(command) >= 2 and os.path.basename(command[0]) in ("pkill", "killall"):
        opts = [c for c in command[1:-1]]
        if all(o.startswith("-") for o in opts) and not command[-1].startswith("-"):
            return command[-1], "-f" in opts
    if len(command) == 3 and os.path.basename(command[0]) in ("bash", "sh") and command[1] == "-c":
        return kill_request(command[2], True)
    return None


def kill_scoped(ctx: "TaskContext", name: str, full: bool = False) -> int:
    """Stop (SIGTERM) processes matching `name` (a regex on the process name, or on the whole
    command line when `full`) that belong to this task; returns how many were signalled."""
    pattern = re.compile(_KILL_ALIASES.get(name, name))
    mine = {os.getpid(), os.getppid()}
    display, home = ctx.env.get("DISPLAY"), ctx.env.get("HOME")
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            if full:
                target = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            else:
                target = (entry / "comm").read_text().strip()
            if not pattern.search(target):
                continue
            env = dict(line.split("=", 1) for line in
                       (entry / "environ").read_bytes().decode(errors="replace").split("\0") if "=" in line)
        except OSError:  # gone, or not ours to read
            continue
        belongs = env.get("DISPLAY") == display if display else env.get("HOME") == home
        if belongs:
            try:
                os.kill(int(entry.name), signal.SIGTERM)
                count += 1
            except OSError:
                pass
    return count
