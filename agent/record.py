"""The results layout, written as the episode runs so a crash loses nothing already done.

OUT/<domain>/<task_id>/
    traj.jsonl    one line a step, appended and flushed as each step ends
    step_<N>.png  the screenshot the policy saw at step N (written by a background thread)
    result.json   status, score, steps, timings
    result.txt    the score, written last and atomically: its presence means "done"
    workdir/      the task's own folder ($WORKDIR), fresh for every attempt
OUT/.attempts/<domain>/<task_id>/<N>/   earlier attempts, moved aside, never deleted
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SAFE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
NAME_LIMIT = 80
"""Longest folder name, in characters (all ASCII): far below any file system's 255 bytes."""
ATTEMPTS = ".attempts"


def safe_name(text: str) -> str:
    """The folder name of a task id or domain: the id itself when it is already a plain name
    (letters, digits, `._-`, not starting with a dot, at most NAME_LIMIT long); otherwise a
    cleaned, shortened form plus 8 hex digits of the id's SHA-256, so two ids never share a
    folder ('a b' and 'a_b', '世界' and '..') and the same id always gets the same one."""
    if len(text) <= NAME_LIMIT and _SAFE.fullmatch(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    cleaned = _UNSAFE.sub("_", text).strip("._")[:NAME_LIMIT - 9].rstrip("._") or "task"
    return f"{cleaned}-{digest}"


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temp file in the same folder, fsynced, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes 0600; results are for people and report servers to read.
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def task_dir(out: Path, domain: str, task_id: str) -> Path:
    return Path(out) / safe_name(domain) / safe_name(task_id)


def is_done(folder: Path) -> bool:
    """A task whose result.txt exists is done; a re-run skips it."""
    return (Path(folder) / "result.txt").is_file()


def _has_steps(folder: Path) -> bool:
    traj = folder / "traj.jsonl"
    return traj.is_file() and traj.stat().st_size > 0


def set_aside(folder: Path) -> Path | None:
    """Clear a task folder for a new attempt without losing the last one.

    An earlier attempt that finished or recorded a step moves, whole, to
    OUT/.attempts/<domain>/<task_id>/<N>/ (N counts up) and that path is returned; a folder
    with nothing worth keeping (no result.txt, no step) is removed and None returned.
    """
    folder = Path(folder)
    if not folder.exists():
        return None
    if not (is_done(folder) or _has_steps(folder)):
        shutil.rmtree(folder)
        return None
    shelf = folder.parent.parent / ATTEMPTS / folder.parent.name / folder.name
    shelf.mkdir(parents=True, exist_ok=True)
    n = 1 + max((int(p.name) for p in shelf.iterdir() if p.name.isdigit()), default=0)
    while True:
        try:
            (shelf / str(n)).mkdir()  # claims the number; the rename below replaces the empty folder
            break
        except FileExistsError:
            n += 1
    os.replace(folder, shelf / str(n))
    return shelf / str(n)


class _ImageWriter:
    """Encodes PNGs off the hot path; `close()` waits until every queued image is on disk."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._work, name="png-writer", daemon=True)
        self._thread.start()
        self.errors: list[str] = []

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            image, path = item
            try:
                tmp = path.with_name(f".{path.name}.tmp")
                image.save(tmp, format="PNG", compress_level=1)
                os.replace(tmp, path)
            except Exception as exc:  # a full disk must not kill the episode
                self.errors.append(f"{path.name}: {exc}")

    def put(self, image: "Image", path: Path) -> None:
        self._queue.put((image, path))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()


class Recorder:
    """Writes one task's trajectory, screenshots and result into the results layout."""

    def __init__(self, folder: Path, *, save_images: bool = True) -> None:
        """Record into `folder`, which must hold no earlier attempt (see set_aside)."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._traj = open(self.folder / "traj.jsonl", "x", encoding="utf-8")
        self._images = _ImageWriter() if save_images else None
        self.image_errors: list[str] = []

    def screenshot(self, index: int, image: "Image") -> str | None:
        """Queue the screenshot of step `index`; returns its file name."""
        if self._images is None:
            return None
        name = f"step_{index}.png"
        self._images.put(image, self.folder / name)
        return name

    def step(self, record: dict[str, Any]) -> None:
        """Append one step line and flush it to the OS at once."""
        self._traj.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._traj.flush()

    def finish(self, result: dict[str, Any], *, final: bool = True) -> None:
        """Write result.json; when `final`, then result.txt (the score) last and atomically.

        An interrupted episode is recorded with final=False so that a re-run redoes it.
        """
        self.close_streams()
        if self.image_errors:
            result.setdefault("warnings", []).extend(self.image_errors)
        write_atomic(self.folder / "result.json", json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        if final:
            write_atomic(self.folder / "result.txt", f"{float(result.get('score') or 0.0)}\n")

    def close_streams(self) -> None:
        if self._images is not None:
            self._images.close()
            self.image_errors.extend(self._images.errors)
            self._images = None
        if not self._traj.closed:
            self._traj.close()


class NullRecorder:
    """Records nothing, for callers that keep their own record (the Gymnasium environment)."""

    def screenshot(self, index: int, image: "Image") -> None:
        return None

    def step(self, record: dict[str, Any]) -> None:
        pass

    def finish(self, result: dict[str, Any], *, final: bool = True) -> None:
        pass

    def close_streams(self) -> None:
        pass
