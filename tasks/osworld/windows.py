"""Finding, focusing and closing top-level windows on the task's X display, with or without
a window manager.

OSWorld used `wmctrl`, which needs a window manager. A worker's Xvfb may have none, so this
module uses `xdotool` (search, windowfocus, windowraise) and, to close a window politely,
sends it the ICCCM WM_DELETE_WINDOW message through python-xlib. Window titles are matched
as wmctrl does: by default a case-insensitive substring; `strict` means the whole title,
case-sensitive; `by_class` matches the WM_CLASS instead of the title.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import time
from typing import TYPE_CHECKING, Iterable

from ..task import SetupError

if TYPE_CHECKING:
    from ..task import TaskContext

_ERE_SPECIAL = set(".[]()*+?{}|^$\\")


def _xdotool(ctx: "TaskContext", *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["xdotool", *args], env=ctx.env, capture_output=True, text=True,
                              timeout=timeout)
    except FileNotFoundError:
        raise SetupError("xdotool is not installed (apt-get install xdotool)") from None
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(["xdotool", *args], 124, "", "timed out")


def _ere_escape(text: str) -> str:
    return "".join("\\" + ch if ch in _ERE_SPECIAL else ch for ch in text)


def window_name(ctx: "TaskContext", wid: str) -> str:
    """The title of window `wid` ('' when it is gone)."""
    return _xdotool(ctx, "getwindowname", wid).stdout.rstrip("\n")


def find_windows(ctx: "TaskContext", name: str, *, strict: bool = False,
                 by_class: bool = False) -> list[str]:
    """Ids of visible windows matching `name` (see the module docstring for the rules)."""
    pattern = _ere_escape(name)
    if strict:
        pattern = f"^{pattern}$"
    how = "--class" if by_class else "--name"
    found = _xdotool(ctx, "search", "--onlyvisible", how, pattern).stdout.split()
    if strict and not by_class:
        # xdotool matches case-insensitively; strict means exactly this title.
        found = [w for w in found if window_name(ctx, w) == name]
    return found


def activate(ctx: "TaskContext", wid: str) -> None:
    """Raise and focus a window. `windowactivate` needs a window manager (_NET_ACTIVE_WINDOW);
    without one, raising it and giving it the input focus is what the user would see."""
    if _xdotool(ctx, "windowactivate", "--sync", wid, timeout=3).returncode == 0:
        return
    _xdotool(ctx, "windowraise", wid)
    _xdotool(ctx, "windowfocus", "--sync", wid, timeout=3)


def close(ctx: "TaskContext", wid: str, timeout: float = 5.0) -> bool:
    """Ask a window to close as its close button would (WM_DELETE_WINDOW), so the app can save
    its settings; without python-xlib, destroy the window instead. The request is repeated
    until the window is gone or `timeout` seconds pass (an app that has only just mapped its
    window may not be listening yet); returns whether it went."""
    deadline = time.monotonic() + timeout
    while True:
        _request_close(ctx, wid)
        for _ in range(5):
            time.sleep(0.1)
            if not _exists(ctx, wid):
                return True
        if time.monotonic() >= deadline:
            return False


def _exists(ctx: "TaskContext", wid: str) -> bool:
    return wid in _xdotool(ctx, "search", "--onlyvisible", "--name", "").stdout.split()


def _request_close(ctx: "TaskContext", wid: str) -> None:
    try:
        from Xlib import X, display, protocol
    except ImportError:
        _xdotool(ctx, "windowclose", wid)
        return
    with contextlib.redirect_stdout(io.StringIO()):  # python-xlib prints auth warnings
        disp = display.Display(ctx.env.get("DISPLAY"))
    try:
        win = disp.create_resource_object("window", int(wid))
        delete = disp.intern_atom("WM_DELETE_WINDOW")
        protocols = disp.intern_atom("WM_PROTOCOLS")
        event = protocol.event.ClientMessage(window=win, client_type=protocols,
                                             data=(32, [delete, X.CurrentTime, 0, 0, 0]))
        win.send_event(event, event_mask=X.NoEventMask)
        disp.flush()
    finally:
        disp.close()


def wait_for_window(ctx: "TaskContext", names: Iterable[str], timeout: float) -> str | None:
    """Wait up to `timeout` seconds for a visible window whose title contains one of `names`
    (case-insensitive); return its id, or None."""
    names = [n for n in names if n]
    deadline = time.monotonic() + timeout
    while True:
        for name in names:
            found = find_windows(ctx, name)
            if found:
                return found[-1]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.3)
