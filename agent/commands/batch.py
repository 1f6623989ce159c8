"""`gui-agent batch PATH... --out DIR`: run many tasks unattended, in parallel, resumable."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from agent.models.families import FAMILY_NAMES

from .common import NO_RESULT_EXIT, UserError, parse_size, user_errors

EXAMPLES = """
\b
Examples:
  gui-agent batch tasks/suites/desktop-basics --replay tasks/suites/desktop-basics/replay \\
      --out runs/basics --workers 2
  gui-agent batch osworld/evaluation_examples/test_all.json --out runs/osw --workers 4 \\
      --backend openai --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-VL-7B-Instruct \\
      --cache-dir osworld-cache
  gui-agent batch tasks/suites/desktop-basics --replay tasks/suites/desktop-basics/replay \\
      --out runs/ray --workers 8 --ray auto     # on the Ray cluster this machine is part of
  gui-agent report runs/osw

\b
Exit status: 0 the batch ran (whatever the scores), 2 a mistake in the input or a worker that
cannot start, 3 stopped because the model could not be asked (--max-model-errors tasks in a
row), 130 stopped by Ctrl-C or SIGTERM. Finished tasks are kept: run again to resume.
"""

INTERRUPTED_EXIT = 130


def _model_options(f):
    for name, kw in reversed([
        ("--model", dict(help="Hub id or local path of the model (or the served model's name).")),
        ("--backend", dict(type=click.Choice(["transformers", "openai"]), help="How the model runs (default: transformers).")),
        ("--family", dict(help=f"Model family (default: detected): {', '.join(FAMILY_NAMES)}.")),
        ("--base-url", dict(help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")),
        ("--api-key", dict(help="Key for --base-url (default: $OPENAI_API_KEY).")),
        ("--min-pixels", dict(type=int, help="Smallest image area the model sees.")),
        ("--max-pixels", dict(type=int, help="Largest image area the model sees.")),
        ("--history-images", dict(type=int, help="How many recent screenshots the model sees.")),
        ("--max-new-tokens", dict(type=int, help="Longest reply the model may write, in tokens (default 1024).")),
    ]):
        f = click.option(name, default=None, **kw)(f)
    return f


@click.command("batch", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Results folder: OUT/<domain>/<task_id>/, OUT/summary.json. Finished tasks there are skipped.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Tasks at once, each worker a process with its own virtual display.")
@click.option("--replay", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Replay recorded trajectories DIR/<task_id>.jsonl instead of asking a model.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Local copies of the files tasks download (default: a suite folder's cache/).")
@click.option("--task-timeout", type=click.FloatRange(min=1), default=None, metavar="S",
              help="Kill a task still running after S seconds, set-up included (default: its max_seconds + 180).")
@click.option("--screen", default="1280x800", show_default=True, metavar="WxH",
              help="Size of each worker's virtual display (OSWorld's VMs are 1920x1080).")
@click.option("--no-window-manager", is_flag=True, help="Run the displays without openbox.")
@click.option("--retry", default="", metavar="STATUS,...",
              help="Run finished tasks with these statuses again, e.g. timeout,crashed,missing_resource "
                   "(the earlier attempts move to OUT/.attempts/).")
@click.option("--max-model-errors", type=click.IntRange(min=1), default=3, show_default=True, metavar="N",
              help="Stop after N tasks in a row could not ask the model (they stay pending for a resume).")
@click.option("--ray", "ray_address", default=None, metavar="ADDRESS",
              help="Run the workers on the nodes of a Ray cluster: 'auto' (the one this machine is part of), "
                   "or its address (ray://host:10001, host:6379). Results still go to OUT here.")
@click.option("--ray-cpus", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              metavar="N", help="CPUs Ray reserves on a node for each worker (with --ray).")
@_model_options
def command(paths, out, workers, replay, cache_dir, task_timeout, screen, no_window_manager, retry,
            max_model_errors, ray_address, ray_cpus, **models):
    """Run task files (ours, OSWorld JSON, or an OSWorld index like test_all.json) unattended.

    Results go to OUT in OSWorld's layout. A re-run with the same OUT resumes: tasks with
    result.txt are skipped, half-done ones are redone from scratch.
    """
    from rich.console import Console

    from agent.batch.config import BatchConfig, ModelOptions
    from agent.batch.engine import Batch, BatchAborted
    from agent.batch.isolation import OutLocked, lock_out
    from agent.batch.plan import make_plan
    from agent.batch.progress import BatchView, status_line, summary_table

    if replay is not None and models.get("model"):
        raise UserError("give either --replay DIR or --model, not both")
    if replay is None and not models.get("model"):
        raise UserError("say who decides: --model ID_OR_PATH, or --replay DIR of recorded trajectories")
    if replay is not None and not replay.is_dir():
        raise UserError(f"--replay {replay}: no such folder")
    if ray_address is not None:
        from agent.batch.ray_pool import import_ray

        if not ray_address.strip():
            raise UserError("--ray: give the cluster's address, or 'auto' for the one this machine is part of")
        try:
            import_ray()
        except ImportError as exc:
            raise UserError(str(exc)) from None
    cfg = BatchConfig(paths=[p.resolve() for p in paths], out=out.resolve(), workers=workers,
                      replay=replay.resolve() if replay else None, models=ModelOptions(**models),
                      cache_dir=cache_dir.resolve() if cache_dir else None, task_timeout=task_timeout,
                      screen=parse_size(screen, "--screen"), window_manager=not no_window_manager,
                      retry=_statuses(retry), max_model_errors=max_model_errors,
                      ray=ray_address.strip() if ray_address else None, ray_cpus=ray_cpus)
    err = Console(stderr=True)
    if not err.is_terminal:  # a log file: one line per task, however long
        err = Console(stderr=True, width=200)
    cfg.out.mkdir(parents=True, exist_ok=True)
    try:
        lock = lock_out(cfg.out)  # held until the batch ends, or the process does
    except OutLocked as exc:
        raise UserError(str(exc)) from None
    with user_errors():
        plan = make_plan(cfg)
    err.print(f"{len(plan.tasks)} tasks: {len(plan.done)} already finished, {len(plan.skip)} to skip, "
              f"{len(plan.todo)} to run with {workers} worker(s)" + (f" on Ray ({cfg.ray})" if cfg.ray else ""),
              highlight=False)
    meta = {"out": str(cfg.out), "paths": [str(p) for p in cfg.paths],
            "policy": f"replay:{cfg.replay}" if cfg.replay else cfg.models.model,
            "screen": f"{cfg.screen[0]}x{cfg.screen[1]}", "ray": cfg.ray}
    view = BatchView(len(plan.tasks), list(plan.done.values()), console=err)
    try:
        with view:
            outcome = Batch(cfg, plan, view, meta).run()
    except BatchAborted as exc:
        raise UserError(str(exc)) from None
    finally:
        lock.close()
    # A log file gets a table wide enough for long domain names.
    Console(width=None if sys.stdout.isatty() else 120).print(summary_table(outcome.summary))
    click.echo(f"statuses: {status_line(outcome.summary)}")
    click.echo(f"summary: {cfg.out / 'summary.json'}")
    if outcome.stopped:
        click.echo(f"error: {outcome.stopped}; run the same command again once the model answers", err=True)
        sys.exit(NO_RESULT_EXIT)
    if outcome.interrupted:
        click.echo("interrupted: run the same command again to finish the rest", err=True)
        sys.exit(INTERRUPTED_EXIT)


def _statuses(text: str) -> list[str]:
    """--retry's list, each a known final status (a typo would silently retry nothing)."""
    from agent.status import ALL, NOT_FINAL

    wanted = [s.strip() for s in text.split(",") if s.strip()]
    wrong = [s for s in wanted if s not in ALL]
    if wrong:
        raise UserError(f"--retry {text}: unknown status {', '.join(map(repr, wrong))}; "
                        f"choose from: {', '.join(s for s in ALL if s not in NOT_FINAL)}")
    return wanted
