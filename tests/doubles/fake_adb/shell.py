"""A tiny POSIX-sh reader for the fake phone: words, quotes, `;` `&&` `||` and `>`.

It splits a command line the way the phone's sh would (single quotes, double quotes,
backslashes) but expands nothing: `$(...)`, backticks, `$VAR`, globs and `~` stay literal
words, so the fake records what a command *said*. Whether a real sh would run something
else is proved separately by running the recorded commands in a sandboxed real sh.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ShellSyntaxError(ValueError):
    """The fake cannot read this command line (unterminated quote, pipes, background jobs)."""


@dataclass
class SimpleCommand:
    """One command: its words, where its stdout goes, and the operator that joins it to the last."""

    argv: list[str]
    joined_by: str = ";"
    stdout_to: str | None = None
    append: bool = False
    extra: dict = field(default_factory=dict)


def tokenize(line: str) -> list[tuple[str, str]]:
    """('word', text) and ('op', text) tokens of a command line."""
    tokens: list[tuple[str, str]] = []
    word: list[str] | None = None
    i, n = 0, len(line)

    def flush():
        nonlocal word
        if word is not None:
            tokens.append(("word", "".join(word)))
            word = None

    while i < n:
        c = line[i]
        if c in " \t":
            flush()
            i += 1
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated single quote")
            word = (word or []) + [line[i + 1:end]]
            i = end + 1
        elif c == '"':
            i += 1
            word = word or []
            while True:
                if i >= n:
                    raise ShellSyntaxError("unterminated double quote")
                if line[i] == '"':
                    i += 1
                    break
                if line[i] == "\\" and i + 1 < n and line[i + 1] in '$`"\\\n':
                    if line[i + 1] != "\n":
                        word.append(line[i + 1])
                    i += 2
                    continue
                word.append(line[i])
                i += 1
        elif c == "\\":
            if i + 1 < n and line[i + 1] != "\n":
                word = (word or []) + [line[i + 1]]
            i += 2
        elif c in ";&|<>\n":
            flush()
            two = line[i:i + 2]
            op = two if two in ("&&", "||", ">>") else c
            tokens.append(("op", op))
            i += len(op)
        else:
            word = (word or []) + [c]
            i += 1
    flush()
    return tokens


def parse(line: str) -> list[SimpleCommand]:
    """The simple commands of a line, in order; ShellSyntaxError for what the fake does not do."""
    commands: list[SimpleCommand] = []
    current = SimpleCommand([])
    tokens = tokenize(line)
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "word":
            current.argv.append(text)
        elif text in (">", ">>"):
            if i + 1 >= len(tokens) or tokens[i + 1][0] != "word":
                raise ShellSyntaxError("redirection without a file")
            current.stdout_to, current.append = tokens[i + 1][1], text == ">>"
            i += 1
        elif text in (";", "\n", "&&", "||"):
            if current.argv:
                commands.append(current)
            elif text in ("&&", "||"):
                raise ShellSyntaxError(f"nothing before {text!r}")
            current = SimpleCommand([], joined_by=";" if text == "\n" else text)
        else:
            raise ShellSyntaxError(f"the fake phone's sh does not do {text!r}")
        i += 1
    if current.argv:
        commands.append(current)
    return commands
