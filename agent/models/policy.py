"""ModelPolicy: a Qwen-VL model behind the Policy seam (agent.policy)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field

from agent.policy import Decision, FormatError, Step

from .families import Family, get_family
from .parsers import parse
from .prompts import build_messages
from .resize import fit

if TYPE_CHECKING:
    from PIL.Image import Image

    from .backends import Backend


class PolicyConfig(BaseModel):
    """How the model is prompted and how its replies are read."""

    model_config = ConfigDict(extra="forbid")

    family: str
    """Model family: qwen2-vl, qwen2.5-vl, qwen3-vl, ui-tars, ui-tars-1.5."""
    platform: Literal["desktop", "android"] = "desktop"
    """Which prompt and action space: a desktop computer or a phone."""
    min_pixels: int | None = Field(None, gt=0)
    """Smallest image area the model sees, in pixels (default: the family's)."""
    max_pixels: int | None = Field(None, gt=0)
    """Largest image area the model sees, in pixels (default: the family's)."""
    history_images: int = Field(2, ge=1, le=50)
    """Screenshots in each prompt, the current one included; older steps go as text."""
    max_new_tokens: int = Field(512, ge=1)
    """Longest reply, in tokens."""
    language: str = "English"
    """Language the UI-TARS / Qwen2-VL prompts ask the model to think in."""


class ModelPolicy:
    """decide() resizes the screenshot once, builds the family's prompt with the history, asks the
    backend, and parses the reply into canonical actions in screenshot pixels.

    It keeps the model-ready screenshots of the current episode (a history of length 0 starts a
    new one), so earlier steps can be shown again without resizing twice.
    """

    def __init__(self, backend: "Backend", config: PolicyConfig):
        self.backend = backend
        self.config = config
        self.family: Family = get_family(config.family)
        self._images: list["Image | None"] = []

    def prepare(self, screenshot: "Image"):
        """The image the model will see and its Frame (exposed for benchmarks and tests)."""
        return fit(screenshot, self.family, self.config.min_pixels, self.config.max_pixels)

    def decide(self, instruction: str, screenshot: "Image", history: Sequence[Step], *,
               deadline: float | None = None) -> Decision:
        """Actions for this step (screenshot pixels); FormatError (with the raw reply) if unparseable,
        OutOfTime when the model has not answered by `deadline` (time.monotonic())."""
        started = time.perf_counter()
        if not history:
            self._images = []
        image, frame = self.prepare(screenshot)
        prep_ms = (time.perf_counter() - started) * 1000
        # Keep only what the window can still show.
        keep = self.config.history_images
        past = [None] * max(len(history) - keep, 0) + self._images[max(len(history) - keep, 0):len(history)]
        past += [None] * (len(history) - len(past))
        messages = build_messages(self.family, self.config.platform, instruction, history, past, image,
                                  history_images=keep, language=self.config.language)
        self._images = past + [image]
        generation = self.backend.generate(messages, self.config.max_new_tokens, deadline=deadline)
        info = {"family": self.family.name, "model_size": list(frame.model), "screen_size": list(frame.screen),
                "prompt_tokens": generation.prompt_tokens, "completion_tokens": generation.completion_tokens,
                "latency_ms": generation.latency_ms, "preprocess_ms": round(prep_ms, 1),
                "images": sum(1 for m in messages for p in m["content"] if p["type"] == "image")}
        try:
            # No pointer from the history: a drag without a start point is left for the driver,
            # which knows where the pointer really is.
            actions = parse(generation.text, self.family, frame, platform=self.config.platform)
        except FormatError as exc:
            raise FormatError(exc.reason, raw_text=generation.text, info=info) from None
        return Decision(actions=actions, raw_text=generation.text, info=info)
