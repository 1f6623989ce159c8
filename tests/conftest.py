"""Shared fixtures: one private Xvfb for the whole session, offline model hubs, no real adb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Nothing in the tests may reach a model hub or start a real adb server.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ADBUTILS_ADB_PATH", "/bin/false")

SCREEN = (1280, 800)
APPS = Path(__file__).parent / "apps"


@pytest.fixture(scope="session")
def xvfb_display():
    """A private X display (1280x800) for the session; DISPLAY points at it."""
    from drivers.xvfb import VirtualDisplay

    with VirtualDisplay(*SCREEN) as vd:
        os.environ.update(vd.env())
        yield vd.display


@pytest.fixture(scope="session")
def desktop(xvfb_display):
    """The real desktop driver on the session display (pyautogui serves one display per process)."""
    from drivers.desktop import DesktopDriver

    with DesktopDriver(display=xvfb_display) as driver:
        yield driver


class TkApp:
    """The tests' Tk app (tests/apps/tk_target.py), running on the session display."""

    def __init__(self, log: Path):
        self.log = log
        self.proc = subprocess.Popen([sys.executable, str(APPS / "tk_target.py"), str(log),
                                      f"{SCREEN[0]}x{SCREEN[1]}"])
        deadline = time.monotonic() + 20
        while not self.events("ready"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the Tk test app did not start")
            time.sleep(0.05)
        time.sleep(0.2)  # first paint after the ready event

    def events(self, kind: str | None = None) -> list[dict]:
        if not self.log.exists():
            return []
        rows = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]
        return [r for r in rows if kind is None or r["event"] == kind]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)


@pytest.fixture
def tk_app(xvfb_display, tmp_path):
    app = TkApp(tmp_path / "tk-events.jsonl")
    yield app
    app.close()


def gui_agent(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run the real command line in a child process."""
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **kw)
