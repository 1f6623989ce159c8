"""The results layout, written as the episode runs so a crash loses nothing already done.

OUT/<domain>/<task_id>/
    traj.jsonl    one line a step, appended and flushed as each step ends
    step_<N>.png  the screenshot the policy saw at step N (written by a background thread)
    result.json   status, score, steps, timings
    result.txt    the score, written last and atomically: its presence means "done"
"""

from __future__ import annotations

import json
import os
import queue
import re
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, limit: int = 80) -> str:
    """A file-system-safe folder name for a task id or domain."""
    cleaned = SAFE_NAME.sub("_", text).strip("._") or "task"
    return cleaned[:limit]


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
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # A half-done earlier attempt is redone from scratch, never appended to.
        for stale in ("traj.jsonl", "result.json", "result.txt"):
            (self.folder / stale).unlink(missing_ok=True)
        for old in self.folder.glob("step_*.png"):
            old.unlink()
        self._traj = open(self.folder / "traj.jsonl", "a", encoding="utf-8")
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
