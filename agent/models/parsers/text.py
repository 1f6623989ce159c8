"""Cleaning a raw model reply before parsing, and quoting bits of it back in error messages.

Every function here is linear in the length of its input: replies are untrusted, and a regex or
loop that backtracks would let one bad reply stall the agent.
"""

from __future__ import annotations

import re
from typing import Any

# Full-width punctuation models write in Chinese replies, mapped to ASCII where it is syntax.
_FULL_WIDTH_TO_ASCII = {"：": ":", "（": "(", "）": ")", "，": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
                        "［": "[", "］": "]", "｛": "{", "｝": "}", "＝": "="}
_FULL_WIDTH = str.maketrans(_FULL_WIDTH_TO_ASCII)
_ANY_FULL_WIDTH = re.compile("[" + "".join(_FULL_WIDTH_TO_ASCII) + "]")
_END_TOKENS = ("<|im_end|>", "<|endoftext|>", "[EOS]", "</s>")
_FENCE = re.compile(r"```[a-zA-Z_]*[ \t]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SHOWN = 40
"""Characters of a model's value quoted in an error message; the rest is cut."""


def clean(text: str) -> str:
    """Drop end-of-turn tokens and code fences, cut at the first end of turn, strip."""
    for token in _END_TOKENS:
        index = text.find(token)
        if index >= 0 and token == "<|im_end|>":
            text = text[:index]
        text = text.replace(token, "")
    return _FENCE.sub("", text).strip()


def ascii_syntax(text: str) -> str:
    """Full-width colons, brackets, commas and quotes become ASCII, strings included: a last
    resort for JSON that does not decode as written. Character for character, so indices into
    `text` stay valid; returns `text` itself when it has none (a regex scan, far cheaper than
    translate() on non-Latin text)."""
    return text.translate(_FULL_WIDTH) if _ANY_FULL_WIDTH.search(text) else text


def number_texts(text: str) -> list[str]:
    """Every number written in `text` ('12', '-3.5'), in order, as written."""
    return _NUMBER.findall(text)


def shown(value: Any) -> str:
    """`value` as an error message may quote it: its repr, cut to about 40 characters.

    Safe for anything a decoder returns: integers too long to print (repr refuses over 4300
    digits) and structures nested too deeply to repr are described instead.
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** _SHOWN:
        digits = int(abs(value).bit_length() * 0.30103) + 1  # log10(2): no conversion to text
        return f"{'-' if value < 0 else ''}(an integer of about {digits} digits)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 5000, as the model most likely wrote it, not 5000.0
    if isinstance(value, str) and len(value) > 4 * _SHOWN:
        value = value[:4 * _SHOWN]  # repr of the head only: a long reply is never copied whole
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"(a deeply nested {type(value).__name__})"
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN - 3]}..."
