"""Result files the batch writes itself, for tasks the runner never finished, and reading them back.

The runner (agent/runner.py) writes a task's result.json and result.txt when the task runs to an
end. The batch writes them, in the same shape, when no runner could: a task skipped before it
started (no replay file, unsupported), a task whose worker was killed for running past its time
limit, or whose worker process died. result.txt is always written last and atomically.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from agent.record import is_done, write_atomic


def stamp() -> str:
    """Now, UTC, ISO 8601 to the second (as the runner stamps results)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def count_steps(folder: Path) -> int:
    """Steps recorded in folder/traj.jsonl (complete lines only)."""
    try:
        with open(folder / "traj.jsonl", "rb") as f:
            return sum(1 for line in f if line.endswith(b"\n"))
    except FileNotFoundError:
        return 0


def write_result(folder: Path, task: dict[str, Any], status: str, error: str, **extra: Any) -> dict[str, Any]:
    """Record a task the runner did not finish: result.json, then result.txt ("0.0"), both atomic.

    `task` holds task_id, domain, instruction and source; `extra` adds fields (worker, display,
    started, duration_s). Steps already in traj.jsonl are counted.
    Returns the result.json body.
    """
    folder.mkdir(parents=True, exist_ok=True)
    old = read_result(folder) or {}
    now = stamp()
    body = {**task, "started": old.get("started") or extra.pop("started", None) or now, **extra,
            "status": status, "score": 0.0,
            "steps": count_steps(folder), "error": error, "timings_ms": old.get("timings_ms") or {},
            "ended": now}
    write_atomic(folder / "result.json", json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "result.txt", "0.0\n")
    return body


def finalize(folder: Path, fallback: dict[str, Any], status: str, error: str) -> dict[str, Any]:
    """Make a task the runner left unfinal (a crash) final: keep its result.json, add result.txt 0."""
    body = read_result(folder)
    if body is None or body.get("status") != status:
        return write_result(folder, fallback, status, error)
    write_atomic(folder / "result.txt", "0.0\n")
    return body


def read_result(folder: Path) -> dict[str, Any] | None:
    """result.json of a task folder, or None when missing or unreadable."""
    try:
        body = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def read_score(folder: Path) -> float | None:
    """The score in result.txt, or None when the task is not done."""
    try:
        return float((folder / "result.txt").read_text(encoding="utf-8").strip() or 0.0)
    except (OSError, ValueError):
        return None


def finished(folder: Path) -> dict[str, Any] | None:
    """A done task's result (result.json with the score of result.txt), else None."""
    if not is_done(folder):
        return None
    body = read_result(folder) or {"status": "unknown"}
    body["score"] = read_score(folder) or 0.0
    return body
