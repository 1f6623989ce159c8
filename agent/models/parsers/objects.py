"""JSON objects (and Python-style dicts) found in free text, in one linear pass.

Models wrap their tool calls in prose, fences and tags, write Python dicts with single quotes,
full-width punctuation, stray or missing braces. Trying a decoder at every `{` handles all of
that but is quadratic (each failed try may scan to the end). Instead one quote-aware pass
pairs every brace; only the outermost pairs are decoded, and only when one fails to decode are
the pairs inside it tried, at most _RETRY_DEPTH levels down. Pairs at one level never overlap,
so the whole search reads the text O(_RETRY_DEPTH) times.
"""

from __future__ import annotations

import ast
import json
import re
from array import array
from collections import deque
from typing import Any

from .text import ascii_syntax

_DECODER = json.JSONDecoder()
_SPECIAL = re.compile("[{}｛｝\"']")
_STRING_END = {quote: re.compile(r"\\.|" + quote, re.S) for quote in "\"'"}
_STRING_AFTER = frozenset("{[,:｛［，：")
"""A quote opens a string only after one of these (spaces aside), as in JSON and Python dicts;
elsewhere it is an apostrophe in prose ("I'll click it {...}") and must not swallow the call."""
_MAX_OPEN = 256
"""Unclosed braces remembered; older ones are forgotten (a real call nests 3-4 deep), so 1 MB of
`{` costs no memory and a valid object after them is still found."""
_RETRY_DEPTH = 3
"""How many levels inside an undecodable pair are tried: `{ stray {"name": ...}}` is one."""
_PYTHON_BUDGET = 200_000
"""Characters of one text that may go to ast.literal_eval (Python-style dicts), all tries
together. JSON decoding runs in C at ~100 MB/s; Python's parser takes ~1 us a character, so
without a budget a 1 MB reply of nested, almost-valid dicts costs seconds, linear or not. Twice
the default reply cap (parsers.MAX_CHARS): a capped reply never runs out in its first two levels."""


def objects(text: str) -> list[dict]:
    """Every dict decodable from a brace pair of `text` that no decodable dict encloses, in order."""
    starts, ends = _pairs(text)
    if not starts:
        return []
    found: list[dict] = []
    # Translated once for every try (it keeps indices); per chunk it would be paid at each level.
    _visit(_Text(text, ascii_syntax(text)), starts, ends, 0, len(starts), 0, found)
    return found


class _Text:
    """The text searched, its ASCII-punctuation twin, and what is left of the Python budget."""

    def __init__(self, text: str, ascii_text: str):
        self.text, self.ascii_text, self.budget = text, ascii_text, _PYTHON_BUDGET


def _visit(where: _Text, starts: array, ends: array, lo: int, hi: int, level: int, found: list[dict]) -> None:
    for first, index in _roots(starts, lo, hi):
        obj = _decode(where, starts[index], ends[index])
        if isinstance(obj, dict):
            found.append(obj)
        elif level < _RETRY_DEPTH and first < index:
            _visit(where, starts, ends, first, index, level + 1, found)


def _pairs(text: str) -> tuple[array, array]:
    """Start and end (exclusive) of every matched brace pair, in the order they close."""
    starts, ends = array("q"), array("q")
    opened: deque[int] = deque(maxlen=_MAX_OPEN)
    inside = 0  # matches before this index are inside a string: skipped
    for match in _SPECIAL.finditer(text):
        i = match.start()
        if i < inside:
            continue
        ch = match.group()
        if ch in "{｛":
            opened.append(i)
        elif ch in "}｝":
            if opened:
                starts.append(opened.pop())
                ends.append(i + 1)
        elif opened and _opens_string(text, i):
            inside = _string_end(text, i + 1, ch)
            if inside < 0:
                break  # an unclosed string runs to the end: no brace after it counts
    return starts, ends


def _opens_string(text: str, index: int) -> bool:
    # Each run of spaces is walked by at most the one quote right after it: linear overall.
    j = index - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    return j >= 0 and text[j] in _STRING_AFTER


def _string_end(text: str, pos: int, quote: str) -> int:
    """Index just past the quote closing a string whose body starts at `pos`; -1 if none."""
    pattern = _STRING_END[quote]
    while (match := pattern.search(text, pos)) is not None:
        if match.group() == quote:
            return match.end()
        pos = match.end()  # an escape: skip the escaped character
    return -1


def _roots(starts: array, lo: int, hi: int) -> list[tuple[int, int]]:
    """(first descendant, index) of each pair in [lo, hi) that no other pair there encloses,
    in text order. Pairs are in closing order, so a pair's descendants come right before it."""
    roots = []
    index = hi - 1
    while index >= lo:
        first = index
        while first > lo and starts[first - 1] > starts[index]:
            first -= 1
        roots.append((first, index))
        index = first - 1
    roots.reverse()
    return roots


def _decode(where: _Text, start: int, end: int) -> Any:
    """The value of text[start:end] as JSON, as JSON once full-width punctuation is made ASCII,
    or as a Python literal while the budget (characters) lasts; None if it is none of those."""
    chunk = where.text[start:end]
    try:
        return _DECODER.raw_decode(chunk)[0]
    except (ValueError, RecursionError):
        pass
    if where.ascii_text is not where.text:
        try:
            return _DECODER.raw_decode(where.ascii_text[start:end])[0]
        except (ValueError, RecursionError):
            pass
    if len(chunk) > where.budget:
        return None
    where.budget -= len(chunk)
    try:
        return ast.literal_eval(chunk)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
