"""The conversation a model sees at one step: its family's prompt, the history, the screenshots.

History is kept the way the reference agents keep it: steps older than the image window as
text (Qwen: a "Task progress" line of earlier actions; UI-TARS: the earlier replies), the last
`history_images - 1` steps as (screenshot, reply) turns, then the current screenshot. The last
step's error (a format error or the world refusing an action) is told to the model.

Messages are plain dicts: {"role", "content": [{"type": "text", "text"} | {"type": "image", "image"}]},
with PIL images already at the model size. Backends turn them into their own form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ..families import Family
from . import qwen_tools, uitars

if TYPE_CHECKING:
    from PIL.Image import Image

    from agent.policy import Step

_TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|\Z)", re.S)
_ACTION_LINE = re.compile(r"Action\s*[:：]\s*(.+)")
_SPECIAL = re.compile(r"<\|(\w+)\|>")
_GROUNDING = frozenset({"box_start", "box_end", "quad_start", "quad_end", "object_ref_start", "object_ref_end"})
_BREAK = "\u200b"  # zero-width space: invisible to a reader, splits the token for a tokenizer


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


def _text(text: str) -> dict:
    return {"type": "text", "text": inert(text)}


def _image(image: "Image") -> dict:
    return {"type": "image", "image": image}


def summary(family: Family, step: "Step") -> str:
    """One line saying what a past step did, in the family's own words where the reply has them."""
    raw = step.raw_text or ""
    if family.name == "qwen3-vl" and (line := _ACTION_LINE.search(raw)) and "<tool_call>" not in line.group(1):
        return line.group(1).strip().strip('"').replace('"', "")
    calls = [c.replace("\n", "") for c in _TOOL_CALL.findall(raw) if c.strip()]
    if family.style == "tool_call" and calls:
        return " ".join(calls)
    if step.actions:
        return " ".join(a.to_json() for a in step.actions)
    return f"(no action: {step.error or 'the reply could not be used'})"


def feedback(step: "Step") -> str | None:
    """What to tell the model about the last step's error, or None."""
    if not step.error:
        return None
    if not step.actions:
        return (f"Your previous reply could not be used ({step.error}). "
                "Reply again, following the output format exactly.")
    return f"The previous action did not work: {step.error}. Take that into account."


def system_text(family: Family, platform: str, model_size: tuple[int, int]) -> str:
    """The system message of a family (the tool list for Qwen2.5-VL / Qwen3-VL)."""
    mobile = platform == "android"
    match family.name:
        case "qwen2.5-vl":
            return qwen_tools.system_prompt(False, mobile, *model_size)
        case "qwen3-vl":
            # The cookbooks describe the relative grid as the screen: 999x999 (mobile), 1000x1000 (desktop).
            grid = 999 if mobile else 1000
            return qwen_tools.system_prompt(True, mobile, grid, grid)
    return "You are a helpful assistant."


def build_messages(family: Family, platform: str, instruction: str, history: Sequence["Step"],
                   past_images: Sequence["Image | None"], current: "Image", *, history_images: int = 2,
                   language: str = "English") -> list[dict]:
    """The chat for this step. `past_images[i]` is the model-ready screenshot history[i] was decided on
    (None if unknown); at most `history_images` screenshots are sent, the current one included."""
    window_start = max(len(history) - (history_images - 1), 0)
    window = [i for i in range(window_start, len(history)) if i < len(past_images) and past_images[i] is not None]
    first_windowed = window[0] if window else len(history)
    older = history[:first_windowed]
    messages: list[dict] = [{"role": "system", "content": [_text(system_text(family, platform, current.size))]}]
    turns: list[tuple["Image", "Step"]] = [(past_images[i], history[i]) for i in window]

    if family.style == "tool_call":
        progress = "".join(f"Step {n}: {summary(family, s)}; " for n, s in enumerate(older, 1))
        done = "Task progress (You have done the following operation on the current device): "
        query = (f"The user query: {instruction}.\n{done}{progress}.\n" if family.name == "qwen3-vl"
                 else f"The user query: {instruction}\n{done}{progress}")
        opening = [_text(query)]
    else:
        # UI-TARS (as OSWorld's agent): the prompt alone, then every earlier reply as an assistant turn.
        messages.append({"role": "user", "content": [_text(uitars.prompt(family.name, platform, instruction,
                                                                          language))]})
        opening = []
        for step in older:
            messages.append({"role": "assistant", "content": [_text(step.raw_text or summary(family, step))]})

    for image, step in turns:
        messages.append({"role": "user", "content": opening + [_image(image)]})
        opening = []
        messages.append({"role": "assistant", "content": [_text(step.raw_text or summary(family, step))]})
    last = opening + [_image(current)]
    if history and (note := feedback(history[-1])):
        last.append(_text(note))
    messages.append({"role": "user", "content": last})
    return messages
