"""The reply grammars families choose from, as objects: `<tool_call>` JSON (Qwen2.5-VL, Qwen3-VL)
and `Thought: ... Action: click(...)` calls (UI-TARS, our Qwen2-VL prompt).

A parser reads actions in the model's coordinates through a Mapper (agent/models/coords.py),
which carries the family's coordinate convention; the grammar modules load on first use, so
choosing a parser costs no import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..coords import Mapper
    from ..grammars import Limits
    from ..grammars.values import Space
    from ..prompts.chat import PromptBuilder


class ReplyParser:
    """Turns one reply into canonical actions; raises agent.policy.FormatError when it cannot.

    The guards every reply passes first (type, length, emptiness, error wrapping) are in
    agent.models.parsers.parse; a parser sees only a non-empty string.
    """

    style: str
    """The grammar's name, for people and benchmarks (nothing dispatches on it)."""

    def actions(self, text: str, mapper: "Mapper", platform: str, pointer: tuple[int, int] | None) -> list:
        """Canonical actions (screen pixels) in the order `text` gives them. `pointer` is where the
        mouse is (screen pixels) for a drag given only its end; None leaves x, y None."""
        raise NotImplementedError

    def grammar(self, prompt: "PromptBuilder", platform: str, space: "Space", limits: "Limits") -> str | None:
        """A regex of replies this parser accepts (agent/models/grammars) to what `prompt` asks
        on `platform`, coordinates within `space`, free text within `limits`; None if it has none."""
        return None


class ToolCallReplies(ReplyParser):
    """`<tool_call>{"name": "computer_use", "arguments": {...}}</tool_call>`, see toolcall.py."""

    style = "tool_call"

    def actions(self, text: str, mapper: "Mapper", platform: str, pointer: tuple[int, int] | None) -> list:
        from .toolcall import parse

        return parse(text, mapper, pointer, platform)

    def grammar(self, prompt: "PromptBuilder", platform: str, space: "Space", limits: "Limits") -> str | None:
        from ..grammars.toolcall import reply

        return reply(prompt.system_text(platform, (space.width, space.height)), space, limits.thought, limits.text)


class ThoughtActionReplies(ReplyParser):
    """`Thought: ...` then `Action: click(start_box='(x,y)')` and the like, see callstyle.py."""

    style = "calls"

    def actions(self, text: str, mapper: "Mapper", platform: str, pointer: tuple[int, int] | None) -> list:
        from .callstyle import parse

        # These grammars always give a drag both ends: no pointer needed.
        return parse(text, mapper, platform)

    def grammar(self, prompt: "PromptBuilder", platform: str, space: "Space", limits: "Limits") -> str | None:
        from ..grammars.callstyle import reply

        return reply(prompt.template(platform), space, limits.thought, limits.text)


TOOL_CALLS = ToolCallReplies()
THOUGHT_ACTION = ThoughtActionReplies()
