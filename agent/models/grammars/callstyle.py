"""The grammar of `Thought: ...` / `Action: click(...)` replies (UI-TARS 1.0 and 1.5, our
Qwen2-VL vocabulary), read off the family's own prompt template.

The actions and their arguments are the lines of the template's `## Action Space`, so the grammar
offers exactly what the model was offered, in the shape it was shown:

    click(start_box='<|box_start|>(x1,y1)<|box_end|>')      UI-TARS 1.0 (also start_box='(x,y)')
    click(point='<point>x1 y1</point>')                     UI-TARS 1.5
    click(<|box_start|>(x1,y1),(x2,y2)<|box_end|>)          Qwen2-VL (also one point)

Each argument's value is the bounded rule its name calls for (a target in the coordinate space,
a key combination, a direction, a time, text with the prompts' escapes).
"""

from __future__ import annotations

import re

from .text import WHITESPACE, alt, lit, quoted, repeat, thought
from .values import DIRECTIONS, Space, choice, key_name, press_seconds

_SECTION = re.compile(r"## Action Space\n(.*?)(?:\n## |\Z)", re.S)
_ACTION = re.compile(r"^([a-z_]+)\((.*)\)$")
_QUOTED = re.compile(r"'[^']*'")
_BOX = "<|box_start|>"
_MAX_KEYS = 3
"""Keys in one hotkey (the UI-TARS-1.5 prompt: "do not use more than 3 keys")."""
_APP_CHARS = 64
"""Characters of an app name (drivers.actions.OpenApp takes up to 256)."""


def actions(template: str) -> list[tuple[str, int, list[str]]]:
    """(name, positional targets, keyword argument names) of each action a prompt template lists."""
    section = _SECTION.search(template)
    if not section:
        raise ValueError("the prompt template has no '## Action Space'")
    found = []
    for line in section.group(1).splitlines():
        match = _ACTION.match(line.split("#")[0].strip())
        if match:
            name, args = match.groups()
            keywords = re.findall(r"(\w+)=", args)
            positional = _QUOTED.sub("", args).count(_BOX)
            found.append((name, positional, keywords))
    return found


def _value(action: str, keyword: str, space: Space, text_limit: int) -> str:
    """The regex of `keyword=value` in a call of `action`; KeyError for an unknown keyword."""
    if keyword in ("start_box", "end_box"):
        value = alt("'" + space.pair("(", ",", ")") + "'", "'" + space.pair(_BOX + "(", ",", ")<|box_end|>") + "'")
    elif keyword in ("point", "start_point", "end_point"):
        value = "'" + space.pair("<point>", " ", "</point>") + "'"
    else:
        value = {
            "key": lambda: "'" + key_name() + repeat(alt(" " + key_name()), 0, _MAX_KEYS - 1) + "'",
            "content": lambda: quoted(text_limit, least=1 if action == "type" else 0),
            "direction": lambda: "'" + choice(DIRECTIONS) + "'",
            "time": lambda: "'(" + press_seconds() + ")?'",
            # First a visible character, not an escape: the parser strips the name, and an empty one is no app.
            "app_name": lambda: quoted(min(text_limit, _APP_CHARS), first_not="<[`\\" + WHITESPACE),
        }[keyword]()
    return lit(keyword + "=") + value


def _targets(count: int, space: Space) -> list[str]:
    """`count` Qwen2-VL targets: each a box `(x1,y1),(x2,y2)` between its box tokens, or all of
    them points (the parser tells a drag's two ends apart by how many numbers it finds)."""
    if count == 0:
        return []
    point = space.pair("(", ",", ")")
    box, dot = lit(_BOX) + point + "," + point + lit("<|box_end|>"), lit(_BOX) + point + lit("<|box_end|>")
    return [alt(", ".join([box] * count), ", ".join([dot] * count))]


def call(name: str, positional: int, keywords: list[str], space: Space, text_limit: int) -> str:
    """One call of action `name` with its arguments in the template's order."""
    try:
        args = _targets(positional, space) + [_value(name, k, space, text_limit) for k in keywords]
    except KeyError as exc:
        raise ValueError(f"no grammar for the argument {exc.args[0]!r} of {name}() the prompt offers") from None
    return lit(name + "(") + ", ".join(args) + lit(")")


def reply(template: str, space: Space, thought_limit: int, text_limit: int) -> str:
    """The whole reply to a prompt made from `template`: a Thought line, then one action."""
    calls = alt(*(call(name, n, keywords, space, text_limit) for name, n, keywords in actions(template)))
    return "Thought: " + thought(thought_limit, no_label=True) + lit("\nAction: ") + calls
