"""`gui-agent check PATH...`: validate task files and say what is wrong, file by file."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

EXAMPLES = """
\b
Examples:
  gui-agent check tasks/examples/
  gui-agent check osworld/evaluation_examples/test_all.json --json
"""


@click.command("check", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Last line: {"tasks", "valid", "runnable", "unsupported": {"<kind>:<name>": tasks}}.')
def command(paths, as_json):
    """Validate task files (ours or OSWorld's); report what is wrong and what cannot run yet.

    Exit status: 0 all valid, 2 some file has mistakes.
    """
    from agent.record import task_dir
    from tasks.load import scan_tasks

    valid = runnable = 0
    bad_files: set[str] = set()
    unsupported: Counter[str] = Counter()
    owners: dict[Path, str] = {}  # result folder -> the file whose task has it
    for path in paths:
        loaded, problems = scan_tasks(path)
        tasks = []
        for task in loaded:
            folder = task_dir(Path("."), task.domain, task.id)
            first = owners.get(folder)
            if first is None:
                owners[folder] = str(task.source)
                tasks.append(task)
            elif first != task.source:  # the same file reached twice is one task; two files clash
                problems.append(f"{task.source}: id: {task.domain}/{task.id} is also the id of {first}; "
                                "a batch cannot hold both")
        # Every problem line starts with its file; a file with mistakes is one invalid task.
        bad_files.update(line.split(": ", 1)[0] for line in problems)
        for line in problems:
            click.echo(f"error: {line}", err=True)
        valid += len(tasks)
        for task in tasks:
            if task.unsupported:
                unsupported.update(set(task.unsupported))
                if not as_json:
                    click.echo(f"unsupported: {task.source}: {', '.join(task.unsupported)}")
            else:
                runnable += 1
        if tasks or not problems:
            click.echo(f"ok: {path}: {len(tasks)} task(s)", err=as_json)
    if as_json:
        total = valid + len(bad_files)
        click.echo(json.dumps({"tasks": total, "valid": valid, "runnable": runnable,
                               "unsupported": dict(unsupported.most_common())}))
    sys.exit(2 if bad_files else 0)
