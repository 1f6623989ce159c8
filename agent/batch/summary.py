"""Totals of a batch: OUT/summary.json and the per-domain numbers shown at the end and in reports.

Definitions (also in docs/batch.md):
- finished: tasks with result.txt; pending: the others (not run yet, or interrupted).
- score: the sum of the finished tasks' scores (each 0..1); solved: tasks scoring 1.
- success_rate: score / finished, as OSWorld counts it (skipped tasks score 0 and count).
- success_rate_ran: score / (finished - skipped), the rate over tasks that could run at all.
- skip_reasons: reason -> skipped tasks; a task unsupported for two reasons counts under both.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from agent.status import SKIPPED

from .results import finished, read_result


@dataclass
class Entry:
    """One task of a batch, finished or not."""

    domain: str
    task_id: str
    result: dict[str, Any] | None
    """result.json with the score of result.txt when finished; None when pending."""


def _rate(score: float, n: int) -> float | None:
    return round(score / n, 4) if n else None


def _counts(entries: list[Entry]) -> dict[str, Any]:
    done = [e.result for e in entries if e.result is not None]
    score = sum(float(r.get("score") or 0.0) for r in done)
    skipped = sum(1 for r in done if r.get("status") in SKIPPED)
    return {"tasks": len(entries), "finished": len(done), "pending": len(entries) - len(done),
            "solved": sum(1 for r in done if float(r.get("score") or 0.0) >= 1.0),
            "skipped": skipped, "score": round(score, 4), "success_rate": _rate(score, len(done)),
            "success_rate_ran": _rate(score, len(done) - skipped)}


def summarize(entries: Iterable[Entry], **meta: Any) -> dict[str, Any]:
    """The summary.json body: `meta` first, then totals, by_domain, by_status and skipped."""
    entries = list(entries)
    domains: dict[str, list[Entry]] = {}
    for e in entries:
        domains.setdefault(e.domain, []).append(e)
    statuses = Counter(e.result.get("status", "unknown") for e in entries if e.result is not None)
    skipped = [{"domain": e.domain, "task_id": e.task_id, "status": e.result.get("status"),
                "reason": e.result.get("error")}
               for e in entries if e.result is not None and e.result.get("status") in SKIPPED]
    reasons = Counter(kind for s in skipped for kind in _reason_kinds(s["reason"]))
    return {**meta, **_counts(entries),
            "by_domain": {d: _counts(es) for d, es in sorted(domains.items())},
            "by_status": dict(statuses.most_common()),
            "skip_reasons": dict(reasons.most_common()), "skipped_tasks": skipped}


def _reason_kinds(reason: str | None) -> list[str]:
    """What a skip reason says without its task-specific tail, to count alike reasons together:
    each unsupported kind ('metric:compare_pdf') on its own, else the text before the first colon."""
    text = (reason or "").strip()
    if text.startswith("not supported yet: "):
        return [f"unsupported {k.strip()}" for k in text.removeprefix("not supported yet: ").split(",")]
    return [text.split(":", 1)[0] if ":" in text else text or "(no reason given)"]


def scan(out: Path) -> list[Entry]:
    """Every task folder under OUT/<domain>/<task_id>/ that has a result.json or result.txt.

    Dot folders (OUT/.workers) and the report (OUT/report/index.html) are not domains."""
    entries = []
    for domain in sorted(p for p in Path(out).iterdir() if p.is_dir() and not p.name.startswith(".")):
        if domain.name == "report" and (domain / "index.html").exists():
            continue
        for folder in sorted(p for p in domain.iterdir() if p.is_dir()):
            result = finished(folder)
            if result is None and read_result(folder) is None:
                continue
            entries.append(Entry(domain.name, folder.name, result))
    return entries


def write_summary(out: Path, body: dict[str, Any]) -> None:
    """OUT/summary.json, atomically."""
    from agent.record import write_atomic

    write_atomic(Path(out) / "summary.json", json.dumps(body, indent=2, ensure_ascii=False) + "\n")
