"""ModelPolicy: a Qwen-VL model behind the Policy seam (agent.policy).

(Named model_policy so it is not taken for agent/policy.py, which defines the seam itself.)
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field

from agent.policy import Decision, FormatError
from agent.steps import StepResult

from .families import Family, get_family
from .grammars import Limits
from .parsers import parse
from .resize import fit

if TYPE_CHECKING:
    from PIL.Image import Image

    from .backends import Backend


class PolicyConfig(BaseModel):
    """How the model is prompted and how its replies are read."""

    model_config = ConfigDict(extra="forbid")

    family: str
    """Model family: a name or alias get_family knows (agent.models.families.FAMILY_NAMES)."""
    platform: Literal["desktop", "android"] = "desktop"
    """Which prompt and action space: a desktop computer or a phone."""
    min_pixels: int | None = Field(None, gt=0)
    """Smallest image area the model sees, in pixels (default: the family's)."""
    max_pixels: int | None = Field(None, gt=0)
    """Largest image area the model sees, in pixels (default: the family's)."""
    resampler: Literal["auto", "pil", "vips"] = "auto"
    """Whose bicubic makes the model's image: "pil" (Pillow, what the Qwen processors run),
    "vips" (libvips, for downscales; within a few levels of Pillow's, ~2x faster), "auto"
    (vips where it applies and pyvips is installed). agent/models/resample.py has the figures."""
    history_images: int | None = Field(None, ge=1, le=50)
    """Screenshots in each prompt, the current one included; older steps go as text
    (default: the family's, 2 for every family today)."""
    max_new_tokens: int = Field(1024, ge=1)
    """Longest reply, in tokens."""
    language: str = "English"
    """Language the UI-TARS / Qwen2-VL prompts ask the model to think in."""


class ModelPolicy:
    """decide() resizes the screenshot once, has the family build its prompt with the history,
    asks the backend, and parses the reply into canonical actions in screenshot pixels.

    It keeps the model-ready screenshots of the current episode, one per step, so earlier steps
    can be shown again without resizing twice; which of them a prompt shows is the family's
    prompt builder's choice (Family.prompt.window), and the policy forgets those no later
    prompt can show. Call reset() before each episode.
    """

    def __init__(self, backend: "Backend", config: PolicyConfig):
        self.backend = backend
        self.config = config
        self.family: Family = get_family(config.family)
        self.history_images: int = config.history_images or self.family.history_images
        """Screenshots in each prompt, the current one included."""
        if hasattr(backend, "family"):  # a served model: its resize check needs the family's grid
            backend.family = self.family
        self._images: list["Image | None"] = []
        self._ahead: tuple["Image", Future] | None = None
        """A screenshot being prepared in the background (prefetch), with its result to come."""
        self._pool: ThreadPoolExecutor | None = None

    def grammar(self, frame):
        """The grammar of this step's reply (agent/models/grammars): the family's on this platform,
        coordinates within `frame`'s model image, free text sized to fit max_new_tokens."""
        return self.family.grammar(self.config.platform, frame, Limits.fitting(self.config.max_new_tokens))

    def reset(self) -> None:
        """Start a new episode: forget the screenshots of the last one. Call it before each
        episode (the loop / environment does). Until every caller does, a decide() with an empty
        history also starts a new episode."""
        self._images, self._ahead = [], None

    def prepare(self, screenshot: "Image"):
        """The image the model will see and its Frame (exposed for benchmarks and tests)."""
        return fit(screenshot, self.family, self.config.min_pixels, self.config.max_pixels, self.config.resampler)

    def prefetch(self, screenshot: "Image") -> None:
        """Start preparing `screenshot` for the model in the background: the one resize, and the
        backend's own work on the image (`warm`: the openai backend encodes it). A decide() on
        this very image then finds it done. The environment calls this while it confirms that
        the screen has settled (agent/env.py), so the work leaves the step's critical path."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="model-image")
        self._ahead = (screenshot, self._pool.submit(self._prepare_and_warm, screenshot))

    def _prepare_and_warm(self, screenshot: "Image"):
        started = time.perf_counter()
        image, frame = self.prepare(screenshot)
        warm = getattr(self.backend, "warm", None)
        if warm is not None:
            warm(image)
        return image, frame, round((time.perf_counter() - started) * 1000, 1)

    def _model_image(self, screenshot: "Image"):
        """(image, frame, ms spent ahead or None) of `screenshot`: prefetched if it is this very
        screenshot, else prepared now."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] is screenshot:
            return ahead[1].result()
        return (*self.prepare(screenshot), None)

    def decide(self, instruction: str, screenshot: "Image", history: Sequence[StepResult], *,
               deadline: float | None = None) -> Decision:
        """Actions for this step (screenshot pixels); FormatError (with the raw reply) if unparseable,
        OutOfTime when the model has not answered by `deadline` (time.monotonic())."""
        started = time.perf_counter()
        if not history:
            self.reset()  # the fallback for callers that do not call reset() yet
        image, frame, ahead_ms = self._model_image(screenshot)
        prep_ms = (time.perf_counter() - started) * 1000
        # past[i] is the image step i was decided on; None where it is unknown or forgotten.
        past = self._images[:len(history)] + [None] * (len(history) - len(self._images))
        messages = self.family.prompt.messages(self.config.platform, instruction, history, past, image,
                                               history_images=self.history_images, language=self.config.language)
        # Kept before asking the model, so a format error's step still has its image next time;
        # kept: what this prompt shows (asked again, it shows them again) and what the next can.
        window = self.family.prompt.window
        keep = {*window(len(history), self.history_images), *window(len(history) + 1, self.history_images)}
        self._images = [im if i in keep else None for i, im in enumerate(past)] + [image]
        generation = self.backend.generate(messages, self.config.max_new_tokens, deadline=deadline,
                                           grammar=self.grammar(frame))
        info = {"family": self.family.name, "model_size": list(frame.model), "screen_size": list(frame.screen),
                "prompt_tokens": generation.prompt_tokens, "completion_tokens": generation.completion_tokens,
                "latency_ms": generation.latency_ms, "preprocess_ms": round(prep_ms, 1),
                "prefetched": ahead_ms is not None, "prefetch_ms": ahead_ms,
                "images": sum(1 for m in messages for p in m["content"] if p["type"] == "image"),
                "constrained": generation.constrained,
                **generation.info}
        try:
            # No pointer from the history: a drag without a start point is left for the driver,
            # which knows where the pointer really is.
            actions = parse(generation.text, self.family, frame, platform=self.config.platform)
        except FormatError as exc:
            raise FormatError(exc.reason, raw_text=generation.text, info=info) from None
        return Decision(actions=actions, raw_text=generation.text, info=info)
