"""The browser OSWorld tasks call `google-chrome`: Debian's chromium, one profile per task.

Every launch gets flags that keep a headless worker quiet and offline-safe, a profile folder
under the task HOME (`~/.config/google-chrome`, where OSWorld's getters expect one), and a
remote-debugging port of its own (OSWorld's fixed 1337/9222 would clash between workers).
Tabs are opened and listed through the DevTools HTTP endpoints (`/json/...`); a page's own
values are read over the tab's DevTools websocket (`evaluate`, websocket-client).
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..task import CheckError, SetupError
from .paths import task_home
from .procs import task_port

if TYPE_CHECKING:
    from ..task import TaskContext

CHROME_NAMES = ("google-chrome", "google-chrome-stable", "chromium", "chromium-browser")
"""Program names a task may launch that mean the browser."""

QUIET_FLAGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-quic", "--password-store=basic")


def chromium_binary() -> str:
    """The browser program on this machine; SetupError says how to install one."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise SetupError("no chromium on this machine (apt-get install chromium)")


def profile_dir(ctx: "TaskContext") -> Path:
    """The task's browser profile folder (user-data-dir)."""
    return task_home(ctx) / ".config" / "google-chrome"


def debug_port(ctx: "TaskContext") -> int:
    """This task's remote-debugging port, chosen free once per task."""
    return task_port(ctx, "chrome_debug")


def browser_argv(ctx: "TaskContext", argv: list[str]) -> list[str]:
    """Rewrite a task's `google-chrome ARGS` into this worker's chromium command."""
    args = [a for a in argv[1:] if not a.startswith(("--remote-debugging-port", "--user-data-dir"))]
    profile = profile_dir(ctx)
    profile.mkdir(parents=True, exist_ok=True)
    return [chromium_binary(), *QUIET_FLAGS, f"--user-data-dir={profile}",
            f"--remote-debugging-port={debug_port(ctx)}", "--remote-allow-origins=*", *args]


def is_forwarder(argv: list[str]) -> bool:
    """OSWorld's `socat tcp-listen:9222,fork tcp:localhost:1337` exposes the debugging port to
    the host; here the port is reachable already, so such a launch is skipped."""
    return bool(argv) and Path(argv[0]).name == "socat" and any("tcp-listen" in a for a in argv)


def _http(ctx: "TaskContext", path: str, method: str = "GET", timeout: float = 5.0) -> Any:
    url = f"http://127.0.0.1:{debug_port(ctx)}{path}"
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read().decode("utf-8", "replace")
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return body


def wait_ready(ctx: "TaskContext", timeout: float = 30.0) -> bool:
    """Wait until the task's browser answers on its debugging port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _http(ctx, "/json/version", timeout=2)
            return True
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    return False


def tabs(ctx: "TaskContext") -> list[dict[str, Any]]:
    """The open tabs (DevTools targets of type 'page'), most recently active first."""
    return [t for t in _http(ctx, "/json/list") if t.get("type") == "page"]


def open_tab(ctx: "TaskContext", url: str) -> dict[str, Any]:
    """Open `url` in a new tab (newer chromium insists on PUT for /json/new)."""
    path = "/json/new?" + urllib.parse.quote(url, safe="")
    try:
        return _http(ctx, path, method="PUT")
    except urllib.error.HTTPError:
        return _http(ctx, path)


def close_tab(ctx: "TaskContext", tab_id: str) -> None:
    _http(ctx, f"/json/close/{tab_id}")


def evaluate(tab: dict, expression: str, timeout: float = 30.0) -> Any:
    """The value of a JavaScript expression in a tab (DevTools `Runtime.evaluate`, awaited)."""
    import websocket  # websocket-client: the DevTools protocol is JSON over a websocket

    try:
        ws = websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True)
    except (OSError, websocket.WebSocketException, KeyError) as exc:
        raise CheckError(f"cannot reach the tab {tab.get('url')!r} over DevTools: {exc}") from None
    try:
        ws.send(json.dumps({"id": 1, "method": "Runtime.evaluate",
                            "params": {"expression": expression, "returnByValue": True, "awaitPromise": True}}))
        while True:
            reply = json.loads(ws.recv())
            if reply.get("id") == 1:
                break
    except (OSError, websocket.WebSocketException) as exc:
        raise CheckError(f"the tab {tab.get('url')!r} stopped answering: {exc}") from None
    finally:
        ws.close()
    result = reply.get("result", {})
    if "exceptionDetails" in result or "error" in reply:
        raise CheckError(f"script failed in {tab.get('url')!r}: {result.get('exceptionDetails') or reply['error']}")
    return result.get("result", {}).get("value")
