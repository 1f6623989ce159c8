"""The X clipboard through xclip (or xsel): how Unicode text reaches ordinary X apps.

X input synthesis can only press keys the keymap has; pasting is exact for any text.
"""

from __future__ import annotations

import shutil
import subprocess

from ..base import MissingDependency


def _tool() -> str:
    for name in ("xclip", "xsel"):
        if shutil.which(name):
            return name
    raise MissingDependency("typing non-ASCII text needs xclip or xsel; on Debian/Ubuntu: apt-get install xclip")


def get_text(env: dict[str, str]) -> str | None:
    """The clipboard's text, or None when it is empty or holds no text."""
    tool = _tool()
    argv = ["xclip", "-selection", "clipboard", "-o"] if tool == "xclip" else ["xsel", "--clipboard", "--output"]
    try:
        out = subprocess.run(argv, env=env, capture_output=True, timeout=2)
    except subprocess.TimeoutExpired:
        return None
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def set_text(text: str, env: dict[str, str]) -> None:
    """Own the clipboard with `text` (the tool stays in the background to serve pastes)."""
    tool = _tool()
    argv = ["xclip", "-selection", "clipboard", "-i"] if tool == "xclip" else ["xsel", "--clipboard", "--input"]
    # stdout/stderr must not be pipes: the forked server would keep them open and block us.
    subprocess.run(argv, input=text.encode("utf-8"), env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=5, check=True)
