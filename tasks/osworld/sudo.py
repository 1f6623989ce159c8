"""OSWorld set-up commands that use `sudo`, made safe for a machine that workers share.

OSWorld's VM was disposable, so its tasks install packages and run things as root in their
set-up (`echo {CLIENT_PASSWORD} | sudo -S apt-get install jq -y`). Here no task may change
the machine for the others, so each `sudo` part of a shell command is read for what it
means and replaced:

- `apt-get update`, `apt update`: nothing to do (the machine's package lists are its owner's);
- `apt-get install P...`, `apt install P...`: the packages must already be installed (checked
  with dpkg); the task fails to set up, naming the missing ones, when they are not;
- `pip install P...`: likewise for Python distributions of the tasks' Python;
- `mkdir`/`touch` of paths inside the task's HOME: run as the worker's own user (the owner of
  the folder differs; what the task's user can do with it does not);
- `su - USER`: switching user needs a terminal; on OSWorld's VM it returned without one, so
  it is dropped.

Any other use of sudo is not supported: `plan()` returns None and the loader lists the task
as needing 'config:sudo'.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_PART = re.compile(
    r"(?:echo\s+(?:'[^']*'|\"[^\"]*\"|\S+)\s*\|\s*)?"   # the password piped in
    r"\bsudo\s+(?:-S\s+)?"
    r"(?P<cmd>[^;&|]*?)(?=\s*(?:[;&|]|$))")               # the command, up to the next ; & | or end
_SUDO_WORD = re.compile(r"(^|[\s;&|(])sudo(\s|$)")
_HOME_PATH = re.compile(r"^(~|\$HOME|/home/user)(/|$)")


@dataclass
class SudoPlan:
    """What a command's sudo parts need and the command to run instead."""

    command: str
    debs: list[str] = field(default_factory=list)
    pips: list[str] = field(default_factory=list)


def uses_sudo(command: str | list[str]) -> bool:
    text = command if isinstance(command, str) else " ".join(command)
    return bool(_SUDO_WORD.search(text))


def plan(command: str | list[str]) -> SudoPlan | None:
    """How to run `command` without sudo, or None when some sudo part has no safe meaning.
    Only shell strings are read (an argv list runs sudo itself)."""
    if not isinstance(command, str):
        return None
    out = SudoPlan(command="")
    pieces: list[str] = []
    last = 0
    for m in _PART.finditer(command):
        replacement = _replace(m.group("cmd"), out)
        if replacement is None:
            return None
        pieces += [command[last:m.start()], replacement]
        last = m.end()
    pieces.append(command[last:])
    out.command = "".join(pieces)
    if uses_sudo(out.command):  # a sudo the pattern did not take apart
        return None
    return out


def _replace(cmd: str, out: SudoPlan) -> str | None:
    try:
        argv = shlex.split(cmd)
    except ValueError:
        return None
    if not argv:
        return None
    prog, args = argv[0], argv[1:]
    words = [a for a in args if not a.startswith("-")]
    if prog in ("apt", "apt-get") and words[:1] == ["update"]:
        return "true"
    if prog in ("apt", "apt-get") and words[:1] == ["install"] and len(words) > 1:
        out.debs += words[1:]
        return "true"
    if prog in ("pip", "pip3") and words[:1] == ["install"] and len(words) > 1:
        out.pips += words[1:]
        return "true"
    if prog in ("mkdir", "touch") and words and all(_HOME_PATH.match(w) for w in words):
        return cmd
    if prog == "su" and len(words) == 1:
        return "true"
    return None


def missing_debs(packages: list[str]) -> list[str]:
    """The Debian packages among `packages` that dpkg does not list as installed (all of them
    when dpkg cannot be asked)."""
    import subprocess

    try:
        reply = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n", *packages],
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return list(packages)
    installed = {line.split()[0].split(":")[0] for line in reply.stdout.splitlines()
                 if line.endswith("install ok installed")}
    return [name for name in packages if name not in installed]


def missing_pips(packages: list[str], python: str) -> list[str]:
    """The Python distributions among `packages` that `python` cannot find."""
    import subprocess

    check = "import importlib.metadata as m, sys\nfor n in sys.argv[1:]:\n    try: m.version(n)\n" \
            "    except m.PackageNotFoundError: print(n)"
    try:
        reply = subprocess.run([python, "-c", check, *packages], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return list(packages)
    return reply.stdout.split() if reply.returncode == 0 else list(packages)
