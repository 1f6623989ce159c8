"""Steps that run commands: launch, execute (and its alias command), sleep. Commands are
read for sudo (sudo.py), scoped kills (procs.py) and VLC's web interface before they run."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ...task import SetupError
from .. import chrome, procs, sudo
from ..paths import OutsideTaskFolder, eval_path, note, prepare_argv, prepare_shell, split_command
from .base import OsStep


def _without_sudo(params: dict) -> dict:
    """`params` with its sudo parts replaced (see sudo.py); SetupError when a package they
    install is not on this machine, or a sudo part has no safe meaning."""
    if not sudo.uses_sudo(params["command"]):
        return params
    found = sudo.plan(params["command"])
    if found is None:
        raise SetupError(f"sudo in {params['command']!r}: only package installs, mkdir/touch in HOME and su "
                         "are run here (workers share the machine)")
    absent = sudo.missing_debs(found.debs)
    if absent:
        raise SetupError(f"the task installs {', '.join(absent)} as root; install it on this machine first "
                         f"(apt-get install {' '.join(absent)})")
    absent = sudo.missing_pips(found.pips, sys.executable)
    if absent:
        raise SetupError(f"the task installs the Python package {', '.join(absent)} as root; install it first "
                         f"({sys.executable} -m pip install {' '.join(absent)})")
    return {**params, "command": found.command}


def _argv_or_shell(ctx, params) -> tuple[list[str] | str, bool]:
    params = _without_sudo(params)
    command, shell = split_command(params["command"], params.get("shell", False))
    if shell:
        return prepare_shell(ctx, command), True
    return prepare_argv(ctx, command), False


def _scoped_kill(ctx, command, shell) -> bool:
    request = procs.kill_request(command, shell)
    if request is None:
        return False
    n = procs.kill_scoped(ctx, *request)
    note(ctx, f"stopped {n} of this task's processes matching {request[0]!r}")
    return True


_VLC_SHELL = re.compile(r"^(\s*(?:\w+=\S*\s+)*)(vlc)(?=\s|$)")


def _with_vlc_web(ctx, command, shell):
    """A VLC launch with VLC's web interface on this task's own port, which the
    vlc_playing_info getter reads (OSWorld's VM turned it on in vlcrc, on a fixed port)."""
    from ..getters.desktop import VLC_PASSWORD, vlc_port

    if shell:
        if not _VLC_SHELL.match(command):
            return command
        flags = " ".join(_vlc_flags(vlc_port(ctx), VLC_PASSWORD))
        return _VLC_SHELL.sub(lambda m: f"{m.group(1)}{m.group(2)} {flags}", command, count=1)
    if command and Path(command[0]).name == "vlc":
        return [command[0], *_vlc_flags(vlc_port(ctx), VLC_PASSWORD), *command[1:]]
    return command


def _vlc_flags(port: int, password: str) -> list[str]:
    return ["--extraintf=http", "--http-host=127.0.0.1", f"--http-port={port}", f"--http-password={password}"]


@dataclass
class Launch(OsStep):
    """Start a program in the background. params: {"command": list|str, "shell": bool}.
    `google-chrome` becomes this worker's chromium; OSWorld's socat port forwarder is skipped."""

    kind: ClassVar[str] = "launch"

    def run(self, ctx):
        command, shell = _argv_or_shell(ctx, self.params)
        if _scoped_kill(ctx, command, shell):
            return
        command = _with_vlc_web(ctx, command, shell)
        if not shell:
            if chrome.is_forwarder(command):
                note(ctx, "skipped socat forwarder: the debugging port is direct here")
                return
            if Path(command[0]).name in chrome.CHROME_NAMES:
                command = chrome.browser_argv(ctx, command)
        try:
            procs.spawn(ctx, command, shell)
        except FileNotFoundError:
            raise SetupError(f"program not found: {command[0]}") from None
        note(ctx, f"launch {command}")


@dataclass
class Execute(OsStep):
    """Run a command to its end. params: {"command", "shell", "stdout", "stderr", "until"}.
    stdout/stderr name files in the evaluation folder (for the `cache_file` getter); `until`
    ({"returncode"|"stdout"|"stderr": ...}) repeats the command until it holds, up to 60 s."""

    kind: ClassVar[str] = "execute"
    until_timeout: ClassVar[float] = 60.0

    def run(self, ctx):
        command, shell = _argv_or_shell(ctx, self.params)
        if _scoped_kill(ctx, command, shell):
            return
        until = self.params.get("until") or {}
        deadline = time.monotonic() + self.until_timeout
        while True:
            reply = procs.run(ctx, command, shell)
            note(ctx, f"execute {command} -> {reply['returncode']}")
            if reply.get("missing"):
                raise SetupError(reply["error"])
            for key, reply_key in (("stdout", "output"), ("stderr", "error")):
                if self.params.get(key):
                    try:
                        eval_path(ctx, self.params[key]).write_text(reply[reply_key])
                    except OutsideTaskFolder as exc:
                        raise SetupError(f"execute: {key}: {exc}") from None
            if not until or _holds(until, reply):
                return
            if time.monotonic() > deadline:
                raise SetupError(f"{command}: never met {until} in {self.until_timeout:g} s")
            time.sleep(0.3)


def _holds(until: dict, reply: dict) -> bool:
    return ("returncode" in until and reply["returncode"] == until["returncode"]
            or "stdout" in until and until["stdout"] in reply["output"]
            or "stderr" in until and until["stderr"] in reply["error"])


@dataclass
class Command(Execute):
    """OSWorld's alias of execute."""

    kind: ClassVar[str] = "command"


@dataclass
class Sleep(OsStep):
    """Wait. params: {"seconds": number}"""

    kind: ClassVar[str] = "sleep"

    def run(self, ctx):
        time.sleep(float(self.params["seconds"]))
