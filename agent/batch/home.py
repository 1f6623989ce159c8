"""A worker's HOME before each task: empty, like a fresh user's, minus first-run interruptions.

OSWorld's tasks start from a VM snapshot whose apps had been opened once, so no "tip of the
day" or "what's new" panel covers the window. A fresh profile here would show them, and a
trajectory recorded on one run would then miss its targets on the next, so the few settings
that silence them are written before each task. Nothing else is carried between tasks.
"""

from __future__ import annotations

import os
import shutil

from tasks.home import quiet_first_run

from .isolation import WorkerDirs


def reset_home(dirs: WorkerDirs) -> None:
    """Empty the worker's HOME and runtime folder and write the first-run settings."""
    for folder in (dirs.home, dirs.runtime):
        shutil.rmtree(folder, ignore_errors=True)
    for sub in (".config", ".cache", ".local/share", ".local/state", "Desktop", "Documents", "Downloads"):
        (dirs.home / sub).mkdir(parents=True, exist_ok=True)
    dirs.runtime.mkdir(parents=True, exist_ok=True)
    os.chmod(dirs.runtime, 0o700)
    dirs.tmp.mkdir(parents=True, exist_ok=True)
    quiet_first_run(dirs.home)
    # A Tk or GTK app wants an Xauthority file in HOME when XAUTHORITY is unset.
    (dirs.home / ".Xauthority").touch()
