"""The parts every family's conversation shares: message parts, inert model text, the image
window, what an older step says as text, and the feedback on the last step's error.

Messages are plain dicts: {"role", "content": [{"type": "text", "text"} | {"type": "image", "image"}]},
with PIL images already at the model size. Backends turn them into their own form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from PIL.Image import Image

    from agent.steps import StepResult

_SPECIAL = re.compile(r"<\|(\w+)\|>")
_GROUNDING = frozenset({"box_start", "box_end", "quad_start", "quad_end", "object_ref_start", "object_ref_end"})
_BREAK = "\u200b"  # zero-width space: invisible to a reader, splits the token for a tokenizer
ASSISTANT = "You are a helpful assistant."
"""The system message of families whose instructions travel in the first user turn."""


def inert(text: str) -> str:
    """`text` with every `<|...|>` special token broken, so a tokenizer reads it as plain text.

    Model replies go back into the prompt (history, summaries, error reasons), and a reply
    holding `<|image_pad|>`, `<|video_pad|>` or `<|im_end|>` would otherwise be read as an
    image placeholder or an end of turn: the processor then fails or the turn structure breaks.
    The grounding markers (`<|box_start|>` ...) stay as written: they steer nothing, and the
    reference agents send replies back with them, as the model wrote them.
    """
    if "<|" not in text:
        return text
    return _SPECIAL.sub(lambda m: m.group(0) if m.group(1) in _GROUNDING else f"<{_BREAK}|{m.group(1)}|>", text)


def text_part(text: str) -> dict:
    """A text part; every text that reaches a prompt goes through here, so it is made inert."""
    return {"type": "text", "text": inert(text)}


def image_part(image: "Image") -> dict:
    return {"type": "image", "image": image}


class PromptBuilder:
    """How a family's chat is built at one step: the system text, the opening (instructions and
    the steps older than the image window, as text), the windowed (screenshot, reply) turns, the
    current screenshot and the feedback on the last step's error.

    Subclasses fill in `system_text` and `opening`; the window, the turns and the feedback are
    the same for every family today.
    """

    def system_text(self, platform: str, model_size: tuple[int, int]) -> str:
        """The system message for `platform` ("desktop" or "android") and an image of `model_size`
        (width, height) pixels, the size the model sees."""
        return ASSISTANT

    def opening(self, platform: str, instruction: str, older: Sequence["StepResult"],
                language: str) -> tuple[list[dict], list[dict]]:
        """(messages after the system one, parts put before the first screenshot) saying the task
        and the `older` steps, those shown without their screenshot."""
        raise NotImplementedError

    def window(self, steps: int, history_images: int) -> range:
        """Indices of the past steps (of `steps`) that may be shown with their screenshot, when a
        prompt holds `history_images` screenshots, the current one included. Steps before the
        window go as text; a policy may forget their screenshots."""
        return range(max(steps - (history_images - 1), 0), steps)

    def summary(self, step: "StepResult") -> str:
        """One line saying what a past step did (its canonical actions, or why it had none)."""
        if step.actions:
            return " ".join(a.to_json() for a in step.actions)
        return f"(no action: {step.error or 'the reply could not be used'})"

    def feedback(self, step: "StepResult") -> str | None:
        """What to tell the model about the last step's error, or None."""
        if not step.error:
            return None
        if not step.actions:
            return (f"Your previous reply could not be used ({step.error}). "
                    "Reply again, following the output format exactly.")
        return f"The previous action did not work: {step.error}. Take that into account."

    def messages(self, platform: str, instruction: str, history: Sequence["StepResult"],
                 past_images: Sequence["Image | None"], current: "Image", *, history_images: int,
                 language: str = "English") -> list[dict]:
        """The chat for this step. `past_images[i]` is the model-ready screenshot `history[i]` was
        decided on (None if unknown or forgotten); at most `history_images` screenshots are sent,
        `current` (the model-ready screenshot of this step) included."""
        window = [i for i in self.window(len(history), history_images)
                  if i < len(past_images) and past_images[i] is not None]
        older = history[:window[0] if window else len(history)]
        messages = [{"role": "system", "content": [text_part(self.system_text(platform, current.size))]}]
        more, opening = self.opening(platform, instruction, older, language)
        messages += more
        for i in window:
            messages.append({"role": "user", "content": opening + [image_part(past_images[i])]})
            opening = []
            messages.append({"role": "assistant", "content": [text_part(self.said(history[i]))]})
        last = opening + [image_part(current)]
        if history and (note := self.feedback(history[-1])):
            last.append(text_part(note))
        messages.append({"role": "user", "content": last})
        return messages

    def said(self, step: "StepResult") -> str:
        """A past step as the model's own turn: its reply, or a summary when there is none."""
        return step.raw_text or self.summary(step)
