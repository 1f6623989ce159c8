"""`gui-agent cache PATH... --cache-dir DIR`: which files the tasks download that DIR lacks;
`--add URL FILE` puts one in. The cache itself is tasks/osworld/cache.py."""

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

\b
A listing prints one line per missing file, its URL and where to put it, separated by a tab,
and the totals on stderr. `batch --cache-dir DIR` reads the same folder (docs/osworld.md).
Exit status: 0 nothing is missing (or the file was added), 1 some files are missing,
2 a mistake in the input (a task file with problems, a FILE that cannot be read).
"""


@click.command("cache", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--cache-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The cache folder, as `batch --cache-dir` reads it.")
@click.option("--add", nargs=2, default=None, metavar="URL FILE",
              help="Copy FILE into the cache as the download of URL (prints where it went).")
def command(paths, cache_dir, add):
    """List the files tasks download (OSWorld JSON, an index, folders) that the cache lacks; or add one."""
    if add:
        if paths:
            raise UserError("--add takes no task files; list what is missing in a second call")
        _add(cache_dir, *add)
        return
    if not paths:
        raise UserError("give task files or folders to list what they need, or --add URL FILE")
    sys.exit(_list(cache_dir, paths))


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


def _list(cache_dir: Path, paths: tuple[Path, ...]) -> int:
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
    for url in absent:
        click.echo(f"{url}\t{canonical_path(cache_dir, url)}")
    click.echo(f"{len(urls)} resources, {len(absent)} missing", err=True)
    return 2 if bad else MISSING_EXIT if absent else 0
