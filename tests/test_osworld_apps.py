"""OSWorld set-up steps that drive real apps: chromium (tabs over its DevTools port) and
LibreOffice (opening a workbook). Skipped where the app is not installed."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tasks.osworld import chrome, windows
from tasks.osworld.getters.browser import (active_tab_info, active_tab_url_parse, active_url_from_accessTree,
                                           open_tabs_info, url_dashPart)
from tasks.osworld.steps import ActivateWindow, ChromeCloseTabs, ChromeOpenTabs, Execute, Launch, Open, PrepareHome
from tests.helpers.osworld import make_ctx, make_xlsx

pytestmark = pytest.mark.slow


@pytest.fixture
def ctx(tmp_path, xvfb_display):
    c = make_ctx(tmp_path, xvfb_display)
    PrepareHome().run(c)
    yield c
    c.close()


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium (apt-get install chromium)")
def test_chrome_tabs_open_list_and_close_on_the_tasks_own_port(ctx):
    Launch({"command": ["google-chrome", "--remote-debugging-port=1337"]}).run(ctx)
    Launch({"command": ["socat", "tcp-listen:9222,fork", "tcp:localhost:1337"]}).run(ctx)  # skipped
    args = ctx.processes[-1].args  # the command the browser was started with
    assert len(ctx.processes) == 1
    port = chrome.debug_port(ctx)
    assert f"--remote-debugging-port={port}" in args and "--remote-debugging-port=1337" not in args
    assert f"--user-data-dir={ctx.env['HOME']}/.config/google-chrome" in args
    assert "--no-sandbox" in args and "--disable-gpu" in args

    pages = ["data:text/html,<title>First</title>one", "data:text/html,<title>Second</title>two"]
    ChromeOpenTabs({"urls_to_open": pages}).run(ctx)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tabs = open_tabs_info(ctx, {})
        if sorted(t["title"] for t in tabs) == ["First", "Second"]:
            break
        time.sleep(0.3)
    assert sorted(t["title"] for t in tabs) == ["First", "Second"]  # the blank first tab is gone
    assert active_tab_info(ctx, {})["title"] in ("First", "Second")

    ChromeCloseTabs({"urls_to_close": [pages[0]]}).run(ctx)
    assert _eventually(lambda: [t["title"] for t in open_tabs_info(ctx, {})] == ["Second"])

    with _local_site() as base:
        ChromeOpenTabs({"urls_to_open": [f"{base}/shop/red-shoes?q=cats&lang=en"]}).run(ctx)
        assert _eventually(lambda: "red-shoes" in (active_url_from_accessTree(ctx, {}) or ""))
    assert active_tab_url_parse(ctx, {"parse_keys": ["q", "lang"], "replace": {"lang": "language"}}) == \
        {"q": "cats", "language": "en"}
    assert url_dashPart(ctx, {"partIndex": 4, "needDeleteId": True, "returnType": "json", "key": "item"}) == \
        {"item": "red-shoes"}

    Launch({"command": ["pkill", "chrome"]}).run(ctx)  # OSWorld's name; only this task's browser
    assert _eventually(lambda: ctx.processes[0].poll() is not None)


@contextlib.contextmanager
def _local_site():
    """A throw-away HTTP server on localhost (workers have no internet)."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<title>Shop</title>shoes")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _eventually(predicate, timeout=15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice Calc (apt-get install libreoffice-calc)")
def test_a_calc_task_edited_then_saved_by_its_postconfig_is_scored(ctx):
    """Open a workbook by OSWorld's `open`, type into it, run the usual postconfig (activate
    the window by its exact title, ctrl+s through pyautogui) and score with compare_table:
    no first-start dialog or format question may stop the save."""
    from tasks.osworld.metrics.table import compare_table

    book = make_xlsx(Path(ctx.env["HOME"]) / "Budget.xlsx", [["Month", "Total"], ["Jan", 3]])
    Open({"path": "/home/user/Budget.xlsx"}).run(ctx)
    title = "Budget.xlsx - LibreOffice Calc"
    assert _eventually(lambda: bool(windows.find_windows(ctx, title, strict=True)), 30)
    time.sleep(1.0)  # Calc draws its grid after mapping the window
    ActivateWindow({"window_name": title, "strict": True}).run(ctx)
    assert ctx.extra["osworld_log"][-1] == f"activate_window {title!r}: 1 found"
    subprocess.run(["xdotool", "type", "--delay", "30", "hello"], env=ctx.env, check=True)
    subprocess.run(["xdotool", "key", "Return"], env=ctx.env, check=True)
    Execute({"command": ["python", "-c", 'import pyautogui; pyautogui.hotkey("ctrl", "s");']}).run(ctx)
    rule = {"type": "check_cell", "sheet_idx": 0, "coordinate": "A1", "props": {"value": {"method": "eq", "ref": "hello"}}}
    assert _eventually(lambda: compare_table(str(book), None, rules=[rule]) == 1.0, 15)


@pytest.mark.skipif(not shutil.which("mousepad"), reason="needs mousepad (apt-get install mousepad)")
def test_window_size_and_a_vs_code_style_command_getter(ctx):
    from tasks.osworld.getters.apps import vscode_config
    from tasks.osworld.getters.commands import vm_window_size

    assert vm_window_size(ctx, {"app_class_name": "mousepad"}) is None
    Open({"path": "mousepad"}).run(ctx)
    size = vm_window_size(ctx, {"app_class_name": "mousepad"})
    assert size["width"] > 100 and size["height"] > 100
    # The getter types a command into the focused app, then fetches the file it names.
    (Path(ctx.env["HOME"]) / "out.json").write_text("{}")
    got = vscode_config(ctx, {"vscode_extension_command": "x", "path": "/home/user/out.json", "dest": "o.json"})
    assert Path(got).read_text() == "{}"


def test_default_video_player_reads_the_users_mime_defaults(ctx):
    from tasks.osworld.getters.apps import default_video_player

    assert default_video_player(ctx, {}) == "unknown"
    home = Path(ctx.env["HOME"])
    (home / ".local/share/applications").mkdir(parents=True)
    (home / ".local/share/applications/vlc.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=VLC\nExec=vlc %U\nMimeType=video/mp4;\n")
    (home / ".config").mkdir(exist_ok=True)
    (home / ".config/mimeapps.list").write_text("[Default Applications]\nvideo/mp4=vlc.desktop\n")
    assert default_video_player(ctx, {}).strip() == "vlc.desktop"
