"""`gui-agent run TASK`: one task, from an instruction or a task file, with a model or a script."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import click

from agent.models.families import FAMILY_NAMES
from tasks.task import Limits, Task

from .common import UserError, driver_options, echo_step, open_driver, report_result, user_errors

EXAMPLES = """
\b
Examples:
  gui-agent run "Open the terminal" --model Qwen/Qwen2.5-VL-7B-Instruct
  gui-agent run "Turn on Wi-Fi" --driver android --backend openai \\
      --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-VL-7B-Instruct
  gui-agent run tasks/examples/mousepad_note.yaml \\
      --policy script:tasks/examples/mousepad_note.jsonl --xvfb 1280x800
"""


def _load_task(spec: str, max_steps: int | None) -> Task:
    from tasks.load import load_tasks

    path = Path(spec)
    if path.suffix in (".yaml", ".yml", ".json") or path.is_dir():
        tasks = load_tasks(path)
        if len(tasks) != 1:
            raise UserError(f"{path}: holds {len(tasks)} tasks; run one task file, or use `gui-agent batch`")
        task = tasks[0]
    else:
        slug = re.sub(r"[^a-z0-9]+", "-", spec.lower()).strip("-")[:40] or "task"
        task = Task(id=f"{slug}-{time.strftime('%Y%m%d-%H%M%S')}", instruction=spec, domain="adhoc")
    if max_steps is not None:
        task.limits = task.limits.model_copy(update={"max_steps": max_steps})
    return task


def _make_policy(policy: str | None, model: str | None, platform: str, opts: dict):
    if policy and model:
        raise UserError("give either --policy script:FILE or --model, not both")
    if policy:
        kind, _, arg = policy.partition(":")
        if kind != "script" or not arg:
            raise UserError(f"--policy {policy!r}: expected script:FILE")
        from agent.scripted import ScriptedPolicy

        return ScriptedPolicy.from_file(arg)
    if not model:
        raise UserError("say who decides: --model ID_OR_PATH, or --policy script:FILE")
    from agent.models import build_policy
    from agent.policy import PolicyError

    try:
        return build_policy(model, platform=platform, **{k: v for k, v in opts.items() if v is not None})
    except (ValueError, PolicyError) as exc:
        raise UserError(f"model: {exc}") from None


def parse_model_options(pairs: tuple[str, ...]) -> dict:
    """KEY=VALUE pairs; a VALUE that reads as JSON (numbers, true, null) is taken as such."""
    import json

    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--model-option {pair!r}: expected KEY=VALUE, e.g. dtype=bfloat16")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


@click.command("run", epilog=EXAMPLES)
@click.argument("task")
@driver_options
@click.option("--policy", default=None, metavar="script:FILE", help="Replay canonical actions instead of asking a model.")
@click.option("--model", default=None, help="Hub id or local path of the model (or the served model's name).")
@click.option("--backend", type=click.Choice(["transformers", "openai"]), default=None, help="How the model runs (default: transformers).")
@click.option("--family", default=None, help=f"Model family (default: detected): {', '.join(FAMILY_NAMES)}.")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")
@click.option("--api-key", default=None, help="Key for --base-url (default: $OPENAI_API_KEY).")
@click.option("--min-pixels", type=int, default=None, help="Smallest image area the model sees.")
@click.option("--max-pixels", type=int, default=None, help="Largest image area the model sees.")
@click.option("--history-images", type=int, default=None, help="How many recent screenshots the model sees.")
@click.option("--max-new-tokens", type=int, default=None, help="Longest reply the model may write, in tokens (default 1024; a constrained reply sizes its free text to it).")
@click.option("--model-option", "model_options", multiple=True, metavar="KEY=VALUE",
              help="Backend option, repeatable: dtype, device_map, attn_implementation, quantization, "
                   "timeout_s, patience_s, image_format, check_resize, ... (see docs/models.md).")
@click.option("--max-steps", type=int, default=None, help="Most steps before giving up (default: the task's, else 30).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("runs"), show_default=True,
              help="Results folder: OUT/<domain>/<task_id>/.")
def command(task, driver_kind, display, serial, xvfb, policy, model, backend, family, base_url, api_key,
            min_pixels, max_pixels, history_images, max_new_tokens, model_options, max_steps, out):
    """Run one TASK: a natural-language instruction, or a task file (YAML or OSWorld JSON).

    Exit status: 0 solved, 1 not solved, 2 a mistake in the input.
    """
    from agent.runner import run_task

    with user_errors():
        the_task = _load_task(task, max_steps)
        kind = driver_kind or the_task.platform
        opts = dict(backend=backend, family=family, base_url=base_url, api_key=api_key, min_pixels=min_pixels,
                    max_pixels=max_pixels, history_images=history_images, max_new_tokens=max_new_tokens,
                    **parse_model_options(model_options))
        the_policy = _make_policy(policy, model, kind, opts)
        with open_driver(kind, display, serial, xvfb) as driver:
            result = run_task(the_task, driver, the_policy, out, on_step=echo_step,
                              meta={"policy": policy or model})
    sys.exit(report_result(result, out))
