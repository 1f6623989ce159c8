"""First-run settings for a fresh HOME, so no welcome dialog stands between an agent and its task.

Benchmark VMs (OSWorld's snapshots) had every app started once. A new profile here would show
LibreOffice's "Tip of the Day" and first-run bar, and on ctrl+s of an .xlsx/.docx/.pptx a
"Keep current format?" question, so a recorded trajectory or a task's closing save would miss.
Files that already exist are left alone: a person's own settings win.
"""

from __future__ import annotations

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
