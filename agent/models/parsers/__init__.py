"""Raw model reply -> canonical actions in screenshot pixels, per family.

`parse` is the one entry point; it raises agent.policy.FormatError (with a reason the model can
act on) for anything it cannot turn into valid actions, and nothing else.
"""

from __future__ import annotations

from agent.policy import FormatError

from ..coords import Mapper
from ..families import Family
from ..resize import Frame


def parse(text: str, family: Family, frame: Frame, *, platform: str = "desktop",
          pointer: tuple[int, int] | None = None) -> list:
    """Canonical actions, in order, that `text` means for a model of `family` that saw `frame`.

    `pointer` is where the mouse is (screen pixels), for drags that give only an end point.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormatError("empty reply")
    mapper = Mapper(frame, family.coords)
    try:
        match family.style:
            case "tool_call":
                from .toolcall import parse as parse_tool_calls

                actions = parse_tool_calls(text, mapper, pointer, platform)
            case "calls":
                from .callstyle import parse as parse_calls

                actions = parse_calls(text, mapper, platform)
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # A reply shaped in a way no rule expected: still a format error, never a crash.
        raise FormatError(f"could not read the reply ({type(exc).__name__}: {exc})") from None
    if not actions:
        raise FormatError("the reply holds no action")
    return actions
