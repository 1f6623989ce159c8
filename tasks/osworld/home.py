"""A fresh task HOME made to look like OSWorld's VM user after first start of its apps.

OSWorld's snapshots had every app started once, so no first-run dialog stood between the
agent and the task, and LibreOffice saved Office formats without asking. A worker's HOME is
new for every task; without these settings LibreOffice shows "Tip of the Day" and, on ctrl+s
of an .xlsx/.docx/.pptx, a "Keep current format?" dialog, so the postconfig save that most
office tasks end with would never write the file. Existing files are left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..home import quiet_first_run

if TYPE_CHECKING:
    from ..task import TaskContext

HOME_FOLDERS = ("Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos")


def prepare_home(ctx: "TaskContext", home: Path) -> None:
    """Create the usual folders, an empty ~/.Xauthority when the environment names none
    (pyautogui, which many tasks' commands import, refuses to start without one), and the
    first-run settings of tasks.home."""
    for name in HOME_FOLDERS:
        (home / name).mkdir(parents=True, exist_ok=True)
    if not ctx.env.get("XAUTHORITY"):
        (home / ".Xauthority").touch()
    quiet_first_run(home)
