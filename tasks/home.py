"""A fresh HOME for every task, looking like a user's who has opened each app once.

A task must not see what the one before it left (files, settings, open sockets), so a batch
worker empties its HOME and runtime folder before each task (`reset_home`). A new profile,
though, is not what benchmarks start from: OSWorld's VM snapshots had every app started once,
so no first-run dialog stood between the agent and the task, and LibreOffice saved Office
formats without asking. Without that, LibreOffice shows "Tip of the Day" and a release-notes
bar, VLC a privacy question, and ctrl+s of an .xlsx/.docx/.pptx asks "Keep current format?",
so a recorded trajectory misses its targets and the closing save most office tasks end with
never writes the file. `quiet_first_run` writes the few settings that silence those, and
`prepare_home` adds the usual folders an OSWorld task expects (its PrepareHome step).

Files that already exist are left alone: a person's own settings win. Paths are plain paths,
so the batch worker (agent/) and the OSWorld steps share this one story.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

# ooSetupLastVersion above any real version hides the "release notes" bar.
LIBREOFFICE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="WarnAlienFormat" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>99.0</value></prop></item>
</oor:items>
"""

VLC_SETTINGS = "[qt] # Qt interface\nqt-privacy-ask=0\n"
"""VLC: no privacy/network question on first start (other settings keep their defaults)."""

FIRST_RUN_FILES = {
    ".config/libreoffice/4/user/registrymodifications.xcu": LIBREOFFICE_SETTINGS,
    ".config/vlc/vlcrc": VLC_SETTINGS,
}


def quiet_first_run(home: Path) -> None:
    """Write the first-run settings into `home` where no such file exists yet."""
    for relative, text in FIRST_RUN_FILES.items():
        path = Path(home) / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


OSWORLD_FOLDERS = ("Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos")
"""The folders of OSWorld's VM user, which task commands and paths assume exist."""

WORKER_FOLDERS = (".config", ".cache", ".local/share", ".local/state", "Desktop", "Documents", "Downloads")


def prepare_home(home: Path, env: Mapping[str, str]) -> None:
    """Make `home` look like OSWorld's VM user: the usual folders, an empty ~/.Xauthority when
    `env` (the task's environment) names none (pyautogui, which many tasks' commands import,
    refuses to start without one), and the first-run settings."""
    home = Path(home)
    for name in OSWORLD_FOLDERS:
        (home / name).mkdir(parents=True, exist_ok=True)
    if not env.get("XAUTHORITY"):
        (home / ".Xauthority").touch()
    quiet_first_run(home)


def reset_home(home: Path, runtime: Path, tmp: Path) -> None:
    """Empty `home` and `runtime` (XDG_RUNTIME_DIR, made mode 0700), make sure `tmp` exists,
    and write the first-run settings: what a batch worker does before each task."""
    home, runtime, tmp = Path(home), Path(runtime), Path(tmp)
    for folder in (home, runtime):
        shutil.rmtree(folder, ignore_errors=True)
    for sub in WORKER_FOLDERS:
        (home / sub).mkdir(parents=True, exist_ok=True)
    runtime.mkdir(parents=True, exist_ok=True)
    os.chmod(runtime, 0o700)
    tmp.mkdir(parents=True, exist_ok=True)
    quiet_first_run(home)
    # A Tk or GTK app wants an Xauthority file in HOME when XAUTHORITY is unset.
    (home / ".Xauthority").touch()
