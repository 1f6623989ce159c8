"""Raw model reply -> canonical actions in screenshot pixels, per family.

`parse` is the one entry point: it guards every reply the same way, then hands it to the
family (`Family.parse_reply`: its parser from styles.py with its coordinate convention). It
raises agent.policy.FormatError (with a reason the model can act on) for anything it cannot
turn into valid actions, and nothing else. Replies are untrusted: every family's parser runs in
time linear in the reply's length, numbers are bounded before any arithmetic (see bounds.py),
and coordinates must lie in the model's coordinate space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.policy import FormatError

if TYPE_CHECKING:
    from ..families import Family
    from ..resize import Frame

MAX_CHARS = 100_000
"""Longest reply parse() reads by default. Real replies are a few KB (a thought and one or a few
calls; a long `type` text rarely passes 10 KB); a reply past this is a model stuck repeating
itself, and refusing it in O(1) keeps it from costing parse time, memory or log space."""
MAX_REASON = 300
"""Longest reason a FormatError carries: it goes back into the model's prompt."""


def parse(text: str, family: "Family", frame: "Frame", *, platform: str = "desktop",
          pointer: tuple[int, int] | None = None, max_chars: int | None = MAX_CHARS) -> list:
    """Canonical actions, in order, that `text` means for a model of `family` that saw `frame`.

    `pointer` is where the mouse is (screen pixels): a drag that gives only an end point starts
    there, or at the end point of an earlier action of the same reply; with neither it starts
    where the pointer really is (Drag x/y None). `max_chars` caps the reply's length (None: no
    cap); a longer reply is a FormatError.
    """
    if not isinstance(text, str):
        raise FormatError(f"the reply is a {type(text).__name__}, not text")
    if max_chars is not None and len(text) > max_chars:
        raise FormatError(f"the reply is {len(text)} characters, over the {max_chars}-character limit")
    if not text.strip():
        raise FormatError("empty reply")
    try:
        actions = family.parse_reply(text, frame, platform=platform, pointer=pointer)
    except FormatError as exc:
        if len(exc.reason) <= MAX_REASON:
            raise
        raise FormatError(exc.reason[:MAX_REASON - 3] + "...", exc.raw_text, exc.info) from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError,
            RecursionError) as exc:
        # A reply shaped in a way no rule expected: still a format error, never a crash.
        raise FormatError(f"could not read the reply ({type(exc).__name__}: {str(exc)[:120]})") from None
    if not actions:
        raise FormatError("the reply holds no action")
    return actions

