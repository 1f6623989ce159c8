"""Model text never runs as a shell command on the phone.

The commands the fake phone received are run again in a real `sh -c`, in an empty folder,
with a PATH that holds only recording stand-ins for the phone's tools (and for the tools an
injection would call: rm, whoami, id, ...). The stand-ins must receive exactly the literal
text and nothing else may run or create a file.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest

from drivers.actions import parse_action
from drivers.base import ActionRefused
from tests.doubles.fake_adb.input import android_input_text

HOSTILE = "; rm -rf / & | $(whoami) `id` 'quotes' \"dq\" \n > /tmp/x * ~ >> out.txt < in $HOME \\ %s !$ {a,b} #"
HOSTILE_UNICODE = "héllo; rm -rf / & $(whoami) `id` 'q' \"dq\"\n> /tmp/x * ~ 世界 🙂"
PHONE_TOOLS = ("input", "am", "ime", "settings", "monkey", "pm", "cmd", "wm", "dumpsys", "getprop",
               "screencap", "uiautomator", "cat", "test", "mkdir")
TRAPS = ("rm", "whoami", "id", "sh", "bash", "ls", "echo", "touch", "curl")
SEP = "\x1e"


@pytest.fixture
def sandbox(tmp_path):
    """Run command lines in `sh -c` with stand-in tools; returns (run, calls, workdir)."""
    bin_dir, work, log = tmp_path / "bin", tmp_path / "work", tmp_path / "calls.log"
    bin_dir.mkdir()
    work.mkdir()
    (work / "GLOB_ME").write_text("")  # a glob that expands would show this name
    for tool in PHONE_TOOLS + TRAPS:
        script = bin_dir / tool
        # printf is a shell builtin: the stand-in needs nothing from PATH.
        script.write_text(f'#!/bin/sh\nprintf "%s\\0" "{tool}" "$@" >> "$CALLS_LOG"\nprintf "{SEP}" >> "$CALLS_LOG"\n')
        script.chmod(0o755)
    env = {"PATH": str(bin_dir), "CALLS_LOG": str(log), "HOME": "/nonexistent-home"}

    def run(line: str) -> None:
        subprocess.run(["/bin/sh", "-c", line], cwd=work, env=env, timeout=10,
                       stdin=subprocess.DEVNULL, capture_output=True)

    def calls() -> list[list[str]]:
        if not log.exists():
            return []
        return [rec.split("\0")[:-1] for rec in log.read_text().split(SEP) if rec]

    return run, calls, work


def typed_by(calls: list[list[str]]) -> str:
    """What the phone would type, given the stand-ins' argv: input text / ENTER / IME base64."""
    out = []
    for argv in calls:
        match argv:
            case ["input", "text", arg]:
                out.append(android_input_text(arg))
            case ["input", "keyevent", "KEYCODE_ENTER"]:
                out.append("\n")
            case ["am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg", b64]:
                out.append(base64.b64decode(b64).decode("utf-8"))
            case _:
                pass
    return "".join(out)


def test_the_sandbox_catches_an_injection(sandbox):
    """The harness can fail: an unquoted command does run whoami and globs."""
    run, calls, work = sandbox
    run("input text $(whoami) *")
    assert ["whoami"] in calls()
    assert ["input", "text", "GLOB_ME"] in calls()


def _replay(phone, run, start: int) -> None:
    for line in phone.commands[start:]:
        run(line)


def _assert_clean(calls, work: Path, x_before: float | None) -> None:
    names = {argv[0] for argv in calls}
    assert names <= set(PHONE_TOOLS), f"something else ran: {names - set(PHONE_TOOLS)}"
    assert sorted(p.name for p in work.iterdir()) == ["GLOB_ME"]
    x_now = os.stat("/tmp/x").st_mtime if os.path.exists("/tmp/x") else None
    assert x_now == x_before, "/tmp/x was written"


def _x_mtime():
    return os.stat("/tmp/x").st_mtime if os.path.exists("/tmp/x") else None


def test_hostile_ascii_text_is_typed_literally(android, phone, sandbox):
    run, calls, work = sandbox
    x_before, start = _x_mtime(), len(phone.commands)
    android.execute(parse_action({"type": "type", "text": HOSTILE}))
    assert phone.text == HOSTILE  # the fake phone's own reading agrees
    _replay(phone, run, start)
    assert typed_by(calls()) == HOSTILE
    assert {tuple(a[:2]) for a in calls()} <= {("input", "text"), ("input", "keyevent")}
    _assert_clean(calls(), work, x_before)


def test_hostile_unicode_text_is_typed_literally(android, phone, sandbox):
    run, calls, work = sandbox
    phone.install_adb_keyboard()
    x_before, start = _x_mtime(), len(phone.commands)
    android.execute(parse_action({"type": "type", "text": HOSTILE_UNICODE}))
    assert phone.text == HOSTILE_UNICODE
    _replay(phone, run, start)
    assert typed_by(calls()) == HOSTILE_UNICODE
    _assert_clean(calls(), work, x_before)


@pytest.mark.parametrize("key", [";", "$", "`", "'", '"', "*", "~", "&", "|", ">", "\\"])
def test_hostile_single_keys(android, phone, sandbox, key):
    run, calls, work = sandbox
    x_before, start = _x_mtime(), len(phone.commands)
    android.execute(parse_action({"type": "key", "keys": [key]}))
    _replay(phone, run, start)
    recorded = calls()
    assert recorded and all(argv[:1] == ["input"] for argv in recorded)
    if recorded[0][1] == "text":
        assert typed_by(recorded) == key
    _assert_clean(recorded, work, x_before)


@pytest.mark.parametrize("name", [HOSTILE, "com.android.settings; rm -rf /", "$(whoami)", "`id`", "Settings\nrm -rf /"])
def test_hostile_app_names_never_reach_a_command(android, phone, sandbox, name):
    run, calls, work = sandbox
    x_before, start = _x_mtime(), len(phone.commands)
    with pytest.raises(ActionRefused):
        android.execute(parse_action({"type": "open_app", "name": name}))
    sent = phone.commands[start:]
    assert not any(fragment in line for line in sent for fragment in ("rm -rf", "whoami", "`id`"))
    _replay(phone, run, start)
    _assert_clean(calls(), work, x_before)
