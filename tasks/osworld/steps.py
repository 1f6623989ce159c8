"""OSWorld set-up steps (`config` and `evaluator.postconfig` entries) as SetupStep objects.

Each class takes the step's `parameters` object as OSWorld wrote it and runs on the task's own
display and HOME (see paths.py and procs.py). Like OSWorld's server, a command that fails is
not an error (tasks `pkill` things that may not run); a program that does not exist, a file
missing from the cache, or a file that opens no window is.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..home import prepare_home
from ..task import MissingResource, SetupError
from . import chrome, procs, sudo, windows
from .cache import find_cached
from .paths import (OutsideTaskFolder, as_bool, eval_path, note, prepare_argv, prepare_shell, split_command, task_home,
                    vm_path, writable_vm_path)

if TYPE_CHECKING:
    from ..task import TaskContext

OPEN_TIMEOUT = 60.0
"""Seconds `open` waits for the file's window (OSWorld waited up to 30 minutes)."""

_OFFICE = {".xlsx": "--calc", ".xls": "--calc", ".xlsm": "--calc", ".ods": "--calc", ".csv": "--calc",
           ".docx": "--writer", ".doc": "--writer", ".odt": "--writer", ".rtf": "--writer",
           ".pptx": "--impress", ".ppt": "--impress", ".odp": "--impress"}


@dataclass
class OsStep:
    """One step: `params` is the step's `parameters` object from the task file."""

    params: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = ""

    def run(self, ctx: "TaskContext") -> None:
        raise NotImplementedError


@dataclass
class PrepareHome(OsStep):
    """Make the task HOME look like OSWorld's VM user: usual folders, apps past their first
    start (see tasks/home.py)."""

    kind: ClassVar[str] = "prepare_home"

    def run(self, ctx):
        prepare_home(task_home(ctx), ctx.env)


@dataclass
class RequireResources(OsStep):
    """Fail fast, before anything starts, when a file the task downloads or is scored against
    is not in the cache. params: {"urls": [...]}"""

    kind: ClassVar[str] = "require_resources"

    def run(self, ctx):
        missing = [u for u in self.params.get("urls", []) if find_cached(ctx.cache_dir, u) is None]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise MissingResource(f"not in the cache: {missing[0]}{more}", url=missing[0])


@dataclass
class Download(OsStep):
    """Copy files from the local cache to where the task expects them. params: {"files":
    [{"url", "path"}]}; raises MissingResource naming the URL when the cache lacks one."""

    kind: ClassVar[str] = "download"

    def run(self, ctx):
        for item in self.params["files"]:
            url = item["url"]
            try:
                target = writable_vm_path(ctx, item["path"])
            except OutsideTaskFolder as exc:
                raise SetupError(f"download: path {exc}") from None
            source = find_cached(ctx.cache_dir, url)
            if source is None:
                raise MissingResource(f"not in the cache: {url}", url=url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            note(ctx, f"download {url} -> {target}")


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
    from .getters.desktop import VLC_PASSWORD, vlc_port

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


@dataclass
class Open(OsStep):
    """Open a file in its app (LibreOffice for office files, else xdg-open), or start a program
    by name, then wait until a window titled with its name shows and focus it. params: {"path"}"""

    kind: ClassVar[str] = "open"

    def run(self, ctx):
        raw = self.params["path"]
        path = vm_path(ctx, raw)
        if path.exists():
            office = _OFFICE.get(path.suffix.lower())
            argv = (["libreoffice", office, "--norestore", str(path)] if office
                    else ["xdg-open", str(path)])
            names = [path.name, path.stem]
        elif shutil.which(raw):
            argv, names = [raw], [raw]
        else:
            raise SetupError(f"open: no such file or program: {raw}")
        try:
            procs.spawn(ctx, argv)
        except FileNotFoundError:
            raise SetupError(f"open: {argv[0]} is not installed") from None
        wid = windows.wait_for_window(ctx, names, OPEN_TIMEOUT)
        if wid is None:
            raise SetupError(f"open: no window for {names[0]} within {OPEN_TIMEOUT:g} s")
        windows.activate(ctx, wid)
        note(ctx, f"opened {path} in window {wid}")


@dataclass
class ActivateWindow(OsStep):
    """Focus a window. params: {"window_name", "strict", "by_class"}; no match is not an error
    (OSWorld went on too), it is noted."""

    kind: ClassVar[str] = "activate_window"

    def run(self, ctx):
        found = windows.find_windows(ctx, self.params["window_name"],
                                     strict=as_bool(self.params.get("strict", False)),
                                     by_class=as_bool(self.params.get("by_class", False)))
        if found:
            windows.activate(ctx, found[-1])
        note(ctx, f"activate_window {self.params['window_name']!r}: {len(found)} found")


@dataclass
class CloseWindow(OsStep):
    """Ask a window to close. params as activate_window."""

    kind: ClassVar[str] = "close_window"

    def run(self, ctx):
        found = windows.find_windows(ctx, self.params["window_name"],
                                     strict=as_bool(self.params.get("strict", False)),
                                     by_class=as_bool(self.params.get("by_class", False)))
        for wid in found:
            windows.close(ctx, wid)
        note(ctx, f"close_window {self.params['window_name']!r}: {len(found)} found")


@dataclass
class ChromeOpenTabs(OsStep):
    """Open URLs in the task's browser (started if it is not running), closing the blank first
    tab as OSWorld did. params: {"urls_to_open": [...]}"""

    kind: ClassVar[str] = "chrome_open_tabs"

    def run(self, ctx):
        if not chrome.wait_ready(ctx, timeout=2.0):
            procs.spawn(ctx, chrome.browser_argv(ctx, ["google-chrome"]))
        if not chrome.wait_ready(ctx, timeout=30.0):
            raise SetupError("chromium did not answer on its debugging port within 30 s")
        before = chrome.tabs(ctx)
        for i, url in enumerate(self.params["urls_to_open"]):
            chrome.open_tab(ctx, url)
            if i == 0:
                for tab in before:
                    chrome.close_tab(ctx, tab["id"])
        note(ctx, f"opened {len(self.params['urls_to_open'])} tabs")


@dataclass
class ChromeCloseTabs(OsStep):
    """Close the tabs showing the given URLs. params: {"urls_to_close": [...]}"""

    kind: ClassVar[str] = "chrome_close_tabs"

    def run(self, ctx):
        from .metrics.urls import same_url

        if not chrome.wait_ready(ctx, timeout=30.0):
            raise SetupError("chromium did not answer on its debugging port within 30 s")
        for url in self.params["urls_to_close"]:
            for tab in chrome.tabs(ctx):
                if same_url(tab.get("url", ""), url):
                    chrome.close_tab(ctx, tab["id"])
                    break


@dataclass
class AccessibilityBus(OsStep):
    """Give the task a D-Bus session bus of its own, before its apps start, so that they
    publish their accessibility objects (AT-SPI, whose bus the session bus starts on demand)
    for the accessibility_tree getter. Workers otherwise run without a session bus; a shared
    one would connect one worker's apps to another's. params: none."""

    kind: ClassVar[str] = "accessibility_bus"
    wait_s: ClassVar[float] = 10.0

    def run(self, ctx):
        import tempfile

        if ctx.env.get("DBUS_SESSION_BUS_ADDRESS"):
            return
        folder = Path(ctx.env.get("XDG_RUNTIME_DIR") or ctx.workdir)
        if len(str(folder)) > 80:  # a socket path may not exceed 107 bytes
            folder = Path(tempfile.mkdtemp(prefix="osworld-bus-"))
        socket = folder / "session-bus"
        socket.unlink(missing_ok=True)
        try:
            procs.spawn(ctx, ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={socket}"])
        except FileNotFoundError:
            raise SetupError("dbus-daemon is not installed (apt-get install dbus-daemon at-spi2-core)") from None
        deadline = time.monotonic() + self.wait_s
        while not socket.exists():
            if time.monotonic() > deadline:
                raise SetupError(f"dbus-daemon did not open {socket} within {self.wait_s:g} s")
            time.sleep(0.05)
        # Gecko (Thunderbird, Firefox) and Qt publish their objects only when asked to.
        ctx.env.update(DBUS_SESSION_BUS_ADDRESS=f"unix:path={socket}", GNOME_ACCESSIBILITY="1",
                       QT_ACCESSIBILITY="1", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        note(ctx, f"session bus for accessibility at {socket}")


EMPTY_HISTORY_URL = ("https://huggingface.co/datasets/xlangai/ubuntu_osworld_file_cache/resolve/main/chrome/"
                     "44ee5668-ecd5-4366-a6ce-c1c9b8d4e938/history_empty.sqlite?download=true")
"""The empty Chrome history database OSWorld's update_browse_history starts from (a cache file)."""

_CHROME_EPOCH = datetime(1601, 1, 1)


@dataclass
class UpdateBrowseHistory(OsStep):
    """Replace the browser's history with OSWorld's empty history database plus the given
    visits, each `visit_time_from_now_in_seconds` ago. params: {"history": [{"url", "title",
    "visit_time_from_now_in_seconds"}]}; the database comes from the cache (EMPTY_HISTORY_URL)."""

    kind: ClassVar[str] = "update_browse_history"

    def run(self, ctx):
        import sqlite3

        source = find_cached(ctx.cache_dir, EMPTY_HISTORY_URL)
        if source is None:
            raise MissingResource(f"not in the cache: {EMPTY_HISTORY_URL}", url=EMPTY_HISTORY_URL)
        target = chrome.profile_dir(ctx) / "Default" / "History"
        target.parent.mkdir(parents=True, exist_ok=True)
        work = target.with_name("History.new")
        shutil.copyfile(source, work)
        with sqlite3.connect(work) as db:
            for item in self.params["history"]:
                when = datetime.now() - timedelta(seconds=item["visit_time_from_now_in_seconds"])
                stamp = int((when - _CHROME_EPOCH).total_seconds() * 1_000_000)  # Chrome: µs since 1601
                row = db.execute("INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden) "
                                 "VALUES (?, ?, 1, 0, ?, 0)", (item["url"], item["title"], stamp))
                db.execute("INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, visit_duration) "
                           "VALUES (?, ?, 0, 805306368, 0, 0)", (row.lastrowid, stamp))
        work.replace(target)
        note(ctx, f"browse history: {len(self.params['history'])} visits")


STEPS: dict[str, type[OsStep]] = {c.kind: c for c in (
    Download, Launch, Execute, Command, Sleep, Open, ActivateWindow, CloseWindow,
    ChromeOpenTabs, ChromeCloseTabs, UpdateBrowseHistory)}
"""Set-up step types this tool runs, by OSWorld's name."""
