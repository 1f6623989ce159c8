"""Qwen2-VL: no official agent prompt, so our Thought/Action vocabulary with its native
grounding, `<|box_start|>(x1,y1),(x2,y2)<|box_end|>` boxes relative 0..1000 of the image."""

from __future__ import annotations

from ..parsers.styles import THOUGHT_ACTION
from ..prompts.thought_action_chat import ThoughtActionPrompt
from ..prompts.uitars import QWEN2
from .base import F28, Architecture, Family

QWEN2_VL = Architecture("qwen2_vl", "Qwen2VLForConditionalGeneration", "Qwen2VLProcessor")


class Qwen2VL(Family):
    name = "qwen2-vl"
    checkpoints = ("Qwen/Qwen2-VL-7B-Instruct", "Qwen/Qwen2-VL-2B-Instruct", "Qwen/Qwen2-VL-72B-Instruct")
    # Processor defaults (min 4*28*28, max 16384*28*28); the card suggests max 1280*28*28.
    factor, min_pixels, max_pixels, suggested_max_pixels = 28, 4 * F28, 16384 * F28, 1280 * F28
    coords = "rel1000"
    prompt = ThoughtActionPrompt(desktop=QWEN2.replace("{device}", "computer desktop"),
                                 android=QWEN2.replace("{device}", "phone"))
    parser = THOUGHT_ACTION
    example_reply = "Thought: the button.\nAction: click(<|box_start|>(90,190),(110,210)<|box_end|>)"
    architectures = (QWEN2_VL,)
    name_hints = ("qwen2vl",)


FAMILY = Qwen2VL()
