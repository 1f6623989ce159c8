"""Steps that put files in place and open them: the task HOME, cached downloads, `open`."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import ClassVar

from ...home import prepare_home
from ...task import MissingResource, SetupError
from .. import procs, windows
from ..cache import find_cached
from ..paths import OutsideTaskFolder, note, task_home, vm_path, writable_vm_path
from .base import OsStep

OPEN_TIMEOUT = 60.0
"""Seconds `open` waits for the file's window (OSWorld waited up to 30 minutes)."""

_OFFICE = {".xlsx": "--calc", ".xls": "--calc", ".xlsm": "--calc", ".ods": "--calc", ".csv": "--calc",
           ".docx": "--writer", ".doc": "--writer", ".odt": "--writer", ".rtf": "--writer",
           ".pptx": "--impress", ".ppt": "--impress", ".odp": "--impress"}


@dataclass
class PrepareHome(OsStep):
    """Make the task HOME look like OSWorld's VM user: usual folders, apps past their first
    start (see tasks/home.py)."""

    kind: ClassVar[str] = "prepare_home"

    def run(self, ctx):
        prepare_home(task_home(ctx), ctx.env)


@dataclass
class RequireResources(OsStep):
    """Fail fast, before anything starts, when a file the task downloads or is scored against
    is not in the cache. params: {"urls": [...]}"""

    kind: ClassVar[str] = "require_resources"

    def run(self, ctx):
        missing = [u for u in self.params.get("urls", []) if find_cached(ctx.cache_dir, u) is None]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise MissingResource(f"not in the cache: {missing[0]}{more}", url=missing[0])


@dataclass
class Download(OsStep):
    """Copy files from the local cache to where the task expects them. params: {"files":
    [{"url", "path"}]}; raises MissingResource naming the URL when the cache lacks one."""

    kind: ClassVar[str] = "download"

    def run(self, ctx):
        for item in self.params["files"]:
            url = item["url"]
            try:
                target = writable_vm_path(ctx, item["path"])
            except OutsideTaskFolder as exc:
                raise SetupError(f"download: path {exc}") from None
            source = find_cached(ctx.cache_dir, url)
            if source is None:
                raise MissingResource(f"not in the cache: {url}", url=url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            note(ctx, f"download {url} -> {target}")


@dataclass
class Open(OsStep):
    """Open a file in its app (LibreOffice for office files, else xdg-open), or start a program
    by name, then wait until a window titled with its name shows and focus it. params: {"path"}"""

    kind: ClassVar[str] = "open"

    def run(self, ctx):
        raw = self.params["path"]
        path = vm_path(ctx, raw)
        if path.exists():
            office = _OFFICE.get(path.suffix.lower())
            argv = (["libreoffice", office, "--norestore", str(path)] if office
                    else ["xdg-open", str(path)])
            names = [path.name, path.stem]
        elif shutil.which(raw):
            argv, names = [raw], [raw]
        else:
            raise SetupError(f"open: no such file or program: {raw}")
        try:
            procs.spawn(ctx, argv)
        except FileNotFoundError:
            raise SetupError(f"open: {argv[0]} is not installed") from None
        wid = windows.wait_for_window(ctx, names, OPEN_TIMEOUT)
        if wid is None:
            raise SetupError(f"open: no window for {names[0]} within {OPEN_TIMEOUT:g} s")
        windows.activate(ctx, wid)
        note(ctx, f"opened {path} in window {wid}")
