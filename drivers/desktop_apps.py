"""Open a desktop app by name, safely: only installed .desktop entries are ever started.

The name comes from a model, so it is matched against the installed applications and
never handed to a shell or run as a program path.
"""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
from pathlib import Path

from .base import ActionRefused

_FIELD_CODES = {"%f", "%F", "%u", "%U", "%d", "%D", "%n", "%N", "%i", "%c", "%k", "%v", "%m"}


def _app_dirs(env: dict[str, str]) -> list[Path]:
    data_home = env.get("XDG_DATA_HOME") or os.path.join(env.get("HOME", "~"), ".local/share")
    data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    return [Path(os.path.expanduser(d)) / "applications" for d in [data_home, *data_dirs] if d]


def find_app(name: str, env: dict[str, str]) -> tuple[str, list[str]] | None:
    """(display name, argv) of the installed app whose Name, GenericName or file id matches."""
    wanted = name.strip().lower().removesuffix(".desktop")
    best: tuple[int, str, list[str]] | None = None
    for folder in _app_dirs(env):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.desktop")):
            entry = _read_entry(path)
            if entry is None:
                continue
            names = [path.stem.lower(), entry.get("name", "").lower(), entry.get("genericname", "").lower()]
            rank = 0 if wanted in names else 1 if any(wanted and wanted in n for n in names) else None
            if rank is None:
                continue
            argv = [a for a in shlex.split(entry["exec"]) if a not in _FIELD_CODES]
            if argv and (best is None or rank < best[0]):
                best = (rank, entry.get("name", path.stem), argv)
    return None if best is None else (best[1], best[2])


def _read_entry(path: Path) -> dict[str, str] | None:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        section = parser["Desktop Entry"]
    except (configparser.Error, KeyError, UnicodeDecodeError):
        return None
    if section.get("NoDisplay", "false").lower() == "true" or "Exec" not in section:
        return None
    return {k.lower(): v for k, v in section.items()}


def launch_app(name: str, env: dict[str, str]) -> None:
    """Start the app in the background, detached; refuse when no installed app matches."""
    found = find_app(name, env)
    if found is None:
        raise ActionRefused(f"no installed application is called {name!r}")
    _, argv = found
    try:
        subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise ActionRefused(f"could not start {name!r}: {exc.strerror or exc}") from None
