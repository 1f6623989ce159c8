"""Running the real `gui-agent run` against a real vLLM server (tests/doubles/vllm_server.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers.batch import write_yaml
from tests.helpers.cli import gui_agent

VLLM_MAX_PIXELS = 600 * 28 * 28
"""The max_pixels our Qwen2.5-VL server is deployed with (--mm-processor-kwargs) and the client
sends with (--max-pixels) when they agree: a 1280x800 screen becomes 952x588, 714 image tokens."""
SCREEN = "1280x800"
FAMILY_OF = {"qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl", "qwen3_vl": "qwen3-vl"}
ENDED_BY_THE_MODEL = {"done", "infeasible", "call_user"}
"""Endings a well-formed reply can choose (once replies are constrained, a random model may)."""


def episode_task(folder: Path, steps: int, instruction: str = "Open the settings and turn on dark mode.",
                 seconds: float = 600) -> Path:
    """A task with no app that never succeeds: the episode runs `steps` steps unless the model ends
    it, whatever the (random) model replies: unusable replies and repeats do not end it early."""
    return write_yaml(folder / "task.yaml", {
        "id": "served", "domain": "vllm", "instruction": instruction, "checker": {"file": "$WORKDIR/never.txt"},
        "limits": {"max_steps": steps, "max_seconds": seconds, "max_format_errors": 100, "stuck_repeats": 100}})


def run_served(server, folder: Path, *args: str, steps: int = 3, arch: str = "qwen2_5_vl", task: Path | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
    """`gui-agent run` of an episode_task (or `task`) on a private Xvfb, asking `server`'s model."""
    task = task or episode_task(folder, steps)
    return gui_agent("run", str(task), "--backend", "openai", "--base-url", server.base_url, "--model", server.model,
                     "--family", FAMILY_OF[arch], "--xvfb", SCREEN, "--max-new-tokens", "48",
                     "--out", str(folder / "out"), *args, timeout=timeout)


def trajectory(folder: Path) -> list[dict]:
    """The steps of the run in `folder` (traj.jsonl)."""
    return [json.loads(line) for line in (folder / "out/vllm/served/traj.jsonl").read_text().splitlines()]


def result(folder: Path) -> dict:
    return json.loads((folder / "out/vllm/served/result.json").read_text())
