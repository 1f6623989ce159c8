"""Qwen3-VL: the Qwen2.5-VL tools plus `triple_click`, `hscroll`, `answer`, on a relative
0..999 grid; its cookbooks answer `Thought:`, `Action:`, then the `<tool_call>`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..parsers.styles import TOOL_CALLS
from ..prompts import qwen_tools
from ..prompts.tool_call_chat import PROGRESS, ToolCallPrompt
from .base import F32, Architecture, Family

if TYPE_CHECKING:
    from agent.steps import StepResult

_ACTION_LINE = re.compile(r"Action\s*[:：]\s*(.+)")


class Qwen3Prompt(ToolCallPrompt):
    """The Qwen3-VL cookbook's variant of the tool-call conversation."""

    def system_text(self, platform: str, model_size: tuple[int, int]) -> str:
        # The cookbooks describe the relative grid as the screen: 999x999 (mobile), 1000x1000 (desktop).
        grid = 999 if platform == "android" else 1000
        return qwen_tools.system_prompt(True, platform == "android", grid, grid)

    def query(self, instruction: str, progress: str) -> str:
        return f"The user query: {instruction}.\n{PROGRESS}{progress}.\n"

    def summary(self, step: "StepResult") -> str:
        """The reply's short `Action:` line when it has one (as the cookbook keeps history)."""
        line = _ACTION_LINE.search(step.raw_text or "")
        if line and "<tool_call>" not in line.group(1):
            return line.group(1).strip().strip('"').replace('"', "")
        return super().summary(step)


class Qwen3VL(Family):
    name = "qwen3-vl"
    checkpoints = ("Qwen/Qwen3-VL-8B-Instruct", "Qwen/Qwen3-VL-4B-Instruct", "Qwen/Qwen3-VL-30B-A3B-Instruct")
    # Patch 16, merge 2; processor defaults 64*32*32 .. 16384*32*32.
    factor, min_pixels, max_pixels, suggested_max_pixels = 32, 64 * F32, 16384 * F32, 1280 * F32
    coords = "rel999"
    prompt = Qwen3Prompt()
    parser = TOOL_CALLS
    example_reply = ('Thought: the button.\nAction: "Click the button."\n<tool_call>\n{"name": "computer_use", '
                     '"arguments": {"action": "left_click", "coordinate": [100, 200]}}\n</tool_call>')
    architectures = (Architecture("qwen3_vl", "Qwen3VLForConditionalGeneration", "Qwen3VLProcessor"),
                     Architecture("qwen3_vl_moe", "Qwen3VLMoeForConditionalGeneration", "Qwen3VLProcessor"))
    name_hints = ("qwen3vl", "qwen3.5vl")


FAMILY = Qwen3VL()
