"""The conversation of the UI-TARS agents (as OSWorld's runs them): the agent prompt with the
instruction as the first user turn, then every earlier reply as an assistant turn, those in the
image window after their screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .chat import PromptBuilder, text_part

if TYPE_CHECKING:
    from agent.steps import StepResult


def fill(template: str, instruction: str, language: str = "English") -> str:
    """`template` with its `{instruction}` and `{language}` filled in.

    str.replace, not format: the templates hold no other braces, but instructions may."""
    return template.replace("{language}", language).replace("{instruction}", instruction)


@dataclass(frozen=True)
class ThoughtActionPrompt(PromptBuilder):
    """A `Thought: ... Action: ...` agent prompt, one template per platform."""

    desktop: str
    """The template for a desktop, with `{instruction}` and `{language}` in it."""
    android: str
    """The template for a phone."""

    def template(self, platform: str) -> str:
        return self.android if platform == "android" else self.desktop

    def opening(self, platform: str, instruction: str, older: Sequence["StepResult"],
                language: str) -> tuple[list[dict], list[dict]]:
        prompt = {"role": "user", "content": [text_part(fill(self.template(platform), instruction, language))]}
        replies = [{"role": "assistant", "content": [text_part(self.said(step))]} for step in older]
        return [prompt, *replies], []
