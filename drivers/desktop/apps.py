"""Open a desktop app by name, safely: only installed .desktop entries are ever started.

The name comes from a model, so it is matched against the installed applications and never
handed to a shell or run as a program path. Matching is case-insensitive and goes tier by tier,
stopping at the first tier that matches anything:

  1. the desktop-file id (`org.xfce.mousepad`, also with a subfolder's prefix) or the Name;
  2. the program the entry runs (`mousepad`, `libreoffice`: argv[0] without its folder);
  3. the GenericName (`Text Editor`);
  4. a prefix, MIN_PREFIX characters or more, of the Name or id;
  5. such a prefix of the program.

One app in that tier is started; several are refused with their names, so the model can say
which one it means; no match is refused with a few installed names as a hint. A name never
matches inside a word: "sh" must not start the Spreadsheet. Names and ids come before programs
because one program often has several entries (`mousepad` and `mousepad --preferences`).
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..base import ActionRefused

MIN_PREFIX = 3
"""Shortest name matched as a prefix: a one- or two-letter guess must not pick an app."""
HINT_NAMES = 8
"""Installed apps named in the refusal of a name that matches nothing."""

# %f %u ... stand for files and URLs we never pass (dropped); %% is a literal percent sign.
_FIELD_CODE = re.compile(r"%(.)")


@dataclass(frozen=True)
class DesktopApp:
    """One installed, launchable .desktop entry."""

    id: str
    """Desktop-file id: the path under applications/ with '/' as '-', without '.desktop'."""
    stem: str
    """The file name without '.desktop' (equals `id` unless the file is in a subfolder)."""
    name: str
    generic: str
    argv: tuple[str, ...]

    @property
    def program(self) -> str:
        return os.path.basename(self.argv[0])

    def label(self) -> str:
        return f"{self.name} ({self.id})"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _app_dirs(env: dict[str, str]) -> list[Path]:
    data_home = env.get("XDG_DATA_HOME") or os.path.join(env.get("HOME", "~"), ".local/share")
    data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    return [Path(os.path.expanduser(d)) / "applications" for d in [data_home, *data_dirs] if d]


def installed_apps(env: dict[str, str]) -> list[DesktopApp]:
    """The entries a launcher would show, in XDG order: an id found in an earlier folder hides
    the same id later (also when the earlier one is Hidden or NoDisplay, as the spec says)."""
    seen: set[str] = set()
    apps = []
    for folder in _app_dirs(env):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.desktop")):
            app_id = str(path.relative_to(folder).with_suffix("")).replace(os.sep, "-")
            if app_id in seen:
                continue
            seen.add(app_id)
            app = _read_entry(path, app_id, env)
            if app is not None:
                apps.append(app)
    return apps


def _read_entry(path: Path, app_id: str, env: dict[str, str]) -> DesktopApp | None:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        section = parser["Desktop Entry"]
    except (configparser.Error, KeyError, UnicodeDecodeError, OSError):
        return None
    if (section.get("Type", "Application") != "Application"
            or "true" in (section.get("NoDisplay", "").lower(), section.get("Hidden", "").lower())):
        return None
    try_exec = section.get("TryExec", "").strip()
    if try_exec and not shutil.which(try_exec, path=env.get("PATH", os.defpath)):
        return None  # the spec's way of saying "this app is not really installed"
    try:
        words = shlex.split(section.get("Exec", ""))
    except ValueError:
        return None
    expanded = [_FIELD_CODE.sub(lambda m: "%" if m.group(1) == "%" else "", w) for w in words]
    argv = [a for a, w in zip(expanded, words) if a or not w]  # a word that was only codes goes
    if not argv or not argv[0]:
        return None
    return DesktopApp(app_id, path.stem, section.get("Name", path.stem).strip(),
                      section.get("GenericName", "").strip(), tuple(argv))


def _tier(app: DesktopApp, wanted: str) -> int | None:
    """Which tier of the module docstring `app` matches `wanted` (folded) in, or None."""
    ids = (_fold(app.id), _fold(app.stem), _fold(app.name))
    program = _fold(app.program)
    if wanted in ids:
        return 0
    if wanted == program:
        return 1
    if app.generic and wanted == _fold(app.generic):
        return 2
    if len(wanted) >= MIN_PREFIX:
        if any(k.startswith(wanted) for k in ids):
            return 3
        if program.startswith(wanted):
            return 4
    return None


def find_app(name: str, env: dict[str, str]) -> tuple[str, list[str]] | None:
    """(Name, argv) of the one installed app `name` means; None when nothing matches.

    Raises ActionRefused when `name` is blank or several apps match equally well."""
    wanted = _fold(name)
    wanted = wanted[: -len(".desktop")] if wanted.endswith(".desktop") else wanted
    if not wanted:
        raise ActionRefused("open_app needs the name of an app; the name given is blank")
    tiers: dict[int, list[DesktopApp]] = {}
    for app in installed_apps(env):
        tier = _tier(app, wanted)
        if tier is not None:
            tiers.setdefault(tier, []).append(app)
    if not tiers:
        return None
    found = tiers[min(tiers)]
    distinct = {app.argv: app for app in found}  # the same command twice is one app
    if len(distinct) > 1:
        names = ", ".join(sorted(app.label() for app in distinct.values()))
        raise ActionRefused(f"several installed applications could be {name!r}: {names}; "
                            "open one of them by its name or id")
    app = found[0]
    return app.name, list(app.argv)


def launch_app(name: str, env: dict[str, str]) -> None:
    """Start the app in the background, detached; refuse when no one installed app matches."""
    found = find_app(name, env)
    if found is None:
        names = sorted({app.name for app in installed_apps(env)}, key=str.casefold)
        hint = (f"; installed: {', '.join(names[:HINT_NAMES])}"
                + (f" and {len(names) - HINT_NAMES} more" if len(names) > HINT_NAMES else "")) if names else ""
        raise ActionRefused(f"no installed application is called {name!r}{hint}")
    _, argv = found
    try:
        subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise ActionRefused(f"could not start {name!r}: {exc.strerror or exc}") from None
