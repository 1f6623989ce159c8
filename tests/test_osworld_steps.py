"""OSWorld set-up steps against real commands, a real X display and real apps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tasks.osworld import windows
from tasks.osworld.paths import eval_dir
from tasks.osworld.steps import (ActivateWindow, CloseWindow, Download, Execute, Launch, Open, PrepareHome,
                                 RequireResources, Sleep)
from tasks.task import MissingResource, SetupError
from tests.helpers.osworld import cache_put, make_ctx


@pytest.fixture
def ctx(tmp_path, xvfb_display):
    c = make_ctx(tmp_path, xvfb_display)
    PrepareHome().run(c)
    yield c
    c.close()


def _wait(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_prepare_home_makes_the_usual_folders(ctx):
    home = ctx.env["HOME"]
    assert all(os.path.isdir(os.path.join(home, d)) for d in ("Desktop", "Documents", "Downloads"))


def test_execute_runs_python_as_this_interpreter_and_saves_stdout(ctx):
    Execute({"command": ["python", "-c", "import sys; print(sys.executable)"], "stdout": "py.txt"}).run(ctx)
    assert (eval_dir(ctx) / "py.txt").read_text().strip() == sys.executable


def test_execute_shell_maps_home_and_fills_screen_placeholders(ctx):
    # The session display is 1280x800; the task writes OSWorld's VM paths.
    Execute({"command": "echo {SCREEN_WIDTH_HALF}x{SCREEN_HEIGHT} > /home/user/Desktop/size.txt && "
                        "python3 -c 'import os; print(os.getcwd())' > ~/cwd.txt", "shell": True}).run(ctx)
    home = ctx.env["HOME"]
    assert open(os.path.join(home, "Desktop", "size.txt")).read().strip() == "640x800"
    assert open(os.path.join(home, "cwd.txt")).read().strip() == home  # commands run in HOME


def test_execute_of_a_missing_program_is_a_setup_error(ctx):
    with pytest.raises(SetupError, match="program not found: no-such-program-xyz"):
        Execute({"command": ["no-such-program-xyz"]}).run(ctx)


def test_a_failing_command_is_not_an_error_as_in_osworld(ctx):
    Execute({"command": ["false"]}).run(ctx)


def test_execute_until_repeats_the_command_until_it_holds(ctx):
    marker = os.path.join(ctx.env["HOME"], "count")
    Execute({"command": f"echo x >> {marker}; wc -l < {marker}", "shell": True,
             "until": {"stdout": "3"}}).run(ctx)
    assert open(marker).read().count("x") == 3


def test_pkill_stops_only_this_tasks_processes(ctx, tmp_path):
    Launch({"command": ["sleep", "300"]}).run(ctx)
    mine = ctx.processes[-1]
    other_env = {**os.environ, "DISPLAY": ":9999", "HOME": str(tmp_path)}
    other = subprocess.Popen(["sleep", "300"], env=other_env, start_new_session=True)
    try:
        Launch({"command": ["pkill", "sleep"]}).run(ctx)
        assert _wait(lambda: mine.poll() is not None, 5)
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_download_copies_from_the_cache_to_the_vm_path(ctx, tmp_path):
    url = "https://example.org/a/report%20final.xlsx"
    src = tmp_path / "src.bin"
    src.write_bytes(b"\x00data")
    cache_put(ctx, url, src)
    Download({"files": [{"url": url, "path": "/home/user/Documents/r.xlsx"}]}).run(ctx)
    assert open(os.path.join(ctx.env["HOME"], "Documents", "r.xlsx"), "rb").read() == b"\x00data"


def test_a_file_missing_from_the_cache_is_missing_resource_with_its_url(ctx):
    url = "https://example.org/not-cached.docx"
    with pytest.raises(MissingResource) as err:
        Download({"files": [{"url": url, "path": "/home/user/x.docx"}]}).run(ctx)
    assert err.value.url == url
    with pytest.raises(MissingResource) as err:
        RequireResources({"urls": [url, "https://example.org/other"]}).run(ctx)
    assert err.value.url == url and "and 1 more" in str(err.value)


def test_sleep_waits(ctx):
    t = time.monotonic()
    Sleep({"seconds": 0.3}).run(ctx)
    assert time.monotonic() - t >= 0.3


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("mousepad"), reason="needs mousepad (apt-get install mousepad)")
def test_open_a_file_then_find_activate_and_close_its_window(ctx):
    note = os.path.join(ctx.env["HOME"], "Desktop", "notes.txt")
    with open(note, "w") as f:
        f.write("hello\n")
    Open({"path": "/home/user/Desktop/notes.txt"}).run(ctx)  # xdg-open picks mousepad
    found = windows.find_windows(ctx, "notes.txt")
    assert found
    title = windows.window_name(ctx, found[-1])
    assert windows.find_windows(ctx, title, strict=True) and not windows.find_windows(ctx, title.upper(), strict=True)
    ActivateWindow({"window_name": title, "strict": True}).run(ctx)
    assert any(n.endswith("1 found") for n in ctx.extra["osworld_log"] if "activate_window" in n)
    CloseWindow({"window_name": "notes.txt"}).run(ctx)
    assert _wait(lambda: not windows.find_windows(ctx, "notes.txt"))


def test_open_names_what_it_could_not_open(ctx):
    with pytest.raises(SetupError, match="no such file or program: /home/user/none.txt"):
        Open({"path": "/home/user/none.txt"}).run(ctx)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("mousepad"), reason="needs mousepad (apt-get install mousepad)")
def test_osworld_save_postconfig_saves_the_focused_document(ctx):
    """The postconfig most tasks end with: focus the window, then pyautogui presses ctrl+s."""
    note = os.path.join(ctx.env["HOME"], "draft.txt")
    with open(note, "w") as f:
        f.write("old\n")
    Open({"path": "/home/user/draft.txt"}).run(ctx)
    ActivateWindow({"window_name": "draft.txt"}).run(ctx)
    # An unmodified document is not saved, and a busy machine may show the window before its
    # text area takes keys: edit and save again until the file changes.
    for _ in range(5):
        subprocess.run(["xdotool", "type", "new "], env=ctx.env, check=True)
        Execute({"command": ["python", "-c", "import pyautogui; pyautogui.hotkey('ctrl', 's')"]}).run(ctx)
        if _wait(lambda: open(note).read() != "old\n", 4):
            break
    assert _wait(lambda: open(note).read() != "old\n", 10), ctx.extra["osworld_log"]
