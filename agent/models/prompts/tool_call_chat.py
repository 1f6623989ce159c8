"""The conversation of the Qwen2.5-VL / Qwen3-VL agent cookbooks: the tool list as the system
message, and in the first user turn the query with a "Task progress" line of the steps older
than the image window.

The defaults are the Qwen2.5-VL cookbook's; a family that differs (Qwen3-VL) overrides the
hooks in its own module.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from . import qwen_tools
from .chat import PromptBuilder, text_part

if TYPE_CHECKING:
    from agent.steps import StepResult

_TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|\Z)", re.S)
PROGRESS = "Task progress (You have done the following operation on the current device): "


class ToolCallPrompt(PromptBuilder):
    """System: the `computer_use` / `mobile_use` tool; user: the query and the progress so far."""

    def system_text(self, platform: str, model_size: tuple[int, int]) -> str:
        # Coordinates are pixels of the image the model sees, so the tool says that size.
        return qwen_tools.system_prompt(False, platform == "android", *model_size)

    def query(self, instruction: str, progress: str) -> str:
        """The first user text: the instruction and `progress` ("Step 1: ...; Step 2: ...; ")."""
        return f"The user query: {instruction}\n{PROGRESS}{progress}"

    def summary(self, step: "StepResult") -> str:
        """The step's tool calls as the model wrote them (one line), else its canonical actions."""
        calls = [c.replace("\n", "") for c in _TOOL_CALL.findall(step.raw_text or "") if c.strip()]
        return " ".join(calls) if calls else super().summary(step)

    def opening(self, platform: str, instruction: str, older: Sequence["StepResult"],
                language: str) -> tuple[list[dict], list[dict]]:
        progress = "".join(f"Step {n}: {self.summary(s)}; " for n, s in enumerate(older, 1))
        return [], [text_part(self.query(instruction, progress))]
