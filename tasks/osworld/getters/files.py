"""Getters of files: from the task's world (vm_file), from the cache (cloud_file), from the
evaluation folder (cache_file), and folder listings."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...task import CheckError
from ..cache import find_cached
from ..paths import OutsideTaskFolder, eval_path, note, vm_path

if TYPE_CHECKING:
    from ...task import TaskContext


def _entries(config: dict) -> tuple[list[str], list[str], set[int]]:
    if config.get("multi", False):
        return list(config["path"]), list(config["dest"]), set(config.get("gives", [0]))
    return [config["path"]], [config["dest"]], {0}


def dest_path(ctx: "TaskContext", name: str):
    """eval_path with the getter's error (a `dest` may not leave the evaluation folder), its
    parent folder made."""
    try:
        path = eval_path(ctx, name)
    except OutsideTaskFolder as exc:
        raise CheckError(f"dest {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _given(paths: list[Any]) -> Any:
    """OSWorld's rule: one given file is returned bare, several as a list."""
    return paths[0] if len(paths) == 1 else paths


def vm_file(ctx: "TaskContext", config: dict) -> Any:
    """Copy files from the task's world into the evaluation folder under their `dest` names.
    config: path, dest (lists with multi), gives (indexes returned), time_suffix/time_format
    (append the current time to a single dest). A missing file gives None in its place."""
    paths, dests, gives = _entries(config)
    if not config.get("multi", False) and config.get("time_suffix", False):
        stamp = datetime.now().strftime(config.get("time_format", "%Y%m%d_%H%M%S"))
        root, ext = os.path.splitext(dests[0])
        dests = [f"{root}_{stamp}{ext}"]
    out: list[str | None] = []
    for i, (path, dest) in enumerate(zip(paths, dests)):
        source = vm_path(ctx, path)
        target = dest_path(ctx, dest)
        if source.is_file():
            shutil.copyfile(source, target)
            copied: str | None = str(target)
        else:
            note(ctx, f"vm_file: {source} does not exist")
            copied = None
        if i in gives:
            out.append(copied)
    return _given(out)


def cloud_file(ctx: "TaskContext", config: dict) -> Any:
    """Copy files the task is scored against from the cache into the evaluation folder under
    their `dest` names. config: path (URLs), dest, multi, gives. A missing one is a CheckError
    (the RequireResources set-up step normally catches it before the episode)."""
    urls, dests, gives = _entries(config)
    out = []
    for i, (url, dest) in enumerate(zip(urls, dests)):
        source = find_cached(ctx.cache_dir, url)
        if source is None:
            raise CheckError(f"expected file not in the cache: {url}")
        target = dest_path(ctx, dest)
        shutil.copyfile(source, target)
        if i in gives:
            out.append(str(target))
    return _given(out)


def cache_file(ctx: "TaskContext", config: dict) -> str | None:
    """A file already in the evaluation folder (e.g. an execute step's stdout). config: path."""
    path = dest_path(ctx, config["path"])
    return str(path) if path.is_file() else None


def content_from_vm_file(ctx: "TaskContext", config: dict) -> Any:
    """A piece of a file's content. config: path, file_type ('xlsx'), file_content
    ('last_row': the last data row, as strings)."""
    path = vm_path(ctx, config["path"])
    if not path.is_file():
        return None
    if config.get("file_type") == "xlsx" and config.get("file_content") == "last_row":
        import pandas as pd

        frame = pd.read_excel(path)
        return frame.iloc[-1].astype(str).tolist()
    raise CheckError(f"content_from_vm_file: {config.get('file_type')}/{config.get('file_content')} "
                     "is not supported")


def list_directory(ctx: "TaskContext", config: dict) -> dict | None:
    """A folder as a tree: {"type": "directory", "name", "children": [...]}, files as
    {"type": "file", "name"}. config: path. None when it is not a folder."""
    root = vm_path(ctx, config["path"])
    if not root.is_dir():
        return None

    def tree(folder) -> dict:
        children = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_dir():
                children.append(tree(entry.path))
            else:
                children.append({"type": "file", "name": entry.name})
        return {"type": "directory", "name": os.path.basename(folder), "children": children}

    return tree(root)
