"""Grammars of the replies each family's parser accepts, for constrained decoding.

One definition, a regular expression in the dialect every consumer reads, serves them all:
vLLM (`"structured_outputs": {"regex": ...}` in the request body), llguidance in the local
transformers backend, and the property tests (hypothesis `from_regex`). A grammar is built per
family, platform and step: coordinates are bounded to the coordinate space of the image the
model sees this step (absolute families: its width and height), free text to `Limits`.

    grammar = family.grammar("desktop", frame, Limits.fitting(512))
    grammar.regex          # the pattern; grammar.matches(reply) checks a reply against it
    grammar.request_body() # {"structured_outputs": {"regex": ...}} for vLLM

Light to import: nothing here imports torch or transformers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..families import Family
    from ..resize import Frame

_SKELETON_TOKENS = 120
"""Tokens Limits.fitting keeps for everything but free text: the longest fixed part of a reply
(Qwen3-VL's labels, tags, JSON keys, action name and coordinates) is about 130 characters, and
tokenizers write such text in fewer tokens than characters."""


@dataclass(frozen=True)
class Limits:
    """How long free text in a reply may be, in characters (an escape such as `\\n` counts as one).

    Free text ends at these lengths (a thought is closed, a typed text ends), so a constrained
    reply ends within the token budget the limits were sized for (see fitting)."""

    thought: int = 128
    """A Thought line (and Qwen3-VL's Action line)."""
    text: int = 256
    """Typed text, an answer, a finished() message, an app name."""

    def __post_init__(self):
        if self.thought < 1 or self.text < 1:
            raise ValueError(f"limits must be at least 1 character, got {self}")

    @classmethod
    def fitting(cls, tokens: int) -> "Limits":
        """Limits for replies of at most `tokens` tokens (max_new_tokens) when each character of
        free text costs at most one token, as ASCII does in every byte-level tokenizer: a quarter
        of what the fixed parts leave for each of up to two thought lines, half for text."""
        free = max(tokens - _SKELETON_TOKENS, 16)
        return cls(thought=max(free // 4, 4), text=max(free // 2, 8))


@dataclass(frozen=True)
class Grammar:
    """The replies a family's parser accepts on one platform, for one coordinate space."""

    regex: str
    """The pattern a whole reply matches (no anchors; Python re, Rust regex, xgrammar dialect)."""
    family: str
    platform: str
    space: tuple[int, int]
    """Largest x and y a coordinate may have (edges included)."""
    limits: Limits
    _compiled: list = field(default_factory=list, repr=False, compare=False)

    def matches(self, text: str) -> bool:
        """Whether `text` is a whole reply of this grammar (Python's re)."""
        if not self._compiled:
            self._compiled.append(re.compile(self.regex))
        return self._compiled[0].fullmatch(text) is not None

    def request_body(self) -> dict:
        """What an OpenAI-compatible request to vLLM carries to constrain its reply."""
        return {"structured_outputs": {"regex": self.regex}}


def space_of(family: "Family", frame: "Frame | None") -> tuple[int, int]:
    """Largest x and y the family may write for a model that saw `frame` (agent.models.coords)."""
    from ..coords import Mapper
    from ..resize import Frame

    mapper = Mapper(frame or Frame(screen=(1, 1), model=None), family.coords)
    return mapper.limit(0), mapper.limit(1)


def build(family: "Family", platform: str, frame: "Frame | None", limits: Limits | None = None) -> Grammar | None:
    """The grammar of `family`'s replies on `platform` for a model that saw `frame` (needed for
    absolute coordinates), None when its reply style has none; ValueError when its prompt offers
    something no grammar rule covers."""
    return _build(family, platform, space_of(family, frame), limits or Limits())


@lru_cache(maxsize=64)
def _build(family: "Family", platform: str, space: tuple[int, int], limits: Limits) -> Grammar | None:
    from .values import Space

    regex = family.parser.grammar(family.prompt, platform, Space(*space), limits)
    if regex is None:
        return None
    return Grammar(regex=regex, family=family.name, platform=platform, space=space, limits=limits)


__all__ = ["Grammar", "Limits", "build", "space_of"]
