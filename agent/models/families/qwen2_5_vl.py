"""Qwen2.5-VL: the cookbooks' `computer_use` / `mobile_use` tools, answered with `<tool_call>`
JSON in absolute pixels of the smart-resized image it saw."""

from __future__ import annotations

from ..parsers.styles import TOOL_CALLS
from ..prompts.tool_call_chat import ToolCallPrompt
from .base import F28, Architecture, Family

QWEN2_5_VL = Architecture("qwen2_5_vl", "Qwen2_5_VLForConditionalGeneration", "Qwen2_5_VLProcessor")


class Qwen25VL(Family):
    name = "qwen2.5-vl"
    aliases = ("qwen25-vl", "qwen2-5-vl")
    checkpoints = ("Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen2.5-VL-3B-Instruct", "Qwen/Qwen2.5-VL-72B-Instruct")
    # Processor defaults (min 4*28*28, max 16384*28*28); the card suggests max 1280*28*28.
    factor, min_pixels, max_pixels, suggested_max_pixels = 28, 4 * F28, 16384 * F28, 1280 * F28
    coords = "absolute"
    prompt = ToolCallPrompt()
    parser = TOOL_CALLS
    example_reply = ('<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", '
                     '"coordinate": [100, 200]}}\n</tool_call>')
    architectures = (QWEN2_5_VL,)
    name_hints = ("qwen2.5vl", "qwen25vl")


FAMILY = Qwen25VL()
