"""What a model family is: everything needed to prompt a checkpoint, read its replies, size its
screenshots, load it with transformers and recognise it. A family module subclasses `Family`,
fills in the class attributes and overrides a method only where the family differs.

Light to import: the prompt builders and parsers load their heavier parts on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..grammars import Grammar, Limits
    from ..parsers.styles import ReplyParser
    from ..prompts.chat import PromptBuilder
    from ..resize import Frame

Coords = Literal["absolute", "rel1000", "rel999"]
"""absolute: pixels of the smart-resized image the model saw; rel1000 / rel999: 0..1000 or 0..999
of the image, whatever its size."""

F28, F32 = 28 * 28, 32 * 32
"""One factor x factor block, in pixels: min/max pixels are written as a count of these."""

BY_NAME_HINT, BY_MODEL_TYPE, BY_BRAND = 1, 2, 3
"""How surely `Family.detect` recognises a checkpoint, weakest first: a hint in its name
("qwen2.5vl"), its config's model_type, a fine-tune's own name ("UI-TARS") that outranks the
architecture it is built on. 0 means no."""


@dataclass(frozen=True)
class Architecture:
    """A transformers architecture a family runs on (names only: nothing is imported)."""

    model_type: str
    """The checkpoint config's `model_type`, e.g. "qwen2_5_vl"."""
    model_class: str
    """The transformers class that loads it, e.g. "Qwen2_5_VLForConditionalGeneration"."""
    processor_class: str
    """The transformers processor class, e.g. "Qwen2_5_VLProcessor" (used image-only without torchvision)."""
    image_processor_class: str = "Qwen2VLImageProcessorPil"
    """The torchvision-free image processor the image-only processor gets (every Qwen-VL uses Qwen2-VL's)."""


def compact_name(model: str) -> str:
    """`model` lowercase with only a-z, 0-9 and dots: "Qwen/Qwen2.5-VL-7B" -> "qwenqwen2.5vl7b"."""
    return re.sub(r"[^a-z0-9.]", "", model.lower().replace("_", "-"))


class Family:
    """One model family. Subclass it in a module of agent/models/families/, set every attribute
    below that has no default, and register the module in families/__init__.py."""

    name: str
    """The `--family` value, lowercase, e.g. "qwen2.5-vl"."""
    aliases: tuple[str, ...] = ()
    """Other spellings get_family accepts (compared lowercase, with "_" read as "-")."""
    checkpoints: tuple[str, ...]
    """Hub ids of checkpoints of this family, the first the canonical one (docs and tests use them)."""

    factor: int
    """Both sides of the image the model sees are multiples of this (patch size x merge size)."""
    min_pixels: int
    """Default smallest image area (pixels) after the smart resize."""
    max_pixels: int
    """Default largest image area (pixels) after the smart resize."""
    suggested_max_pixels: int
    """A smaller max_pixels the model card or reference agent suggests to save memory and tokens."""
    coords: Coords
    """The coordinate convention of the model's replies."""

    prompt: "PromptBuilder"
    """Builds each step's chat: system text, image window, older steps as text, error feedback."""
    history_images: int = 2
    """Default screenshots in a prompt, the current one included (the reference agents' window)."""
    parser: "ReplyParser"
    """Reads the family's replies (agent/models/parsers/styles.py)."""
    example_reply: str
    """One reply in the family's own grammar, a click at (100, 200) in its coordinates (tests read it)."""

    architectures: tuple[Architecture, ...]
    """The transformers architectures the family's checkpoints use."""
    claims_architectures: bool = True
    """Whether a checkpoint of one of `architectures` is this family when its name says nothing
    more: True for base models, False for fine-tunes recognised by name (UI-TARS)."""
    name_hints: tuple[str, ...] = ()
    """Pieces of a compact name (see compact_name) that say this family, e.g. "qwen2.5vl"."""

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a model family is a constant: cannot set {name!r}")

    def __repr__(self) -> str:
        return f"<family {self.name}>"

    def __reduce__(self):
        # Unpickled (in a worker process) as the registered family itself, not a copy.
        from . import get_family

        return get_family, (self.name,)

    @property
    def style(self) -> str:
        """The name of the family's reply grammar ("tool_call" or "calls"), for people and benchmarks."""
        return self.parser.style

    @property
    def model_types(self) -> tuple[str, ...]:
        """The checkpoint `model_type`s the family runs on."""
        return tuple(a.model_type for a in self.architectures)

    def detect(self, model: str, model_type: str | None) -> int:
        """How surely the checkpoint or served model `model` (hub id, path or name), whose config
        says `model_type` (None: unknown), is of this family: 0 (not) or one of BY_NAME_HINT,
        BY_MODEL_TYPE, BY_BRAND. The registry takes the highest; on a tie, the family
        registered later (a refinement registers after what it refines)."""
        if self.claims_architectures and model_type in self.model_types:
            return BY_MODEL_TYPE
        compact = compact_name(model)
        return BY_NAME_HINT if any(hint in compact for hint in self.name_hints) else 0

    def parse_reply(self, text: str, frame: "Frame", *, platform: str = "desktop",
                    pointer: tuple[int, int] | None = None) -> list:
        """Canonical actions (pixels of `frame.screen`) that `text` means for a model that saw
        `frame`; FormatError when it cannot be read. No length or type guard: call
        agent.models.parsers.parse, which adds them."""
        from ..coords import Mapper

        return self.parser.actions(text, Mapper(frame, self.coords), platform, pointer)

    def grammar(self, platform: str, frame: "Frame | None" = None,
                limits: "Limits | None" = None) -> "Grammar | None":
        """The grammar (agent/models/grammars) of replies this family's parser accepts to its prompt
        on `platform`, for constrained decoding: every action the prompt offers, coordinates
        within the space of a model that saw `frame` (required for absolute coordinates), free
        text within `limits` (default: Limits()). None when the reply style has no grammar."""
        from ..grammars import build

        return build(self, platform, frame, limits)
