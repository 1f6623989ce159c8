"""The grammar of `<tool_call>` replies (Qwen2.5-VL, Qwen3-VL), read off the family's own prompt.

The tool and its actions come from the `<tools>` JSON of the system prompt the family sends, so
the grammar offers exactly the actions the model was offered; the arguments of each action are
the ones parsers/toolcall.py reads, in a fixed order and the cookbooks' spacing:

    <tool_call>
    {"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [512, 384]}}
    </tool_call>

A prompt that asks for `Thought:` and `Action:` lines first (Qwen3-VL's response format) gets
them in the grammar; otherwise nothing comes before the tag.
"""

from __future__ import annotations

import json
import re

from .text import WHITESPACE, alt, json_string, lit, repeat, thought
from .values import PHONE_KEYS, Space, choice, key_name, press_seconds, scroll_pixels, wait_seconds

_TOOLS = re.compile(r"<tools>\n(.*?)\n</tools>", re.S)
_THOUGHT_FIRST = re.compile(r"# Response format.*Thought.*Action.*<tool_call>", re.S)
"""A system prompt asking for Thought and Action lines before the call (Qwen3-VL's)."""
_MAX_KEYS = 4
"""Keys in one `key` action (drivers.actions.Key takes up to 6)."""
_APP_CHARS = 64
"""Characters of an app name (drivers.actions.OpenApp takes up to 256)."""


def tools(system_text: str) -> list[dict]:
    """The function entries of the `<tools>` block of a Hermes-style system prompt."""
    found = _TOOLS.search(system_text)
    if not found:
        raise ValueError("the system prompt lists no <tools>")
    entries = [json.loads(line) for line in found.group(1).splitlines() if line.strip()]
    return [entry.get("function", entry) for entry in entries]


def _arguments(tool: str, action: str, space: Space, text_limit: int) -> list[str]:
    """The `"key": value` pieces after "action" for one action of `tool`; KeyError if unknown."""
    point = '"coordinate": ' + space.pair("[", ", ", "]")
    text = '"text": ' + json_string(text_limit)
    if action == "key":
        if tool == "mobile_use":
            return ['"text": "' + choice(PHONE_KEYS) + '"']
        one = '"' + key_name() + '"'
        return ['"keys": \\[' + one + repeat(alt(", " + one), 0, _MAX_KEYS - 1) + "\\]"]
    table = {
        "type": [text],
        "answer": [text],
        "mouse_move": [point],
        "left_click": [point], "right_click": [point], "middle_click": [point], "double_click": [point],
        "triple_click": [point], "click": [point],
        "left_click_drag": [point],
        "long_press": [point, '"time": ' + press_seconds()],
        "swipe": [point, '"coordinate2": ' + space.pair("[", ", ", "]")],
        "scroll": ["(" + point + ", )?" + '"pixels": ' + scroll_pixels()],
        "hscroll": ["(" + point + ", )?" + '"pixels": ' + scroll_pixels()],
        "wait": ['"time": ' + wait_seconds()],
        "terminate": ['"status": "' + choice(("success", "failure")) + '"'],
        "system_button": ['"button": "' + choice(("Back", "Home", "Menu", "Enter")) + '"'],
        "open": ['"text": ' + json_string(min(text_limit, _APP_CHARS), first_not="<[`" + WHITESPACE)],
    }
    return table[action]


def call(tool: dict, space: Space, text_limit: int) -> str:
    """One `<tool_call>` block calling `tool` (its function entry) with any action it offers."""
    name = tool["name"]
    actions = tool["parameters"]["properties"]["action"]["enum"]
    branches = []
    for action in actions:
        try:
            pieces = _arguments(name, action, space, text_limit)
        except KeyError:
            raise ValueError(f"no grammar for the {name} action {action!r} the prompt offers") from None
        branches.append(lit(f'"{action}"') + "".join(", " + p for p in pieces))
    return (lit('<tool_call>\n{"name": "' + name + '", "arguments": {"action": ') + alt(*branches)
            + lit("}}\n</tool_call>"))


def reply(system_text: str, space: Space, thought_limit: int, text_limit: int) -> str:
    """The whole reply to a prompt whose system message is `system_text`."""
    calls = alt(*(call(tool, space, text_limit) for tool in tools(system_text)))
    if _THOUGHT_FIRST.search(system_text):
        # Qwen3-VL's response format: one Thought line, one quoted Action line, then the call.
        return ("Thought: " + thought(thought_limit) + '\\nAction: "' + thought(thought_limit, quote='"')
                + '"\\n' + calls)
    return calls
