"""Getters of application settings files, read from the task's HOME."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import Counter
from typing import TYPE_CHECKING

from ..paths import task_home
from .files import dest_path, vm_file

if TYPE_CHECKING:
    from ...task import TaskContext


def _copy_home_file(ctx: "TaskContext", relative: str, dest: str) -> str | None:
    source = task_home(ctx) / relative
    if not source.is_file():
        return None
    target = dest_path(ctx, dest)
    shutil.copyfile(source, target)
    return str(target)


def vlc_config(ctx, config) -> str | None:
    """A copy of VLC's settings, ~/.config/vlc/vlcrc. config: dest."""
    return _copy_home_file(ctx, ".config/vlc/vlcrc", config["dest"])


def gimp_config_file(ctx, config) -> str | None:
    """A copy of GIMP 2.10's settings file config['file_name']. config: file_name, dest."""
    return _copy_home_file(ctx, f".config/GIMP/2.10/{config['file_name']}", config["dest"])


def vscode_config(ctx, config) -> str | None:
    """Run a VS Code command (ctrl+shift+p, its name, enter) that writes a file, then fetch
    that file like vm_file. config: vscode_extension_command, path, dest."""
    from ..steps import ActivateWindow

    ActivateWindow({"window_name": "Visual Studio Code"}).run(ctx)
    for args in (["key", "--clearmodifiers", "ctrl+shift+p"],
                 ["type", "--delay", "20", config["vscode_extension_command"]],
                 ["key", "Return"]):
        subprocess.run(["xdotool", *args], env=ctx.env, capture_output=True, timeout=30)
        time.sleep(0.5)
    time.sleep(1.0)
    return vm_file(ctx, {"path": config["path"], "dest": config["dest"]})


def default_video_player(ctx, config) -> str:
    """The desktop file most video types open with (xdg-mime), or 'unknown'."""
    kinds = ["mp4", "x-matroska", "webm", "x-msvideo", "quicktime", "mpeg", "ogg", "x-flv"]
    apps = []
    for kind in kinds:
        try:
            out = subprocess.run(["xdg-mime", "query", "default", f"video/{kind}"], env=ctx.env,
                                 capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out:
            apps.append(out)
    return Counter(apps).most_common(1)[0][0] if apps else "unknown"
