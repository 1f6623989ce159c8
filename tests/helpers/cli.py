"""The real `gui-agent` command line, run in a child process as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys


def gui_agent(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run `gui-agent ARGS...` in a child process; the environment is ours plus `env`."""
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **kw)
