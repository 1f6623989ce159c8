"""The code strings OSWorldAgent hands OSWorld's harness, for every canonical action and any text:
they compile (also behind OSWorld's one-line prefix), call nothing but the pyautogui / time /
xclip calls we write, with literal arguments that say exactly what the action says, and hold
nothing OSWorld's DesktopEnv.step would rewrite."""

import ast
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.harness.pyautogui_code import (DONE, FAIL, MISTYPED, PYAUTOGUI_KEYS, WAIT, CodeWriter, bytes_literal,
                                          literal)
from drivers.actions import ACTION_TYPES, parse_action
from drivers.base import ActionRefused
from drivers.keys import CANONICAL

PREFIX = "import pyautogui; import time; pyautogui.FAILSAFE = False; {command}"
"""How OSWorld's PythonController wraps a code string for `python -c` in the VM."""
REWRITES = [re.compile(r"pyautogui\.typewrite\("), re.compile(r"pyautogui\.press\(\s*[\"'](?:<|\\u003c)")]
"""What OSWorld's DesktopEnv.step rewrites in a code string (_fix_pyautogui_less_than_bug)."""
CALLS = {("pyautogui", n) for n in ("click", "moveTo", "mouseDown", "mouseUp", "dragTo", "scroll", "hscroll",
                                    "write", "hotkey", "press")} | {("time", "sleep"), ("subprocess", "run")}
CLIP_IN, CLIP_OUT = ["xclip", "-selection", "clipboard", "-i"], ["xclip", "-selection", "clipboard", "-o"]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def calls(code: str) -> list[tuple[str, list, dict]]:
    """(module.function, positional values, keyword values) of each call, after checking that the
    code is only imports of pyautogui/time/subprocess, calls of CALLS with literal arguments, and
    the one `_clipboard = subprocess.run(xclip -o)` the paste keeps the clipboard in."""
    compile(PREFIX.format(command=code), "<osworld>", "exec")
    tree = ast.parse(code)
    out = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            assert [a.name for a in node.names] in (["pyautogui"], ["time"], ["subprocess"]) and \
                all(a.asname is None for a in node.names), ast.dump(node)
            continue
        if isinstance(node, ast.Assign):
            assert [ast.unparse(t) for t in node.targets] == ["_clipboard"], ast.dump(node)
            call = node.value
        else:
            assert isinstance(node, ast.Expr), ast.dump(node)
            call = node.value
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute), ast.dump(node)
        assert isinstance(call.func.value, ast.Name), ast.dump(call.func)
        name = (call.func.value.id, call.func.attr)
        assert name in CALLS, name
        args = [value(a) for a in call.args]
        kwargs = {k.arg: value(k.value) for k in call.keywords}
        assert None not in kwargs
        if isinstance(node, ast.Assign):
            assert name == ("subprocess", "run") and args == [CLIP_OUT]
        out.append((".".join(name), args, kwargs))
    return out


def value(node):
    """The value of a literal argument; the two names a paste may pass, as strings."""
    if isinstance(node, ast.Attribute) and ast.unparse(node) in ("subprocess.DEVNULL", "subprocess.PIPE",
                                                                 "_clipboard.stdout"):
        return ast.unparse(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        assert isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float)
    elif isinstance(node, ast.List):
        assert all(isinstance(e, ast.Constant) for e in node.elts)
    else:
        assert isinstance(node, ast.Constant), ast.dump(node)
    return ast.literal_eval(node)


# --- canonical actions of every kind, anywhere on any screen, with any text ----------------------------

SCREEN = st.tuples(st.integers(1, 5000), st.integers(1, 5000))
# Any code point but lone surrogates (which a canonical action cannot hold), with the characters
# that break quoting drawn often enough to be in most texts.
CHAR = st.one_of(st.sampled_from("'\"\\\n\r\t\x00<>.()`{}$#;"), st.characters(exclude_categories=["Cs"]))
TEXT = st.text(CHAR, min_size=1)
KEY = st.one_of(st.sampled_from(sorted(CANONICAL)), CHAR)


@st.composite
def actions(draw, screen):
    w, h = screen
    point = st.tuples(st.integers(0, w - 1), st.integers(0, h - 1))
    x, y = draw(point)
    to_x, to_y = draw(point)
    maybe = draw(st.booleans())
    kind = draw(st.sampled_from(ACTION_TYPES))
    data = {"click": {"x": x if maybe else None, "y": y if maybe else None,
                      "button": draw(st.sampled_from(["left", "right", "middle"])),
                      "count": draw(st.sampled_from([1, 2, 3]))},
            "move": {"x": x, "y": y},
            "drag": {"x": x if maybe else None, "y": y if maybe else None, "to_x": to_x, "to_y": to_y},
            "swipe": {"x": x, "y": y, "to_x": to_x, "to_y": to_y, "duration_ms": draw(st.integers(1, 2000))},
            "long_press": {"x": x, "y": y, "duration_ms": draw(st.integers(1, 2000))},
            "scroll": {"x": x if maybe else None, "y": y if maybe else None,
                       "direction": draw(st.sampled_from(["up", "down", "left", "right"])),
                       "amount": draw(st.integers(1, 100))},
            "type": {"text": draw(TEXT)},
            "key": {"keys": draw(st.lists(KEY, min_size=1, max_size=6))},
            "button": {"name": draw(st.sampled_from(["back", "home", "recents", "enter", "menu", "power"]))},
            "open_app": {"name": draw(st.text(min_size=1, max_size=20))},
            "wait": {"seconds": draw(st.floats(0, 600))},
            "answer": {"text": draw(st.text())},
            "done": {"status": draw(st.sampled_from(["success", "failure"]))},
            "call_user": {}}[kind]
    return parse_action({"type": kind, **data})


@st.composite
def screen_and_action(draw):
    screen = draw(SCREEN)
    return screen, draw(actions(screen))


@SETTINGS
@given(screen_and_action())
def test_every_action_is_safe_code_that_says_exactly_what_the_action_says(case):
    screen, action = case
    try:
        code = CodeWriter(screen).to_code(action)
    except ActionRefused as exc:
        assert action.type in ("button", "open_app") and str(exc)
        return
    if action.type in ("wait", "done", "call_user", "answer"):
        expected = {"wait": WAIT, "call_user": FAIL, "answer": None,
                    "done": DONE if getattr(action, "status", "") == "success" else FAIL}[action.type]
        assert code == expected
        return
    assert not any(r.search(code) for r in REWRITES), code
    assert code.isascii() and "\x00" not in code
    done = calls(code)
    names = [name for name, _, _ in done]
    match action.type:
        case "click":
            point = [] if action.x is None else [action.x, action.y]
            assert done == [("pyautogui.click", point, {"button": action.button, "clicks": action.count,
                                                        "interval": 0.05 if action.count > 1 else 0})]
        case "move":
            assert done == [("pyautogui.moveTo", [action.x, action.y], {})]
        case "drag" | "swipe" | "long_press":
            end = [action.to_x, action.to_y] if action.type != "long_press" else [action.x, action.y]
            assert set(names) <= {"pyautogui.moveTo", "pyautogui.mouseDown", "pyautogui.mouseUp", "pyautogui.dragTo",
                                  "time.sleep"}
            moves = [args for name, args, _ in done if name in ("pyautogui.moveTo", "pyautogui.dragTo")]
            assert moves[-1] == end
            if action.x is not None:
                assert moves[0] == [action.x, action.y] and names.count("pyautogui.mouseDown") == 1
                assert names[-1] == "pyautogui.mouseUp"
            else:
                assert names == ["pyautogui.dragTo"]
        case "scroll":
            x, y = (screen[0] // 2, screen[1] // 2) if action.x is None else (action.x, action.y)
            sign = 1 if action.direction in ("up", "right") else -1
            fn = "pyautogui.scroll" if action.direction in ("up", "down") else "pyautogui.hscroll"
            assert done == [("pyautogui.moveTo", [x, y], {}), (fn, [sign * action.amount], {})]
        case "type":
            assert typed(done) == action.text
        case "key":
            assert done == [("pyautogui.hotkey", [PYAUTOGUI_KEYS.get(k, k) for k in action.keys], {"interval": 0.02})]
        case "button":
            assert action.name == "enter" and done == [("pyautogui.press", ["enter"], {})]
        case _:
            pytest.fail(f"code for {action.type}: {code}")


def typed(done) -> str:
    """The text a type action's calls enter: written key by key, or pasted (and the clipboard restored)."""
    if [name for name, _, _ in done] == ["pyautogui.write"]:
        return done[0][1][0]
    assert [(n, a) for n, a, _ in done] == [
        ("subprocess.run", [CLIP_OUT]), ("subprocess.run", [CLIP_IN]), ("pyautogui.hotkey", ["ctrl", "v"]),
        ("time.sleep", [0.15]), ("subprocess.run", [CLIP_IN])]
    assert done[1][2] == {"input": done[1][2]["input"], "stdout": "subprocess.DEVNULL", "stderr": "subprocess.DEVNULL",
                          "timeout": 5, "check": True}  # never a pipe: xclip stays behind, holding it
    assert done[4][2]["input"] == "_clipboard.stdout" and done[4][2]["stdout"] == "subprocess.DEVNULL"
    return done[1][2]["input"].decode("utf-8")


@SETTINGS
@given(TEXT, st.sampled_from([(1920, 1080), (1280, 800)]))
def test_any_text_is_typed_exactly(text, screen):
    code = CodeWriter(screen).to_code(parse_action({"type": "type", "text": text}))
    assert not any(r.search(code) for r in REWRITES), code
    assert typed(calls(code)) == text


@SETTINGS
@given(st.text(CHAR))
def test_literals_round_trip_any_text_in_plain_ascii(text):
    for lit, back in ((literal(text), text), (bytes_literal(text.encode("utf-8")), text.encode("utf-8"))):
        assert ast.literal_eval(lit) == back
        assert lit.isascii() and not re.search(r"[.()'\"<>]", lit[lit.index("'") + 1:-1])


@pytest.mark.parametrize("text, how", [
    ("hello world", "write"), ("it's \"quoted\" \\ back\\slash", "write"), ("two\nlines\tand a tab", "write"),
    ("a < b", "paste"), ("naïve 日本語 😀", "paste"), ("nul \x00 here", "paste"), ("cr \r", "paste"),
    ("'); import os; os.system('x'); ('", "write"), ("pyautogui.typewrite('<')", "paste")])
def test_typing_keys_what_the_driver_keys_and_pastes_the_rest(text, how):
    done = calls(CodeWriter((1920, 1080)).to_code(parse_action({"type": "type", "text": text})))
    assert typed(done) == text
    assert (done[0][0] == "pyautogui.write") == (how == "write")


def test_text_that_cannot_be_encoded_or_run_is_refused_with_a_reason():
    from pydantic import ValidationError

    from drivers.actions import Type

    writer = CodeWriter((1920, 1080))
    with pytest.raises(ValidationError):  # a canonical action cannot hold one; built unchecked, it is refused
        parse_action({"type": "type", "text": "ab\ud800"})
    with pytest.raises(ActionRefused, match="unpaired surrogate at 2"):
        writer.to_code(Type.model_construct(text="ab\ud800"))
    with pytest.raises(ActionRefused, match="too long to run"):
        writer.to_code(parse_action({"type": "type", "text": "日" * 20_000}))


def test_points_off_the_screen_are_refused_as_the_driver_refuses_them():
    writer = CodeWriter((1920, 1080))
    for action in ({"type": "click", "x": 1920, "y": 5}, {"type": "move", "x": 5, "y": 1080},
                   {"type": "drag", "x": 1, "y": 1, "to_x": 4000, "to_y": 1}, {"type": "scroll", "x": 1, "y": 2000,
                                                                              "direction": "up"}):
        with pytest.raises(ActionRefused, match="outside the 1920x1080 screen"):
            writer.to_code(parse_action(action))


def test_a_scaled_display_maps_points_as_the_driver_does():
    code = CodeWriter((2560, 1440), input_size=(1280, 720)).to_code(parse_action({"type": "click", "x": 101, "y": 50}))
    assert calls(code)[0][1] == [50.5, 25]


def test_phone_actions_are_refused_and_answers_do_nothing():
    writer = CodeWriter((1920, 1080))
    for name in ("back", "home", "recents", "power"):
        with pytest.raises(ActionRefused, match=f"no '{name}' button"):
            writer.to_code(parse_action({"type": "button", "name": name}))
    enter = writer.to_code(parse_action({"type": "button", "name": "enter"}))
    assert calls(enter) == [("pyautogui.press", ["enter"], {})]
    with pytest.raises(ActionRefused, match="open_app is not available"):
        writer.to_code(parse_action({"type": "open_app", "name": "firefox"}))
    assert writer.to_code(parse_action({"type": "answer", "text": "42"})) is None


def test_the_key_table_and_typing_rule_are_the_drivers():
    from drivers import keys

    assert PYAUTOGUI_KEYS == keys.PYAUTOGUI_NAMES == {"super": "winleft", "menu": "apps"}
    assert MISTYPED == {"<"}  # what the driver measures on Xvfb (test_osworld_agent_effect checks it live)
