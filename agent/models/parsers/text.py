"""Cleaning a raw model reply before parsing: what every family's parser does first."""

from __future__ import annotations

import re

# Full-width punctuation models write in Chinese replies, mapped to ASCII where it is syntax.
_FULL_WIDTH = str.maketrans({"：": ":", "（": "(", "）": ")", "，": ",", "“": '"', "”": '"', "‘": "'",
                             "’": "'", "［": "[", "］": "]", "｛": "{", "｝": "}", "＝": "="})
_END_TOKENS = ("<|im_end|>", "<|endoftext|>", "[EOS]", "</s>")
_FENCE = re.compile(r"```[a-zA-Z_]*[ \t]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


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
    resort for JSON that does not decode as written."""
    return text.translate(_FULL_WIDTH)


def numbers(text: str) -> list[float]:
    """Every number in `text`, in order."""
    return [float(n) for n in _NUMBER.findall(text)]
