"""Regular expressions for bounded integers: `int_range(0, 1932)` matches exactly the decimal
numbers 0..1932 as a model writes them (no sign, no leading zeros).

The classic construction: split lo..hi into spans of one digit count, then each span into a
shared prefix and digit-wise ranges, e.g. 0..1932 is
`([0-9]|[1-9][0-9]|[1-9][0-9]{2}|1([0-8][0-9]{2}|9([0-2][0-9]|3[0-2])))`.
"""

from __future__ import annotations


def int_range(lo: int, hi: int) -> str:
    """A regex (no anchors, one group) matching the decimal integers lo..hi, 0 <= lo <= hi."""
    if not 0 <= lo <= hi:
        raise ValueError(f"int_range needs 0 <= lo <= hi, got {lo}..{hi}")
    parts: list[str] = []
    for digits in range(len(str(lo)), len(str(hi)) + 1):
        first = max(lo, 10 ** (digits - 1) if digits > 1 else 0)
        last = min(hi, 10 ** digits - 1)
        parts.extend(_same_length(str(first), str(last)))
    return "(" + "|".join(parts) + ")"


def _digit_class(a: str, b: str) -> str:
    if a == b:
        return a
    return "[0-9]" if (a, b) == ("0", "9") else f"[{a}-{b}]"


def _any_digits(n: int) -> str:
    return "" if n == 0 else "[0-9]" if n == 1 else f"[0-9]{{{n}}}"


def _same_length(a: str, b: str) -> list[str]:
    """Alternatives matching every number from a to b, both written with the same digit count."""
    if a == b:
        return [a]
    if len(a) == 1:
        return [_digit_class(a, b)]
    if a[0] == b[0]:
        rest = _same_length(a[1:], b[1:])
        return [a[0] + (rest[0] if len(rest) == 1 else "(" + "|".join(rest) + ")")]
    tail = len(a) - 1
    out: list[str] = []
    low, high = int(a[0]), int(b[0])
    if a[1:] != "0" * tail:  # a[0] followed by a[1:]..99..9
        out += [a[0] + p for p in _group(_same_length(a[1:], "9" * tail))]
        low += 1
    upper = []
    if b[1:] != "9" * tail:  # b[0] followed by 00..0..b[1:]
        upper = [b[0] + p for p in _group(_same_length("0" * tail, b[1:]))]
        high -= 1
    if low <= high:  # whole decades in between
        out.append(_digit_class(str(low), str(high)) + _any_digits(tail))
    return out + upper


def _group(alternatives: list[str]) -> list[str]:
    return alternatives if len(alternatives) == 1 else ["(" + "|".join(alternatives) + ")"]
