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
preselects a filter and unfolds every task. A file that is not as a run writes it (a torn
line, a field of the wrong type) is listed on the page next to its task, and counted on stderr.
Exit status: 0 written (problems or not), 2 DIR is missing or holds no results.
"""


@click.command("report", epilog=EXAMPLES)
@click.argument("out", type=click.Path(path_type=Path))
def command(out):
    """Write OUT/report/index.html: totals by domain, and every task's steps drawn on its screenshots."""
    from agent.report import write_report
    from agent.report.collect import collect

    if not out.is_dir():
        raise UserError(f"{out}: no such folder")
    try:
        data = collect(out)
    except OSError as exc:
        raise UserError(f"{out}: cannot read the results: {exc.strerror or exc}") from None
    if not data.tasks:
        raise UserError(f"{out}: no results here (expected OUT/<domain>/<task_id>/result.json)")
    try:
        page = write_report(out, data)
    except OSError as exc:
        raise UserError(f"{out / 'report'}: cannot write the report: {exc.strerror or exc}") from None
    done = sum(1 for t in data.tasks if t.finished)
    click.echo(f"report: {page}  ({len(data.tasks)} tasks, {done} finished)")
    if data.problems:
        n = len(data.problem_files)
        click.echo(f"warning: {n} {'file' if n == 1 else 'files'} in {out} had problems "
                   f"({len(data.problems)} in all); the page lists them", err=True)
