"""A worker's HOME before each task: empty, like a fresh user's, minus first-run interruptions.

OSWorld's tasks start from a VM snapshot whose apps had been opened once, so no "tip of the
day" or "what's new" panel covers the window. A fresh profile here would show them, and a
trajectory recorded on one run would then miss its targets on the next, so the few settings
that silence them are written before each task. Nothing else is carried between tasks.
"""

from __future__ import annotations

import os
import shutil

from .isolation import WorkerDirs

# LibreOffice's user settings (~/.config/libreoffice/4/user). ooSetupLastVersion above any real
# version hides the "running for the first time / release notes" bar; WarnAlienFormat off saves
# .xlsx without the "keep current format?" question, as OSWorld's snapshot does (its tasks'
# post-configs press ctrl+s and expect the file saved).
_LIBREOFFICE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="WarnAlienFormat" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>99.0</value></prop></item>
</oor:items>
"""


def reset_home(dirs: WorkerDirs) -> None:
    """Empty the worker's HOME and runtime folder and write the first-run settings."""
    for folder in (dirs.home, dirs.runtime):
        shutil.rmtree(folder, ignore_errors=True)
    for sub in (".config", ".cache", ".local/share", ".local/state", "Desktop", "Documents", "Downloads"):
        (dirs.home / sub).mkdir(parents=True, exist_ok=True)
    dirs.runtime.mkdir(parents=True, exist_ok=True)
    os.chmod(dirs.runtime, 0o700)
    dirs.tmp.mkdir(parents=True, exist_ok=True)
    office = dirs.home / ".config/libreoffice/4/user"
    office.mkdir(parents=True, exist_ok=True)
    (office / "registrymodifications.xcu").write_text(_LIBREOFFICE_XCU, encoding="utf-8")
    # A Tk or GTK app wants an Xauthority file in HOME when XAUTHORITY is unset.
    (dirs.home / ".Xauthority").touch()
