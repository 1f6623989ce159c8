"""The HTML report of a results folder: `write_report(OUT)` writes OUT/report/index.html.

The page is static and self-contained (style and script inline) apart from the step
screenshots, which it links relatively (../<domain>/<task_id>/step_<N>.png), so the folder can
be copied or served as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .collect import ReportData


def write_report(out: str | Path, data: "ReportData | None" = None) -> Path:
    """Write OUT/report/index.html atomically and return its path; `data` is what
    `collect.collect(OUT)` read, when the caller has it already. Raises FileNotFoundError when
    OUT is not a folder."""
    from agent.record import write_atomic

    from .collect import collect
    from .page import render

    out = Path(out)
    if not out.is_dir():
        raise FileNotFoundError(f"{out}: no such folder")
    page = out / "report" / "index.html"
    write_atomic(page, render(data if data is not None else collect(out)))
    page.chmod(0o644)
    return page
