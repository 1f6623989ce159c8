"""Getters of the desktop: its shortcut files, its wallpaper, what VLC plays."""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request
from base64 import b64encode
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import file_uri_path, task_home
from .files import dest_path

if TYPE_CHECKING:
    from ...task import TaskContext

VLC_PASSWORD = "password"
"""The password of VLC's web interface, as OSWorld's VM set it (steps/commands.py starts VLC with it)."""


def shortcuts_on_desktop(ctx: "TaskContext", config: dict) -> dict[str, str]:
    """The .desktop files on the task's Desktop: {file name: content}."""
    desktop = task_home(ctx) / "Desktop"
    if not desktop.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(desktop.iterdir()) if p.name.endswith(".desktop") and p.is_file()}


def _wallpaper_uri(ctx: "TaskContext") -> str | None:
    for key in ("picture-uri", "picture-uri-dark"):
        try:
            reply = subprocess.run(["gsettings", "get", "org.gnome.desktop.background", key], env=ctx.env,
                                   capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        value = reply.stdout.strip().strip("'\"")
        if reply.returncode == 0 and value:
            return value
    return None


def vm_wallpaper(ctx: "TaskContext", config: dict) -> str:
    """A copy of the desktop's background picture (GNOME's org.gnome.desktop.background
    picture-uri, read in the task's environment) named config['dest']. As in OSWorld, an
    empty file when there is none, so that image metrics score it 0 rather than fail."""
    target = dest_path(ctx, config["dest"])
    uri = _wallpaper_uri(ctx)
    source = Path(file_uri_path(uri)) if uri and uri.startswith("file://") else Path(uri or "")
    if uri and source.is_file():
        shutil.copyfile(source, target)
    else:
        target.write_bytes(b"")
    return str(target)


def vlc_port(ctx: "TaskContext") -> int:
    """This task's port for VLC's web interface, chosen free once per task."""
    from ..procs import task_port

    return task_port(ctx, "vlc_http")


def vlc_playing_info(ctx: "TaskContext", config: dict) -> str | None:
    """VLC's status (/requests/status.xml of its web interface) saved as config['dest'];
    None when VLC does not answer."""
    request = urllib.request.Request(f"http://127.0.0.1:{vlc_port(ctx)}/requests/status.xml")
    token = b64encode(f":{VLC_PASSWORD}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
    except (OSError, urllib.error.URLError):
        return None
    target = dest_path(ctx, config["dest"])
    target.write_bytes(body)
    return str(target)
