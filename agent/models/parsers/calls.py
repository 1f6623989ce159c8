"""A forgiving reader for Python-call-like actions: `click(start_box='(10,20)')`, `type(content='it's')`.

Not `ast`: models write unescaped quotes inside strings, full-width brackets, box tokens with
commas, and unclosed calls at the end of a reply. A quote closes a string only when what follows
is `,` or `)` (or the end), so `type(content='it's here')` keeps its apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN, _CLOSE, _COMMA = "(（", ")）", ",，"
_KEYWORD = re.compile(r"\s*([A-Za-z_]\w*)\s*[=＝]\s*(.*)\Z", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "'": "'", '"': '"', "\\": "\\"}


@dataclass
class Call:
    """One call as written: its lowercase name, keyword arguments and positional arguments (text)."""

    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


def _string_closes(text: str, index: int) -> bool:
    rest = text[index + 1:].lstrip(" \t")
    return not rest or rest[0] in _COMMA + _CLOSE or rest.startswith("\n")


def _opens_string(text: str, start: int, index: int) -> bool:
    before = text[start:index].rstrip()
    return not before or before[-1] in "=＝" + _OPEN + _COMMA


def _scan(text: str, start: int, stop_at_comma: bool) -> int:
    """Index where the argument list (or one argument) starting at `start` ends."""
    depth, quote, i = 0, None, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote and _string_closes(text, i):
                quote = None
        elif ch in "'\"" and _opens_string(text, start, i):
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i
            depth -= 1
        elif ch in _COMMA and depth == 0 and stop_at_comma:
            return i
        i += 1
    return len(text)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]:
        body, out, i = value[1:-1], [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in _ESCAPES:
                out.append(_ESCAPES[body[i + 1]])
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)
    if value[:1] in "'\"":  # unclosed string at the end of a reply
        return value[1:]
    return value


def _split(args_text: str) -> Call:
    call, i = Call(""), 0
    while i <= len(args_text):
        end = _scan(args_text, i, stop_at_comma=True)
        piece = args_text[i:end]
        if piece.strip():
            match = _KEYWORD.match(piece)
            if match:
                call.kwargs[match.group(1).lower()] = _unquote(match.group(2))
            else:
                call.args.append(_unquote(piece))
        i = end + 1
    return call


def find_calls(text: str, names: set[str]) -> list[Call]:
    """Every call of one of `names` in `text`, in order of appearance."""
    pattern = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True))
                         + r")\s*[(（]", re.I)
    calls, pos = [], 0
    while (match := pattern.search(text, pos)) is not None:
        end = _scan(text, match.end(), stop_at_comma=False)
        call = _split(text[match.end():end])
        call.name = match.group(1).lower()
        calls.append(call)
        pos = end + 1
    return calls
