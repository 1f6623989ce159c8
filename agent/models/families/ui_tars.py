"""UI-TARS 1.0 (a Qwen2-VL fine-tune): `Action: click(start_box='(x,y)')`, relative 0..1000,
prompted as OSWorld's UI-TARS agent does."""

from __future__ import annotations

from ..parsers.styles import THOUGHT_ACTION
from ..prompts.thought_action_chat import ThoughtActionPrompt
from ..prompts.uitars import UITARS_DESKTOP, UITARS_MOBILE
from .base import BY_BRAND, F28, Family, compact_name
from .qwen2_vl import QWEN2_VL


class UITars(Family):
    name = "ui-tars"
    aliases = ("uitars",)
    checkpoints = ("bytedance-research/UI-TARS-7B-DPO", "bytedance-research/UI-TARS-7B-SFT",
                   "bytedance-research/UI-TARS-72B-DPO")
    # OSWorld's agent sends at most 1350*28*28.
    factor, min_pixels, max_pixels, suggested_max_pixels = 28, 100 * F28, 16384 * F28, 1350 * F28
    coords = "rel1000"
    prompt = ThoughtActionPrompt(desktop=UITARS_DESKTOP, android=UITARS_MOBILE)
    parser = THOUGHT_ACTION
    example_reply = "Thought: the button.\nAction: click(start_box='(100,200)')"
    architectures = (QWEN2_VL,)
    claims_architectures = False

    def detect(self, model: str, model_type: str | None) -> int:
        """Any name with UI-TARS in it; UI-TARS-1.5 (registered later) wins the tie when it is 1.5."""
        return BY_BRAND if "uitars" in compact_name(model) else 0


FAMILY = UITars()
