"""The tests' Tk app (tests/apps/tk_target.py) and the size of the session display it fills."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

SCREEN = (1280, 800)
"""Width and height of the session's private X display (the `xvfb_display` fixture)."""
APPS = Path(__file__).resolve().parents[1] / "apps"


class TkApp:
    """The Tk test app, running on the session display; it logs every event it sees as a JSON line."""

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
