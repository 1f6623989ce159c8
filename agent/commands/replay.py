"""`gui-agent replay FILE`: execute recorded canonical actions through a driver."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import driver_options, echo_step, open_driver, report_result, user_errors

EXAMPLES = """
\b
Examples:
  gui-agent replay actions.jsonl --xvfb 1280x800
  gui-agent replay runs/adhoc/open-terminal/traj.jsonl --display :1
  gui-agent replay taps.jsonl --driver android --serial emulator-5554
"""


@click.command("replay", epilog=EXAMPLES)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@driver_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("runs"), show_default=True,
              help="Results folder: OUT/replay/<file name>/.")
def command(file, driver_kind, display, serial, xvfb, out):
    """Execute FILE (JSON Lines of canonical actions, or a traj.jsonl we wrote), recording a trajectory."""
    from agent.runner import run_task
    from agent.scripted import ScriptedPolicy
    from tasks.task import Limits, Task

    with user_errors():
        policy = ScriptedPolicy.from_file(file)
        steps = len(policy) + 1
        task = Task(id=file.stem if file.name != "traj.jsonl" else f"{file.parent.name}-replay",
                    instruction=f"replay {file}", domain="replay",
                    limits=Limits(max_steps=steps, stuck_repeats=max(steps, 2), max_seconds=24 * 3600))
        with open_driver(driver_kind or "desktop", display, serial, xvfb) as driver:
            result = run_task(task, driver, policy, out, on_step=echo_step, meta={"policy": f"script:{file}"})
    sys.exit(report_result(result, out))
