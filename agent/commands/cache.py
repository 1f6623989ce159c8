"""`gui-agent cache PATH... --cache-dir DIR`: which files the tasks download that DIR lacks;
`--add URL FILE` puts one in; `--fetch` downloads what is missing. The cache itself is
tasks/osworld/cache.py."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import click

from .common import UserError

MISSING_EXIT = 1
"""Exit status when the cache lacks some files: the listing worked, the cache is not complete."""

EXAMPLES = """
\b
Examples:
  gui-agent cache OSWorld/evaluation_examples/test_all.json --cache-dir osworld-cache
  gui-agent cache test_all.json --cache-dir osworld-cache > missing.tsv   # URL<TAB>target
  gui-agent cache --cache-dir osworld-cache --add https://example.org/files/a.xlsx a.xlsx
  gui-agent cache test_all.json --cache-dir osworld-cache --fetch   # on a connected machine

\b
A listing prints one line per missing file, its URL and where to put it, separated by a tab,
and the totals on stderr. `batch --cache-dir DIR` reads the same folder (docs/osworld.md).
With --fetch, each missing file is downloaded instead (interrupted downloads resume on the
next run); a file that fails gets one `error: URL: why` line on stderr.
Exit status: 0 nothing is missing (or the file was added, or every download worked), 1 some
files are missing (or failed to download), 2 a mistake in the input (a task file with
problems, a FILE that cannot be read).
"""


@click.command("cache", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--cache-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The cache folder, as `batch --cache-dir` reads it.")
@click.option("--add", nargs=2, default=None, metavar="URL FILE",
              help="Copy FILE into the cache as the download of URL (prints where it went).")
@click.option("--fetch", is_flag=True, help="Download the missing files into the cache (needs the internet).")
def command(paths, cache_dir, add, fetch):
    """List the files tasks download (OSWorld JSON, an index, folders) that the cache lacks; or add one."""
    if add:
        if fetch:
            raise UserError("--add and --fetch do not go together")
        if paths:
            raise UserError("--add takes no task files; list what is missing in a second call")
        _add(cache_dir, *add)
        return
    if not paths:
        raise UserError("give task files or folders to list what they need, or --add URL FILE")
    sys.exit(_list(cache_dir, paths, fetch))


def _add(cache_dir: Path, url: str, file: str) -> None:
    from tasks.osworld.cache import add

    parsed = urlparse(url)
    if not (parsed.scheme and parsed.netloc):
        raise UserError(f"--add: {url!r} is not a URL like https://host/path")
    source = Path(file)
    if not source.is_file():
        raise UserError(f"--add: {source}: no such file")
    try:
        click.echo(add(cache_dir, url, source))
    except OSError as exc:
        raise UserError(f"--add: cannot copy {source} into {cache_dir}: {exc.strerror or exc}") from None


def _list(cache_dir: Path, paths: tuple[Path, ...], fetch: bool = False) -> int:
    from tasks.load import scan_tasks
    from tasks.osworld.cache import canonical_path, missing

    urls: list[str] = []
    bad = False
    for path in paths:
        tasks, problems = scan_tasks(path)
        for line in problems:
            click.echo(f"error: {line}", err=True)
        bad = bad or bool(problems)
        for task in tasks:
            urls.extend(task.meta.get("resources", []))
    urls = list(dict.fromkeys(urls))
    absent = missing(cache_dir, urls)
    if fetch:
        failed = _fetch_all(cache_dir, absent)
        click.echo(f"{len(urls)} resources, {len(absent) - failed} fetched, {failed} failed", err=True)
        return 2 if bad else MISSING_EXIT if failed else 0
    for url in absent:
        click.echo(f"{url}\t{canonical_path(cache_dir, url)}")
    click.echo(f"{len(urls)} resources, {len(absent)} missing", err=True)
    return 2 if bad else MISSING_EXIT if absent else 0


def _fetch_all(cache_dir: Path, urls: list[str]) -> int:
    """Download each URL, with a progress bar on stderr; the number that failed."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from tasks.osworld.cache import FetchError, fetch, url_file_name

    failed = 0
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        overall = bar.add_task(f"{len(urls)} files", total=len(urls))
        for url in urls:
            current = bar.add_task(url_file_name(url)[:40], total=None)
            try:
                fetch(cache_dir, url, progress=lambda done, total: bar.update(current, completed=done, total=total))
            except FetchError as exc:
                failed += 1
                bar.console.print(f"error: {url}: {exc}", markup=False, highlight=False, soft_wrap=True)
            except OSError as exc:  # the cache folder itself cannot be written
                failed += 1
                bar.console.print(f"error: {url}: cannot write into {cache_dir}: {exc.strerror or exc}",
                                  markup=False, highlight=False, soft_wrap=True)
            bar.remove_task(current)
            bar.advance(overall)
    return failed
