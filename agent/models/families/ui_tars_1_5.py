"""UI-TARS-1.5 (a Qwen2.5-VL fine-tune): `Action: click(point='<point>x y</point>')` in
absolute pixels of the smart-resized image, with its own codes/ui_tars/prompt.py prompts."""

from __future__ import annotations

from ..parsers.styles import THOUGHT_ACTION
from ..prompts.thought_action_chat import ThoughtActionPrompt
from ..prompts.uitars import UITARS15_DESKTOP, UITARS15_MOBILE
from .base import BY_BRAND, F28, Family, compact_name
from .qwen2_5_vl import QWEN2_5_VL


class UITars15(Family):
    name = "ui-tars-1.5"
    aliases = ("uitars-1.5", "ui-tars-1-5")
    checkpoints = ("ByteDance-Seed/UI-TARS-1.5-7B",)
    # Trained up to 16384*28*28: no smaller max is suggested.
    factor, min_pixels, max_pixels, suggested_max_pixels = 28, 100 * F28, 16384 * F28, 16384 * F28
    coords = "absolute"
    prompt = ThoughtActionPrompt(desktop=UITARS15_DESKTOP, android=UITARS15_MOBILE)
    parser = THOUGHT_ACTION
    example_reply = "Thought: the button.\nAction: click(point='<point>100 200</point>')"
    architectures = (QWEN2_5_VL,)
    claims_architectures = False

    def detect(self, model: str, model_type: str | None) -> int:
        """A UI-TARS name that says 1.5 ("1.5", "15" right after UI-TARS) or sits on Qwen2.5-VL."""
        compact = compact_name(model)
        if "uitars" not in compact:
            return 0
        says_15 = "1.5" in model.lower() or "15" in compact.split("uitars")[-1][:3]
        return BY_BRAND if model_type in self.model_types or says_15 else 0


FAMILY = UITars15()
