"""OSWorld set-up steps (`config` and `evaluator.postconfig` entries) as SetupStep objects.

Each class takes the step's `parameters` object as OSWorld wrote it and runs on the task's own
display and HOME (see paths.py and procs.py). Like OSWorld's server, a command that fails is
not an error (tasks `pkill` things that may not run); a program that does not exist, a file
missing from the cache, or a file that opens no window is.
"""

from __future__ import annotations

from .base import OsStep
from .browser import EMPTY_HISTORY_URL, ChromeCloseTabs, ChromeOpenTabs, UpdateBrowseHistory
from .commands import Command, Execute, Launch, Sleep
from .files import OPEN_TIMEOUT, Download, Open, PrepareHome, RequireResources
from .session import AccessibilityBus, ActivateWindow, CloseWindow

__all__ = ["OsStep", "STEPS", "EMPTY_HISTORY_URL", "OPEN_TIMEOUT", "AccessibilityBus", "ActivateWindow", "ChromeCloseTabs",
           "ChromeOpenTabs", "CloseWindow", "Command", "Download", "Execute", "Launch", "Open", "PrepareHome",
           "RequireResources", "Sleep", "UpdateBrowseHistory"]

STEPS: dict[str, type[OsStep]] = {c.kind: c for c in (
    Download, Launch, Execute, Command, Sleep, Open, ActivateWindow, CloseWindow,
    ChromeOpenTabs, ChromeCloseTabs, UpdateBrowseHistory)}
"""Set-up step types this tool runs, by OSWorld's name."""
