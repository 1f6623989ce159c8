"""Free text inside a reply, as regular expressions: thoughts, JSON strings, call-style strings.

Every pattern here is in the one dialect all consumers read (Python `re`, the Rust `regex`
crate behind llguidance, xgrammar behind vLLM): literals with only the metacharacters escaped,
plain groups, character classes, `{m,n}` counts, `\\xHH` and `\\uHHHH` escapes.

The text a model writes must still parse after agent.models.parsers.text.clean (which cuts a
reply at `<|im_end|>` and drops `[EOS]`, `</s>` and code fences), so:
- no free text holds `<|` (no special-token text that would cut or shorten the reply);
- typed text does not start with `<`, `[` or a backtick (what clean drops starts with those, so
  a first character of any other kind survives it: the text is never emptied);
- thoughts hold neither `<` nor backticks, and a colon never follows `n`, `N`, white space or
  `]`: no thought can hold an `Action:` label, even once clean has dropped a token.
"""

from __future__ import annotations

_META = set("\\.^$|?*+()[]{}")
_CLASS_META = set("\\]^-[&~")
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""Every character str.isspace() (and re's \\s) calls white space (a test checks it)."""
CONTROL = "\\x00-\\x1f\\x7f"
"""Control characters, as a class range: never in free text (a JSON string may not hold them raw)."""


def lit(text: str) -> str:
    """`text` as a regex matching exactly it."""
    out = []
    for ch in text:
        if ch in _META:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch)
    return "".join(out)


def class_chars(chars: str) -> str:
    """`chars` written for use inside [...]: metacharacters escaped, others as \\uHHHH when not printable."""
    out = []
    for ch in chars:
        if ch in _CLASS_META:
            out.append("\\" + ch)
        elif ch.isprintable() and not ch.isspace():
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def none_of(chars: str, ranges: str = CONTROL) -> str:
    """A class of every character except `chars` and the class `ranges` (controls by default)."""
    return f"[^{ranges}{class_chars(chars)}]"


def alt(*options: str) -> str:
    """One group matching any of `options` (regexes)."""
    return "(" + "|".join(options) + ")"


def repeat(unit: str, least: int, most: int) -> str:
    """`unit` (a group or class) `least`..`most` times."""
    if most <= 0:
        return ""
    if least == most:
        return unit if least == 1 else f"{unit}{{{least}}}"
    return f"{unit}{{{least},{most}}}"


def thought(limit: int, *, quote: str = "", no_label: bool = False) -> str:
    """One line of free text (a Thought, Qwen3-VL's Action line), 1..`limit` characters.

    Never `<` or a backtick; nor `quote` (the line's own quote character, if any). With
    `no_label` a colon may only follow a character that cannot end an `Action:` label (see the
    module's docstring), so a call-style parser never takes the thought for the action.
    """
    plain = none_of("<`" + quote + (":：" if no_label else ""))
    if not no_label:
        return repeat(plain, 1, limit)
    before_colon = none_of("<`:：nN]" + quote + WHITESPACE)
    return repeat(alt(plain, before_colon + "[:：]"), 1, limit)


def string_body(limit: int, quote: str, escapes: str, *, least: int = 1, first_not: str = "<[`") -> str:
    """The inside of a `quote`-delimited string of `least`..`limit` units: a character, an
    escape (a backslash and one of `escapes`), or one or two `<` and what follows them (never
    `|`). The first unit is not one of `first_not` (see the module's docstring)."""
    escape = "\\\\[" + class_chars(escapes) + "]"
    after_lt = alt(none_of("<|\\" + quote), escape)
    unit = alt(none_of("<\\" + quote), escape, "<{1,2}" + after_lt)
    # A backslash in first_not rules out a leading escape too (it may stand for white space).
    first = none_of("<\\" + quote + first_not) if "\\" in first_not else alt(none_of("<\\" + quote + first_not), escape)
    body = first + repeat(unit, 0, limit - 1)
    return body if least >= 1 else f"({body})?"


def json_string(limit: int, *, least: int = 1, first_not: str = "<[`") -> str:
    """A JSON string literal, quotes included: any Unicode, `\\"`, `\\\\`, `\\n`, `\\t` escapes."""
    return '"' + string_body(limit, '"', '"\\nt', least=least, first_not=first_not) + '"'


def quoted(limit: int, *, least: int = 1, first_not: str = "<[`") -> str:
    """A single-quoted call-style string (`content='...'`) with the escapes the UI-TARS prompts
    name: `\\'`, `\\"`, `\\n` (and `\\\\`, `\\t`, which the parser reads the same way)."""
    return "'" + string_body(limit, "'", "'\"nt\\", least=least, first_not=first_not) + "'"

