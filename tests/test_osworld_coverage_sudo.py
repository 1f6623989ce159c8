"""Set-up commands that use sudo, run without it (tasks/osworld/sudo.py), and VLC launched
with its web interface for the vlc_playing_info getter."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tasks.osworld.steps import Execute, Launch
from tasks.osworld.sudo import plan
from tasks.task import SetupError
from tests.helpers.osworld import make_ctx

PW = "echo {CLIENT_PASSWORD} | sudo -S "


@pytest.mark.parametrize("command, replaced, debs, pips", [
    (PW + "apt-get update -y && " + PW + "apt-get install unzip -y && unzip a.zip -d /home/user/Desktop/",
     "true && true && unzip a.zip -d /home/user/Desktop/", ["unzip"], []),
    (PW + "apt install xsel && xsel -bc", "true && xsel -bc", ["xsel"], []),
    (PW + "pip install pysrt", "true", [], ["pysrt"]),
    (PW + "mkdir ~/Desktop/todo_list_Jan_1", "mkdir ~/Desktop/todo_list_Jan_1", [], []),
    (PW + "su - charles", "true", [], []),
    ("sudo apt-get install -y jq expect; echo done", "true; echo done", ["jq", "expect"], []),
])
def test_safe_sudo_parts_are_replaced(command, replaced, debs, pips):
    got = plan(command)
    assert (got.command, got.debs, got.pips) == (replaced, debs, pips)


@pytest.mark.parametrize("command", [
    PW + "rm -rf /opt/x",
    PW + "mkdir /etc/x",                  # outside HOME
    PW + "apt-get remove firefox",
    "sudo -u other touch ~/x",
    ["sudo", "apt-get", "install", "jq"],  # an argv runs sudo itself
    "echo x | sudo tee /etc/hosts",
])
def test_other_sudo_is_not_supported(command):
    assert plan(command) is None


def test_an_installed_package_passes_and_the_rest_of_the_command_runs(tmp_path):
    ctx = make_ctx(tmp_path)
    Execute({"command": PW + "apt-get update && " + PW + "apt-get install -y coreutils && touch ~/ran",
             "shell": True}).run(ctx)
    assert (Path(ctx.env["HOME"]) / "ran").is_file()


def test_a_missing_package_fails_the_set_up_naming_it(tmp_path):
    ctx = make_ctx(tmp_path)
    with pytest.raises(SetupError, match=r"installs no-such-package-zz9 as root.*apt-get install no-such-package-zz9"):
        Execute({"command": PW + "apt-get install -y coreutils no-such-package-zz9", "shell": True}).run(ctx)
    with pytest.raises(SetupError, match=r"Python package no-such-dist-zz9"):
        Execute({"command": PW + "pip install pytest no-such-dist-zz9", "shell": True}).run(ctx)
    Execute({"command": PW + "pip install pytest", "shell": "true"}).run(ctx)  # installed in this Python


def test_mkdir_in_home_and_su_run_as_the_worker(tmp_path):
    ctx = make_ctx(tmp_path)
    (Path(ctx.env["HOME"]) / "Desktop").mkdir()
    Execute({"command": PW + "mkdir ~/Desktop/todo_list_Jan_1", "shell": True}).run(ctx)
    assert (Path(ctx.env["HOME"]) / "Desktop" / "todo_list_Jan_1").is_dir()
    Execute({"command": PW + "su - charles", "shell": True}).run(ctx)
    assert ctx.extra["osworld_log"][-1].endswith("-> 0")


def test_unsafe_sudo_fails_the_set_up(tmp_path):
    with pytest.raises(SetupError, match="only package installs"):
        Execute({"command": PW + "rm -rf /opt/x", "shell": True}).run(make_ctx(tmp_path))


def _recorder(folder: Path) -> Path:
    """An executable named vlc that writes the arguments it was started with."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "vlc"
    program.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                       f"pathlib.Path({str(folder / 'args')!r}).write_text('\\n'.join(sys.argv[1:]))\n")
    program.chmod(0o755)
    return folder / "args"


@pytest.mark.parametrize("command, shell", [
    ("VLC_VERBOSE=-1 vlc --no-audio --no-video-title-show '/home/user/Desktop/a b.mp4'", True),
    (["vlc", "--repeat", "/home/user/Desktop/a b.mp4"], False),
])
def test_vlc_starts_with_its_web_interface_on_the_tasks_port(tmp_path, command, shell):
    ctx = make_ctx(tmp_path)
    args = _recorder(tmp_path / "bin")
    ctx.env["PATH"] = f"{tmp_path / 'bin'}:{ctx.env['PATH']}"
    Launch({"command": command, "shell": shell}).run(ctx)
    deadline = time.monotonic() + 10
    while not args.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    got = args.read_text().splitlines()
    port = ctx.extra["vlc_http_port"]
    assert got[:4] == ["--extraintf=http", "--http-host=127.0.0.1", f"--http-port={port}", "--http-password=password"]
    assert got[-1] == f"{ctx.env['HOME']}/Desktop/a b.mp4"
    ctx.close()
