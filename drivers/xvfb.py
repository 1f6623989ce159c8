"""A private X server (Xvfb) for tests, demos and batch workers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time

from .base import DriverError, MissingDependency


class VirtualDisplay:
    """Start Xvfb on a free display number and stop it on close.

    Xvfb picks the number itself (`-displayfd`), so parallel workers never race for one.
    `env()` gives the variables a child process needs to use this display.
    """

    def __init__(self, width: int = 1920, height: int = 1080, depth: int = 24, *, window_manager: bool = False):
        if shutil.which("Xvfb") is None:
            raise MissingDependency("Xvfb is not installed; on Debian/Ubuntu: apt-get install xvfb")
        self.size = (width, height)
        read_fd, write_fd = os.pipe()
        self._proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x{depth}",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write_fd)
        number = self._read_number(read_fd)
        self.display = f":{number}"
        self._xauth = tempfile.NamedTemporaryFile(prefix="gui-agent-xauth-", delete=False)
        self._xauth.close()
        self._wm: subprocess.Popen | None = None
        if window_manager:
            self.start_window_manager()

    def _read_number(self, fd: int) -> int:
        deadline = time.monotonic() + 15
        data = b""
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while not data.endswith(b"\n"):
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    self._proc.kill()
                    raise DriverError("Xvfb did not start (is another X server misbehaving?)")
                chunk = pipe.read(16)
                if not chunk:
                    time.sleep(0.01)
                data += chunk
        return int(data.strip())

    def env(self) -> dict[str, str]:
        """Variables for processes that should draw on this display."""
        return {"DISPLAY": self.display, "XAUTHORITY": self._xauth.name, "XDG_SESSION_TYPE": "x11"}

    def start_window_manager(self) -> None:
        """Start openbox if installed: some apps and `xdotool windowactivate` need a WM."""
        if shutil.which("openbox") is None or self._wm is not None:
            return
        self._wm = subprocess.Popen(
            ["openbox"], env={**os.environ, **self.env()}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def close(self) -> None:
        for proc in (self._wm, self._proc):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        try:
            os.unlink(self._xauth.name)
        except FileNotFoundError:
            pass

    def __enter__(self) -> "VirtualDisplay":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
