"""A private X server (Xvfb) for tests, demos and batch workers."""

from __future__ import annotations

import ctypes
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from typing import NoReturn

from ..base import DriverError, MissingDependency

MAX_SIDE = 32767
"""Widest and tallest screen: X11 coordinates are 16-bit signed. (Xvfb takes larger numbers
and silently wraps them: 100000x100000 becomes a 34464x34464 screen that mss cannot read.)"""
MAX_PIXELS = 1 << 27
"""Most pixels on one screen: a 512 MiB framebuffer at 32 bits a pixel, e.g. 16384x8192.
Xvfb itself stops near 2 GiB, but captures of even a quarter of that take seconds."""
START_S = 15.0
"""How long Xvfb may take to say its display number before we give up on it."""


def size_problem(width: int, height: int) -> str | None:
    """Why an Xvfb screen cannot be `width` x `height` pixels, worded to follow "WxH is"; None
    when it can."""
    if width < 1 or height < 1:
        return "too small: each side needs at least 1 pixel"
    if max(width, height) > MAX_SIDE:
        return f"too large: an X screen has at most {MAX_SIDE} pixels a side"
    if width * height > MAX_PIXELS:
        return (f"too large: its framebuffer would take {width * height * 4 >> 20} MiB, "
                f"more than the {MAX_PIXELS * 4 >> 20} MiB allowed (e.g. 16384x8192)")
    return None


def die_with_us():
    """A preexec_fn for a child that must not outlive this process: the kernel sends it SIGTERM
    when we die, even by SIGKILL (Linux's PR_SET_PDEATHSIG), so Xvfb removes its socket and goes.
    None where that cannot work. (agent/batch/isolation.py does the same for batch workers.)"""
    # The kernel ties the signal to the thread that forks: only the main thread lives as long as
    # the process, so a child started from another thread would be killed when that thread ends.
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # we died between the fork and the prctl
            os._exit(1)

    return preexec


def why_xvfb_failed(output: str) -> str:
    """The line of Xvfb's stderr that says why it stopped: the text after 'Fatal server error:',
    else the last line with words. Xvfb wraps its messages in '(EE)' markers."""
    bits = [b.strip() for line in output.splitlines() for b in line.split("(EE)")]
    bits = [b for b in bits if b and not b.startswith(("Please consult", "for help"))]
    if "Fatal server error:" in bits:
        after = bits[bits.index("Fatal server error:") + 1:]
        if after:
            return after[0]
    bits = [b for b in bits if b != "Fatal server error:"]
    return bits[-1] if bits else "it printed nothing"


def _keep_tail(stream, tail: deque) -> None:
    # Reads Xvfb's stderr for its whole life (an unread pipe would block it once full) and keeps
    # the last lines, to say why it failed.
    with stream:
        for line in iter(stream.readline, b""):
            tail.append(line.decode("utf-8", "replace").rstrip("\n"))


class VirtualDisplay:
    """Start Xvfb on a free display number and stop it on close.

    Xvfb picks the number itself (`-displayfd`), so parallel workers never race for one.
    `env()` gives the variables a child process needs to use this display. Xvfb and the window
    manager get SIGTERM if this process dies without closing (see die_with_us).
    """

    def __init__(self, width: int = 1920, height: int = 1080, depth: int = 24, *, window_manager: bool = False):
        problem = size_problem(width, height)
        if problem:
            raise ValueError(f"a screen of {width}x{height} is {problem}")
        if shutil.which("Xvfb") is None:
            raise MissingDependency("Xvfb is not installed; on Debian/Ubuntu: apt-get install xvfb")
        self.size = (width, height)
        self._wm: subprocess.Popen | None = None
        self._stderr: deque[str] = deque(maxlen=50)
        read_fd, write_fd = os.pipe()
        try:
            self._proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x{depth}",
                 "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True, preexec_fn=die_with_us(),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self._reader = threading.Thread(target=_keep_tail, args=(self._proc.stderr, self._stderr),
                                        name="xvfb-stderr", daemon=True)
        self._reader.start()
        self.display = f":{self._read_number(read_fd)}"
        if window_manager:
            try:
                self.start_window_manager()
            except BaseException:
                self.close()
                raise

    def _read_number(self, fd: int) -> int:
        deadline = time.monotonic() + START_S
        data = b""
        try:
            while not data.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail(f"it did not say its display number within {START_S:g} s")
                if select.select([fd], [], [], left)[0]:
                    chunk = os.read(fd, 16)
                    if not chunk:  # Xvfb exited (or closed the descriptor) before saying it
                        self._fail(None)
                    data += chunk
        finally:
            os.close(fd)
        return int(data.strip())

    def _fail(self, reason: str | None) -> NoReturn:
        self._stop(self._proc)
        self._reader.join(timeout=5)  # its stderr is complete once it has exited
        why = reason or why_xvfb_failed("\n".join(self._stderr))
        raise DriverError(f"Xvfb did not start: {why}")

    def env(self) -> dict[str, str]:
        """Variables for processes that should draw on this display.

        XAUTHORITY is /dev/null: our Xvfb asks for no cookie, but python-xlib (pyautogui)
        refuses to connect without a readable Xauthority file, and a temporary file would be
        left behind by a process killed with SIGKILL."""
        return {"DISPLAY": self.display, "XAUTHORITY": os.devnull, "XDG_SESSION_TYPE": "x11"}

    def start_window_manager(self) -> None:
        """Start openbox if installed: some apps and `xdotool windowactivate` need a WM."""
        if shutil.which("openbox") is None or self._wm is not None:
            return
        self._wm = subprocess.Popen(
            ["openbox"], env={**os.environ, **self.env()}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_us(),
        )

    @staticmethod
    def _stop(proc: subprocess.Popen | None) -> None:
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            proc.wait()

    def close(self) -> None:
        for proc in (self._wm, self._proc):
            self._stop(proc)

    def __enter__(self) -> "VirtualDisplay":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
