"""Exact effect on a real X server and a real app: each canonical action, once carried out by our
desktop driver and once as OSWorldAgent's code string run the way OSWorld's VM runs it (a
`python -c` child of a server holding its output pipes, behind OSWorld's one-line prefix), gives
the app the same presses, releases, wheel clicks, keys and text, leaves the pointer in the same
place and the clipboard as it was."""

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from agent.harness.pyautogui_code import MISTYPED, CodeWriter
from drivers.actions import parse_action
from tests.helpers.tk import SCREEN

pytestmark = pytest.mark.slow

PREFIX = "import pyautogui; import time; pyautogui.FAILSAFE = False; {command}"
"""How OSWorld's PythonController wraps a code string for `python -c` in the VM."""
CLIPBOARD = "saved clipboard ✓"
# A full-screen window: a text box (focused) that logs its content, a pad for drags, and every
# button press/release (wheel clicks are buttons 4-7 on X) and key press the app receives.
APP = textwrap.dedent(f"""
    import json, sys, tkinter as tk
    log = sys.argv[1]
    def write(**e):
        with open(log, "a", encoding="utf-8") as f: f.write(json.dumps(e, ensure_ascii=False) + "\\n")
    root = tk.Tk(); root.geometry("{SCREEN[0]}x{SCREEN[1]}+0+0"); root.configure(bg="white")
    text = tk.Text(root, font=("DejaVu Sans", 14)); text.place(x=100, y=300, width=700, height=300)
    pad = tk.Canvas(root, bg="#ddd", highlightthickness=0); pad.place(x=900, y=100, width=300, height=300)
    root.bind_all("<ButtonPress>", lambda e: write(event="press", button=e.num, x=e.x_root, y=e.y_root,
                                                   state=e.state))
    root.bind_all("<ButtonRelease>", lambda e: write(event="release", button=e.num, x=e.x_root, y=e.y_root))
    root.bind_all("<KeyPress>", lambda e: write(event="key", keysym=e.keysym))
    last = [""]
    def poll():
        now = text.get("1.0", "end-1c")
        if now != last[0]:
            last[0] = now
            write(event="text", text=now)
        root.after(30, poll)
    text.focus_set()
    root.after(200, lambda: (write(event="ready"), poll()))
    root.mainloop()
""")

CASES = {
    "click": ({"type": "click", "x": 950, "y": 150}, None),
    "double click": ({"type": "click", "x": 960, "y": 160, "count": 2}, None),
    "triple right click": ({"type": "click", "x": 970, "y": 170, "button": "right", "count": 3}, None),
    "middle click": ({"type": "click", "x": 980, "y": 180, "button": "middle"}, None),
    "click where the pointer is": ({"type": "click"}, (1000, 200)),
    "move": ({"type": "move", "x": 1111, "y": 222}, None),
    "drag": ({"type": "drag", "x": 950, "y": 150, "to_x": 1150, "to_y": 350}, None),
    "drag from the pointer": ({"type": "drag", "to_x": 1100, "to_y": 300}, (920, 120)),
    "swipe": ({"type": "swipe", "x": 1150, "y": 350, "to_x": 950, "to_y": 150, "duration_ms": 200}, None),
    "long press": ({"type": "long_press", "x": 1000, "y": 250, "duration_ms": 300}, None),
    "scroll down": ({"type": "scroll", "x": 1000, "y": 200, "direction": "down", "amount": 3}, None),
    "scroll up": ({"type": "scroll", "x": 1000, "y": 200, "direction": "up", "amount": 2}, None),
    "scroll left": ({"type": "scroll", "x": 1000, "y": 200, "direction": "left", "amount": 2}, None),
    "scroll right at the centre": ({"type": "scroll", "direction": "right", "amount": 1}, None),
    "type ascii": ({"type": "type", "text": "hello world 123"}, None),
    "type quotes and backslashes": ({"type": "type", "text": "it's \"quoted\" \\ C:\\path\\n '''"}, None),
    "type newlines and tabs": ({"type": "type", "text": "one\ntwo\tthree\n"}, None),
    "type injection": ({"type": "type", "text": "'); import os; os.system('echo pwned'); ('"}, None),
    "type less-than": ({"type": "type", "text": "a < b > c"}, None),
    "type unicode": ({"type": "type", "text": "naïve café — 日本語 ‘x’ «y» 😀\nÆØÅ"}, None),
    "type typewrite bait": ({"type": "type", "text": "pyautogui.typewrite('<') pyautogui.press('<')"}, None),
    "hotkey": ({"type": "key", "keys": ["ctrl", "shift", "z"]}, None),
    "capital letter": ({"type": "key", "keys": ["A"]}, None),
    "keys pyautogui names differently": ({"type": "key", "keys": ["super"]}, None),
    "menu key": ({"type": "key", "keys": ["menu"]}, None),
    "function and quote keys": ({"type": "key", "keys": ["f5"]}, None),
    "quote key": ({"type": "key", "keys": ["'"]}, None),
    "enter button": ({"type": "button", "name": "enter"}, None),
}


def clipboard(text: str | None = None) -> str:
    argv = ["xclip", "-selection", "clipboard"]
    if text is not None:
        subprocess.run(argv + ["-i"], input=text.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=5, check=True)
        return text
    return subprocess.run(argv + ["-o"], capture_output=True, timeout=5).stdout.decode()


def observe(desktop, tmp_path, name: str, act, pointer) -> tuple[list, str, tuple, str]:
    """What the app saw while `act()` ran (its events; its text at the end: what the text box held
    on the way depends on how fast each side types), where the pointer ended, the clipboard after."""
    log = tmp_path / f"{name}.jsonl"
    (tmp_path / "app.py").write_text(APP)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "app.py"), str(log)])
    try:
        deadline = time.monotonic() + 20
        while not (log.exists() and '"ready"' in log.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline and proc.poll() is None, "the test app did not start"
            time.sleep(0.05)
        time.sleep(0.2)
        if pointer is not None:
            desktop.execute(parse_action({"type": "move", "x": pointer[0], "y": pointer[1]}))
        clipboard(CLIPBOARD)
        start = log.stat().st_size
        act()
        quiet_until, size = time.monotonic() + 0.8, -1
        while time.monotonic() < quiet_until:  # the app has seen everything once its log is still
            if log.stat().st_size != size:
                size, quiet_until = log.stat().st_size, time.monotonic() + 0.8
            time.sleep(0.05)
        with log.open(encoding="utf-8") as f:
            f.seek(start)
            events = [json.loads(line) for line in f.read().splitlines() if line]
        texts = [e["text"] for e in events if e["event"] == "text"]
        return ([e for e in events if e["event"] != "text"], texts[-1] if texts else "", desktop.pointer(),
                clipboard())
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def run_as_osworld(code: str) -> None:
    """Run a code string as OSWorld's VM server does: `python -c`, output pipes held, a time limit."""
    out = subprocess.run([sys.executable, "-c", PREFIX.format(command=code)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60, env=os.environ.copy())
    assert out.returncode == 0, out.stderr.decode()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_code_string_does_exactly_what_the_driver_does(name, desktop, tmp_path):
    data, pointer = CASES[name]
    action = parse_action(data)
    code = CodeWriter(desktop.screen_size).to_code(action)
    by_driver = observe(desktop, tmp_path, "driver", lambda: desktop.execute(action), pointer)
    by_code = observe(desktop, tmp_path, "code", lambda: run_as_osworld(code), pointer)
    assert by_code == by_driver
    events, text, where, clip = by_code
    assert clip == CLIPBOARD
    presses = [(e["button"], e["x"], e["y"]) for e in events if e["event"] == "press"]
    match action.type:
        case "click" if action.x is not None:
            button = {"left": 1, "middle": 2, "right": 3}[action.button]
            assert presses == [(button, action.x, action.y)] * action.count
        case "move":
            assert where == (action.x, action.y) and presses == []
        case "drag" | "swipe":
            releases = [(e["x"], e["y"]) for e in events if e["event"] == "release"]
            assert len(presses) == 1 and releases == [(action.to_x, action.to_y)]
        case "scroll":
            # Tk 8.6 reports X's buttons 6 and 7 (horizontal wheel) as shift + 4 and 5.
            button, shift = {"up": (4, 0), "down": (5, 0), "left": (4, 1), "right": (5, 1)}[action.direction]
            wheel = [(e["button"], e["state"] & 1) for e in events if e["event"] == "press"]
            assert wheel == [(button, shift)] * action.amount
        case "type":
            assert text == action.text
        case "key" | "button":
            assert [e for e in events if e["event"] == "key"]


def test_the_fixed_typing_rule_is_what_the_driver_measures_here(desktop):
    assert desktop._mistyped <= MISTYPED


def test_a_served_model_types_into_a_real_app_through_the_harness_loop(desktop, tmp_path):
    """lib_run_single's loop in miniature: predict on the real screen's PNG, each action run as
    OSWorld's server runs it, until DONE; the app holds exactly the text the model wrote."""
    import io

    from agent.harness import OSWorldAgent
    from tests.doubles.openai_server import ChatServer

    text = "naïve 'quoted' \"x\" \\ <tag>\nline 2 😀"
    content = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    replies = iter(["Thought: click the box.\nAction: click(start_box='(352,562)')",
                    f"Thought: type.\nAction: type(content='{content}')", "Action: wait()", "Action: finished()"])
    log = tmp_path / "events.jsonl"
    (tmp_path / "app.py").write_text(APP)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "app.py"), str(log)])
    try:
        deadline = time.monotonic() + 20
        while not (log.exists() and '"ready"' in log.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline and proc.poll() is None, "the test app did not start"
            time.sleep(0.05)
        with ChatServer(lambda body, images: next(replies)) as server:
            agent = OSWorldAgent("ui-tars-7b", backend="openai", base_url=server.url)
            agent.reset(None)
            done, steps = False, []
            while not done and len(steps) < 6:
                buffer = io.BytesIO()
                desktop.screenshot().save(buffer, format="PNG")
                _, actions = agent.predict("Type the text into the box.", {"screenshot": buffer.getvalue()})
                steps.append(actions)
                for action in actions:
                    if action == "DONE":
                        done = True
                    elif action != "WAIT":
                        run_as_osworld(action)
        assert steps[0] == ["import pyautogui\npyautogui.click(451, 450, button='left', clicks=1, interval=0)"]
        assert len(steps[1]) == 1 and "pyautogui.hotkey('ctrl', 'v'" in steps[1][0]  # non-ASCII: pasted
        assert steps[2:] == [["WAIT"], ["DONE"]]
        deadline = time.monotonic() + 10
        while True:  # the app polls its text box every 30 ms
            events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
            texts = [e["text"] for e in events if e["event"] == "text"]
            if (texts and texts[-1] == text) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert texts[-1] == text
        press = next(e for e in events if e["event"] == "press")
        assert 100 <= press["x"] < 800 and 300 <= press["y"] < 600  # inside the text box
    finally:
        proc.terminate()
        proc.wait(timeout=5)
