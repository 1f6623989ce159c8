"""The conversation a model sees at one step: its family's prompt, the history, the screenshots.

Each family carries its prompt builder (`Family.prompt`, agent/models/families/); these
functions are the stable entry points and hand over to it. The building blocks families
compose live here: chat.py (parts, inert text, window, feedback), tool_call_chat.py (the Qwen
cookbooks' conversation), thought_action_chat.py (UI-TARS's), and the texts themselves
(qwen_tools.py, uitars.py).

History is kept the way the reference agents keep it: steps older than the image window as
text (Qwen: a "Task progress" line of earlier actions; UI-TARS: the earlier replies), the last
`history_images - 1` steps as (screenshot, reply) turns, then the current screenshot. The last
step's error (a format error or the world refusing an action) is told to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .chat import PromptBuilder, inert

if TYPE_CHECKING:
    from PIL.Image import Image

    from agent.steps import StepResult

    from ..families import Family


def summary(family: "Family", step: "StepResult") -> str:
    """One line saying what a past step did, in the family's own words where the reply has them."""
    return family.prompt.summary(step)


def feedback(step: "StepResult") -> str | None:
    """What to tell the model about the last step's error, or None (the same for every family)."""
    return PromptBuilder().feedback(step)


def system_text(family: "Family", platform: str, model_size: tuple[int, int]) -> str:
    """The system message of a family (the tool list for Qwen2.5-VL / Qwen3-VL) for an image of
    `model_size` (width, height) pixels."""
    return family.prompt.system_text(platform, model_size)


def build_messages(family: "Family", platform: str, instruction: str, history: Sequence["StepResult"],
                   past_images: Sequence["Image | None"], current: "Image", *, history_images: int | None = None,
                   language: str = "English") -> list[dict]:
    """The chat for this step. `past_images[i]` is the model-ready screenshot history[i] was decided on
    (None if unknown); at most `history_images` screenshots are sent (default: the family's), the
    current one included."""
    return family.prompt.messages(platform, instruction, history, past_images, current,
                                  history_images=family.history_images if history_images is None else history_images,
                                  language=language)


__all__ = ["PromptBuilder", "build_messages", "feedback", "inert", "summary", "system_text"]
