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
_ESCAPE = re.compile(r"\\([nt'\"\\])")
_SPECIAL = re.compile(r"[\\'\"(（)）,，]")
# Any identifier before a parenthesis; the name is checked after the match. (One alternation of
# every action name would be tried at every character of the reply.)
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*[(（]")


@dataclass
class Call:
    """One call as written: its lowercase name, keyword arguments and positional arguments (text)."""

    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


def _string_closes(text: str, index: int) -> bool:
    # Walks only the spaces after the quote (never slices the rest): linear overall.
    j = index + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    return j == len(text) or text[j] in _COMMA + _CLOSE or text[j] == "\n"


def _opens_string(text: str, start: int, index: int) -> bool:
    # Walks back only over the whitespace before the quote; each run is walked once.
    j = index - 1
    while j >= start and text[j].isspace():
        j -= 1
    return j < start or text[j] in "=＝" + _OPEN + _COMMA


def _scan(text: str, start: int, stop_at_comma: bool) -> int:
    """Index where the argument list (or one argument) starting at `start` ends."""
    depth, quote, pos = 0, None, start
    # Jump from one character that matters to the next (a regex search, not a Python loop a char).
    while (match := _SPECIAL.search(text, pos)) is not None:
        i = match.start()
        ch, pos = text[i], i + 1
        if quote:
            if ch == "\\":
                pos = i + 2
            elif ch == quote and _string_closes(text, i):
                quote = None
        elif ch in "'\"":
            if _opens_string(text, start, i):
                quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i
            depth -= 1
        elif ch in _COMMA and depth == 0 and stop_at_comma:
            return i
    return len(text)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]:
        return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], value[1:-1])
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
    """Every call of one of `names` (lowercase) in `text`, in order of appearance; calls inside
    another call's arguments are part of it."""
    calls, pos = [], 0
    while (match := _CALL.search(text, pos)) is not None:
        name = match.group(1).lower()
        if name not in names:
            pos = match.end()
            continue
        end = _scan(text, match.end(), stop_at_comma=False)
        call = _split(text[match.end():end])
        call.name = name
        calls.append(call)
        pos = end + 1
    return calls
