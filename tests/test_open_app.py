"""open_app on a desktop picks the one installed app a name means, or refuses and says why.

Unit tests write .desktop files into a private XDG data folder; the CLI tests replay open_app
actions through `gui-agent replay` on real X servers, with this machine's apps and with
hand-written ones whose command (`touch FILE`) shows which one was started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from drivers.base import ActionRefused
from drivers.desktop.apps import find_app, installed_apps, launch_app
from tests.helpers.cli import gui_agent


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


class Apps:
    """A private XDG data home and data dir holding hand-written .desktop entries."""

    def __init__(self, root: Path):
        self.root = root
        self.home = root / "home" / "applications"
        self.system = root / "system" / "applications"
        for folder in (self.home, self.system):
            folder.mkdir(parents=True)
        self.env = {**os.environ, "XDG_DATA_HOME": str(self.home.parent),
                    "XDG_DATA_DIRS": str(self.system.parent)}

    def add(self, file: str, name: str, exec_line: str | None = None, *, where: str = "system", **fields) -> Path:
        """An entry whose Exec (by default) touches root/started-<file>, so a test sees which ran."""
        folder = self.home if where == "home" else self.system
        path = folder / f"{file}.desktop"
        path.parent.mkdir(parents=True, exist_ok=True)
        exec_line = exec_line or f"/usr/bin/touch {self.marker(file)} %U"
        extra = "".join(f"{k}={v}\n" for k, v in fields.items())
        path.write_text(f"[Desktop Entry]\nType=Application\nName={name}\nExec={exec_line}\n{extra}")
        return path

    def marker(self, file: str) -> Path:
        return self.root / f"started-{file.replace('/', '-')}"

    def find(self, name: str) -> list[str] | None:
        found = find_app(name, self.env)
        return None if found is None else found[1]


@pytest.fixture
def apps(tmp_path):
    return Apps(tmp_path)


def test_an_exact_name_id_or_program_wins_over_any_prefix(apps):
    apps.add("org.example.pad", "Pad", "pad-editor %F", GenericName="Text Editor")
    apps.add("org.example.pad-settings", "Pad Settings", "pad-editor --preferences")
    apps.add("padlock", "Padlock", "padlock")
    assert apps.find("pad") == ["pad-editor"]  # the Name, though "Pad Settings" starts with it
    assert apps.find("  PAD ") == ["pad-editor"]
    assert apps.find("org.example.pad-settings") == ["pad-editor", "--preferences"]
    assert apps.find("org.example.pad.desktop") == ["pad-editor"]
    assert apps.find("padlock") == ["padlock"]
    # The program: both entries run pad-editor, and both are different apps.
    with pytest.raises(ActionRefused, match=r"several installed applications could be 'pad-editor': "
                                            r"Pad \(org.example.pad\), Pad Settings \(org.example.pad-settings\)"):
        apps.find("pad-editor")


def test_a_program_name_finds_its_one_entry(apps):
    apps.add("org.example.Writer", "Example Writer", "/opt/example/bin/writer --new %U")
    assert apps.find("writer") == ["/opt/example/bin/writer", "--new"]
    assert apps.find("/opt/example/bin/writer") is None  # a path is never a name


def test_a_substring_never_matches(apps):
    apps.add("sheets", "Sheets", GenericName="Spreadsheet")
    apps.add("fresh", "Fresh Notes")
    for name in ("sh", "read", "heet", "notes", "esh"):
        assert apps.find(name) is None, name


def test_ties_are_refused_with_the_candidates(apps):
    apps.add("alpha", "Editor")
    apps.add("beta", "Editor", "/usr/bin/touch other")
    with pytest.raises(ActionRefused, match=r"could be 'editor': Editor \(alpha\), Editor \(beta\)"):
        apps.find("editor")
    assert apps.find("alpha") == ["/usr/bin/touch", str(apps.marker("alpha"))]


def test_the_same_command_twice_is_one_app(apps):
    apps.add("calc", "Calculator", "/usr/bin/touch same")
    apps.add("calc-vendor", "Calculator", "/usr/bin/touch same")
    assert apps.find("calculator") == ["/usr/bin/touch", "same"]


def test_generic_name_only_when_nothing_is_called_so(apps):
    apps.add("mail", "Postbox", GenericName="Mail Client")
    apps.add("edit-a", "Scribe", GenericName="Text Editor")
    apps.add("edit-b", "Quill", GenericName="Text Editor")
    assert apps.find("mail client") == ["/usr/bin/touch", str(apps.marker("mail"))]
    with pytest.raises(ActionRefused, match=r"could be 'Text Editor': Quill \(edit-b\), Scribe \(edit-a\)"):
        apps.find("Text Editor")
    apps.add("texteditor", "Text Editor")  # now an app is called that: the exact tier decides
    assert apps.find("text editor") == ["/usr/bin/touch", str(apps.marker("texteditor"))]


def test_a_unique_prefix_opens_and_a_shared_one_is_refused(apps):
    apps.add("org.example.Chromatic", "Chromatic Tuner")
    apps.add("libre-a", "LibreThing Calc")
    apps.add("libre-b", "LibreThing Writer")
    assert apps.find("chroma") == ["/usr/bin/touch", str(apps.marker("org.example.Chromatic"))]
    assert apps.find("org.exa") == ["/usr/bin/touch", str(apps.marker("org.example.Chromatic"))]
    with pytest.raises(ActionRefused, match=r"LibreThing Calc \(libre-a\), LibreThing Writer \(libre-b\)"):
        apps.find("librething")
    assert apps.find("ch") is None  # too short to be taken as a prefix


def test_blank_names_are_refused(apps):
    apps.add("blank", "Settings", GenericName="")
    for name in ("", " ", "\t\n", ".desktop"):
        with pytest.raises(ActionRefused, match="name given is blank"):
            launch_app(name, apps.env)


def test_hidden_nodisplay_and_missing_tryexec_entries_are_not_apps(apps):
    apps.add("hidden", "Hidden One", Hidden="true")
    apps.add("nodisplay", "Quiet One", NoDisplay="true")
    apps.add("gone", "Gone One", TryExec="/nonexistent/gone")
    apps.add("there", "There One", TryExec="touch")
    apps.add("link", "Link One", Type="Link")
    assert [a.id for a in installed_apps(apps.env)] == ["there"]
    # The user's own entry with the same id hides the system's, even when it hides itself.
    apps.add("there", "There One", where="home", NoDisplay="true")
    assert installed_apps(apps.env) == []


def test_ids_of_entries_in_subfolders(apps):
    apps.add("kde/org.example.Viewer", "Viewer")
    (app,) = installed_apps(apps.env)
    assert (app.id, app.stem) == ("kde-org.example.Viewer", "org.example.Viewer")
    assert apps.find("kde-org.example.viewer") == apps.find("org.example.Viewer") == apps.find("viewer")


def test_nothing_matching_is_refused_naming_installed_apps(apps):
    for i in range(10):
        apps.add(f"app{i}", f"App {i}")
    with pytest.raises(ActionRefused) as refused:
        launch_app("sh", apps.env)
    assert str(refused.value) == ("no installed application is called 'sh'; installed: App 0, App 1, App 2, "
                                  "App 3, App 4, App 5, App 6, App 7 and 2 more")


def test_exec_field_codes_and_a_literal_percent(apps):
    apps.add("pct", "Percent", "/usr/bin/touch 100%%done %f --url=%u")
    assert apps.find("percent") == ["/usr/bin/touch", "100%done", "--url="]


def test_launch_starts_the_one_app_without_a_shell(apps):
    apps.add("marker", "Marker")
    apps.add("other", "Other Marker App")
    launch_app("marker", apps.env)
    assert wait_for(apps.marker("marker").exists)
    assert not apps.marker("other").exists()


# --- through the command line ---------------------------------------------------------------

def _replay(tmp_path: Path, names: list[str], *extra: str, env: dict | None = None) -> list[dict]:
    actions = tmp_path / "open.jsonl"
    actions.write_text("".join(json.dumps({"type": "open_app", "name": n}) + "\n" for n in names))
    out = gui_agent("replay", str(actions), *extra, "--out", str(tmp_path / "out"), env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    traj = tmp_path / "out" / "replay" / "open" / "traj.jsonl"
    return [json.loads(line) for line in traj.read_text(encoding="utf-8").splitlines()][: len(names)]


@pytest.mark.slow
def test_cli_refuses_blank_substring_and_tied_names(tmp_path):
    apps = Apps(tmp_path / "apps")
    apps.add("sheets", "Sheets", GenericName="Spreadsheet")
    apps.add("texts", "Texts", GenericName="Text Editor")
    apps.add("notes", "Notes", GenericName="Text Editor")
    apps.add("org.example.Marker", "Marker", GenericName="")
    xdg = {k: apps.env[k] for k in ("XDG_DATA_HOME", "XDG_DATA_DIRS")}
    steps = _replay(tmp_path, [" ", "sh", "text editor", "marker"], "--xvfb", "1280x800", env=xdg)
    errors = [s["error"] for s in steps]
    assert errors[0] == "action refused: open_app needs the name of an app; the name given is blank"
    assert errors[1] == ("action refused: no installed application is called 'sh'; "
                         "installed: Marker, Notes, Sheets, Texts")
    assert errors[2] == ("action refused: several installed applications could be 'text editor': "
                         "Notes (notes), Texts (texts); open one of them by its name or id")
    assert errors[3] is None
    assert wait_for(apps.marker("org.example.Marker").exists)
    assert not [p.name for p in apps.root.glob("started-*") if p.name != "started-org.example.Marker"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mousepad") is None, reason="needs Debian's mousepad")
def test_cli_on_this_machines_apps_blank_and_sh_are_refused(tmp_path):
    steps = _replay(tmp_path, [" ", "sh"], "--xvfb", "1280x800")
    assert steps[0]["error"] == "action refused: open_app needs the name of an app; the name given is blank"
    assert steps[1]["error"].startswith("action refused: no installed application is called 'sh'; installed: ")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mousepad") is None or shutil.which("xdotool") is None,
                    reason="needs Debian's mousepad and xdotool")
def test_cli_open_app_mousepad_shows_its_window(xvfb_display, tmp_path):
    def windows() -> list[str]:
        done = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Mousepad"],
                              capture_output=True, text=True, env={**os.environ, "DISPLAY": xvfb_display})
        return done.stdout.split()

    assert windows() == []
    steps = _replay(tmp_path, ["mousepad"], "--display", xvfb_display)
    assert steps[0]["error"] is None
    try:
        assert wait_for(windows), "no Mousepad window appeared"
    finally:  # the window is on the session's display: close the Mousepad we started
        for window in windows():
            pid = subprocess.run(["xdotool", "getwindowpid", window], capture_output=True, text=True,
                                 env={**os.environ, "DISPLAY": xvfb_display}).stdout.strip()
            if pid.isdigit() and Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"mousepad"):
                os.kill(int(pid), signal.SIGTERM)
