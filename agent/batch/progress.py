"""What a person watching a batch sees: a live bar with the success rate so far, one line per
worker, one line per finished task, and a table per domain at the end (all on stderr)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from agent.status import SKIPPED


def status_style(status: str, score: float) -> str:
    """Rich style of a task ending: green solved, yellow skipped, red otherwise."""
    if score >= 1.0:
        return "green"
    if status in SKIPPED:
        return "yellow"
    return "red"


class BatchView:
    """The live display. Use as a context manager; all methods are safe to call from the loop."""

    def __init__(self, total: int, done: list[dict[str, Any]], console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.scores = [float(r.get("score") or 0.0) for r in done]
        self.workers: dict[int, str] = {}
        self.progress = Progress(TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                 TextColumn("left"), TimeRemainingColumn(), console=self.console)
        self.bar = self.progress.add_task("batch", total=total, completed=len(done), rate=self._rate())
        # In a log file (not a terminal) a live display only shows at the end: print lines instead.
        self.live = Live(self, console=self.console, refresh_per_second=4, transient=True) \
            if self.console.is_terminal else None

    def _rate(self) -> str:
        n = len(self.scores)
        if not n:
            return "success rate -"
        solved = sum(1 for s in self.scores if s >= 1.0)
        return f"solved {solved}/{n}  success rate {sum(self.scores) / n:.0%}"

    def __rich__(self):
        lines = [Text(f"  worker {slot}: {text}", style="dim") for slot, text in sorted(self.workers.items())]
        return Group(self.progress, *lines)

    def __enter__(self) -> "BatchView":
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.stop()
            self.console.print(self.progress.get_renderable())

    def worker(self, slot: int, text: str | None) -> None:
        """Show what worker `slot` does now; None removes its line."""
        if text is None:
            self.workers.pop(slot, None)
        else:
            self.workers[slot] = text

    def note(self, text: str) -> None:
        self.console.print(f"[bold yellow]{escape(text)}[/]")

    def finished(self, key: str, result: dict[str, Any]) -> None:
        """One task ended (any status): print its line and advance the bar."""
        status, score = str(result.get("status")), float(result.get("score") or 0.0)
        self.scores.append(score)
        self.progress.update(self.bar, advance=1, rate=self._rate())
        style = status_style(status, score)
        count = "" if self.live is not None else f"[{len(self.scores)}/{self.progress.tasks[0].total:g}] "
        line = f"{count}[{style}]{score:>4.2g} {escape(status):<16}[/] {escape(key)}"
        steps = int(result.get("steps") or 0)
        line += f"  [dim]{steps} step{'' if steps == 1 else 's'}"
        if result.get("duration_s") is not None:
            line += f", {float(result['duration_s']):.1f} s"
        line += "[/]"
        if result.get("error") and style != "green":
            line += f"  [dim]{escape(str(result['error'])[:120])}[/]"
        self.console.print(line, highlight=False)

    def skipped(self, items: list[tuple[str, str, str]]) -> None:
        """Tasks recorded without running; few are listed one by one, many as counts."""
        self.scores.extend(0.0 for _ in items)
        self.progress.update(self.bar, advance=len(items), rate=self._rate())
        if len(items) <= 10:
            for key, status, reason in items:
                self.console.print(f"[yellow]   0 {escape(status):<16}[/] {escape(key)}  [dim]{escape(reason)}[/]",
                                   highlight=False)
            return
        counts = Counter(status for _, status, _ in items)
        self.console.print(f"[yellow]skipped {len(items)} tasks before running:[/] "
                           + ", ".join(f"{escape(s)} {n}" for s, n in counts.most_common())
                           + " [dim](reasons in summary.json)[/]")


def summary_table(summary: dict[str, Any]) -> Table:
    """Per domain: tasks, finished, solved, skipped, score and success rate; then the total."""
    table = Table(title="batch summary", title_justify="left",
                  caption="rate: score / finished (skips count as 0); rate*: skipped tasks left out",
                  caption_justify="left")
    for name, justify in (("domain", "left"), ("tasks", "right"), ("finished", "right"), ("solved", "right"),
                          ("skipped", "right"), ("score", "right"), ("rate", "right"),
                          ("rate*", "right")):
        table.add_column(name, justify=justify)

    def row(name: str, c: dict[str, Any], **kw) -> None:
        rate = "-" if c["success_rate"] is None else f"{c['success_rate']:.1%}"
        ran = "-" if c["success_rate_ran"] is None else f"{c['success_rate_ran']:.1%}"
        table.add_row(escape(name), str(c["tasks"]), str(c["finished"]), str(c["solved"]), str(c["skipped"]),
                      f"{c['score']:g}", rate, ran, **kw)

    for domain, counts in summary["by_domain"].items():
        row(domain, counts)
    row("all", summary, style="bold", end_section=True)
    return table


def status_line(summary: dict[str, Any]) -> str:
    """'success 3, max_steps 1, unsupported 2' (plain text)."""
    return ", ".join(f"{s} {n}" for s, n in summary["by_status"].items()) or "no task finished"
