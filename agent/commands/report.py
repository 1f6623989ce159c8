"""`gui-agent report DIR`: write DIR/report/index.html, a page to look through a run."""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError

EXAMPLES = """
\b
Examples:
  gui-agent report runs/osw
  gui-agent report runs/osw && xdg-open runs/osw/report/index.html

\b
The page filters by outcome, domain, status and text; ?outcome=failed&open=all in its address
preselects a filter and unfolds every task. Exit status: 0 written, 2 DIR holds no results.
"""


@click.command("report", epilog=EXAMPLES)
@click.argument("out", type=click.Path(path_type=Path))
def command(out):
    """Write OUT/report/index.html: totals by domain, and every task's steps drawn on its screenshots."""
    from agent.batch.summary import scan
    from agent.report import write_report

    if not out.is_dir():
        raise UserError(f"{out}: no such folder")
    entries = scan(out)
    if not entries:
        raise UserError(f"{out}: no results here (expected OUT/<domain>/<task_id>/result.json)")
    page = write_report(out)
    done = sum(1 for e in entries if e.result is not None)
    click.echo(f"report: {page}  ({len(entries)} tasks, {done} finished)")
