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

if TYPE_CHECKING:
    from ..task import TaskContext

HOME_FOLDERS = ("Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos")

LIBREOFFICE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="WarnAlienFormat" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">\
<value>false</value></prop></item>
</oor:items>
"""
"""LibreOffice user settings: save Office formats without asking, no tip of the day."""

VLC_SETTINGS = "[qt] # Qt interface\nqt-privacy-ask=0\n"
"""VLC: no privacy/network question on first start (other settings keep their defaults)."""


def prepare_home(ctx: "TaskContext", home: Path) -> None:
    """Create the usual folders, an empty ~/.Xauthority when the environment names none
    (pyautogui, which many tasks' commands import, refuses to start without one), and the
    first-start settings above."""
    for name in HOME_FOLDERS:
        (home / name).mkdir(parents=True, exist_ok=True)
    if not ctx.env.get("XAUTHORITY"):
        (home / ".Xauthority").touch()
    _write_once(home / ".config/libreoffice/4/user/registrymodifications.xcu", LIBREOFFICE_SETTINGS)
    _write_once(home / ".config/vlc/vlcrc", VLC_SETTINGS)


def _write_once(path: Path, text: str) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
