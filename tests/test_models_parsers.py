"""Golden replies per family, from the documented formats and the messy ones seen in the wild."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.models.families import get_family
from agent.models.parsers import parse
from agent.models.resize import Frame
from agent.policy import FormatError

SCREEN = (1920, 1080)
MODEL = (1932, 1092)  # smart_resize(1080, 1920) with the Qwen2.5-VL defaults


def actions(family, text, platform="desktop", pointer=None, model=MODEL):
    fam = get_family(family)
    frame = Frame(SCREEN, model if fam.coords == "absolute" else None)
    return [json.loads(a.to_json()) for a in parse(text, fam, frame, platform=platform, pointer=pointer)]


def click(x, y, button="left", count=1):
    return {"type": "click", "x": x, "y": y, "button": button, "count": count}


def call(action, **args):
    return "<tool_call>\n" + json.dumps({"name": "computer_use", "arguments": {"action": action, **args}}) + \
        "\n</tool_call>"


# --- Qwen2.5-VL: absolute pixels of the resized image --------------------------------------------

def test_qwen25_click_maps_from_the_resized_image():
    # 966/1932 of the width is the middle: 960 on a 1920 screen.
    assert actions("qwen2.5-vl", call("left_click", coordinate=[966, 546])) == [click(960, 540)]


@pytest.mark.parametrize("action,expected", [
    ("right_click", click(960, 540, "right")), ("middle_click", click(960, 540, "middle")),
    ("double_click", click(960, 540, count=2)), ("triple_click", click(960, 540, count=3)),
    ("mouse_move", {"type": "move", "x": 960, "y": 540}),
])
def test_qwen25_pointer_actions(action, expected):
    assert actions("qwen2.5-vl", call(action, coordinate=[966, 546])) == [expected]


def test_qwen25_keys_text_scroll_wait_terminate():
    assert actions("qwen2.5-vl", call("key", keys=["ctrl", "Shift", "t"])) == [
        {"type": "key", "keys": ["ctrl", "shift", "t"]}]
    assert actions("qwen2.5-vl", call("key", keys=["ctrl+c"])) == [{"type": "key", "keys": ["ctrl", "c"]}]
    assert actions("qwen2.5-vl", call("type", text="héllo 世界")) == [{"type": "type", "text": "héllo 世界"}]
    assert actions("qwen2.5-vl", call("scroll", pixels=-5)) == [
        {"type": "scroll", "x": None, "y": None, "direction": "down", "amount": 5}]
    assert actions("qwen2.5-vl", call("scroll", pixels=300, coordinate=[966, 546])) == [
        {"type": "scroll", "x": 960, "y": 540, "direction": "up", "amount": 3}]
    assert actions("qwen2.5-vl", call("wait", time=2)) == [{"type": "wait", "seconds": 2.0}]
    assert actions("qwen2.5-vl", call("terminate", status="failure")) == [
        {"type": "done", "status": "failure", "message": None}]


def test_qwen25_drag_starts_where_the_pointer_is():
    text = call("mouse_move", coordinate=[0, 0]) + call("left_click_drag", coordinate=[1932, 1092])
    assert actions("qwen2.5-vl", text) == [{"type": "move", "x": 0, "y": 0},
                                           {"type": "drag", "x": 0, "y": 0, "to_x": 1919, "to_y": 1079}]
    assert actions("qwen2.5-vl", call("left_click_drag", coordinate=[966, 546]), pointer=(5, 6))[0] == \
        {"type": "drag", "x": 5, "y": 6, "to_x": 960, "to_y": 540}
    # No pointer known: the drag starts wherever the pointer really is (the driver knows).
    assert actions("qwen2.5-vl", call("left_click_drag", coordinate=[966, 546])) == [
        {"type": "drag", "x": None, "y": None, "to_x": 960, "to_y": 540}]


def test_qwen25_mobile_actions():
    mobile = lambda a, **kw: "<tool_call>" + json.dumps({"name": "mobile_use", "arguments": {"action": a, **kw}}) \
        + "</tool_call>"
    assert actions("qwen2.5-vl", mobile("click", coordinate=[966, 546]), "android") == [click(960, 540)]
    assert actions("qwen2.5-vl", mobile("swipe", coordinate=[0, 0], coordinate2=[966, 546]), "android") == [
        {"type": "swipe", "x": 0, "y": 0, "to_x": 960, "to_y": 540, "duration_ms": 300}]
    assert actions("qwen2.5-vl", mobile("long_press", coordinate=[966, 546], time=2), "android") == [
        {"type": "long_press", "x": 960, "y": 540, "duration_ms": 2000}]
    assert actions("qwen2.5-vl", mobile("system_button", button="Back"), "android") == [
        {"type": "button", "name": "back"}]
    assert actions("qwen2.5-vl", mobile("key", text="volume_up"), "android") == [
        {"type": "button", "name": "volume_up"}]
    assert actions("qwen2.5-vl", mobile("open", text="File Manager"), "android") == [
        {"type": "open_app", "name": "File Manager"}]


def test_tool_calls_in_prose_fences_several_and_unclosed():
    text = ("I will click it.\n```json\n" + call("left_click", coordinate=[966, 546]) + "\n```\nthen\n"
            + '<tool_call>\n{"name": "computer_use", "arguments": {"action": "type", "text": "a}b"}}')
    assert actions("qwen2.5-vl", text) == [click(960, 540), {"type": "type", "text": "a}b"}]
    bare = '```\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": "(966, 546)"}}\n```'
    assert actions("qwen2.5-vl", bare) == [click(960, 540)]
    as_string = '<tool_call>{"name": "computer_use", "arguments": "{\\"action\\": \\"wait\\"}"}</tool_call>'
    assert actions("qwen2.5-vl", as_string) == [{"type": "wait", "seconds": 1.0}]
    python_dict = "<tool_call>{'name': 'computer_use', 'arguments': {'action': 'left_click', 'coordinate': [0, 0]}}"
    assert actions("qwen2.5-vl", python_dict) == [click(0, 0)]
    full_width = '<tool_call>｛"name"： "computer_use"， "arguments"： {"action"： "left_click"， "coordinate"： [0， 0]}｝'
    assert actions("qwen2.5-vl", full_width) == [click(0, 0)]


def test_boxes_mean_their_centre_and_points_must_lie_in_the_image():
    assert actions("qwen2.5-vl", call("left_click", coordinate=[0, 0, 1932, 1092])) == [click(960, 540)]
    assert actions("qwen2.5-vl", call("left_click", coordinate=[1932, 1092])) == [click(1919, 1079)]
    with pytest.raises(FormatError, match=r"coordinate: x=5000 is outside 0\.\.1932 \(the 1932x1092 image"):
        actions("qwen2.5-vl", call("left_click", coordinate=[5000, 20]))
    with pytest.raises(FormatError, match=r"y=-20 is outside"):
        actions("qwen2.5-vl", call("left_click", coordinate=[50, -20]))


@pytest.mark.parametrize("text,reason", [
    ("", "empty"), ("I cannot see a button.", "no tool call"),
    (call("fly", coordinate=[1, 2]), "unknown action"), (call("left_click", coordinate=[1, 2, 3]), "3 numbers"),
    (call("mouse_move"), "missing 'coordinate'"), (call("scroll", pixels=0), "non-zero"),
    (call("key", keys=["hyperkey"]), "unknown key"), (call("type", text=""), "type"),
    (call("left_click", coordinate=[float("nan"), 1]), "finite"),
])
def test_unparseable_tool_calls_say_why(text, reason):
    with pytest.raises(FormatError, match=reason):
        actions("qwen2.5-vl", text)


# --- Qwen3-VL: relative 0..999 ------------------------------------------------------------------

def test_qwen3_thought_action_toolcall():
    text = ('Thought: The search bar is at the top.\nAction: "Tap the search bar."\n<tool_call>\n'
            '{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [999, 499.5]}}\n</tool_call>')
    assert actions("qwen3-vl", text, "android") == [click(1919, 540)]
    assert actions("qwen3-vl", call("answer", text="42")) == [{"type": "answer", "text": "42"}]
    assert actions("qwen3-vl", call("hscroll", pixels=-3)) == [
        {"type": "scroll", "x": None, "y": None, "direction": "left", "amount": 3}]


# --- UI-TARS 1.0: relative 0..1000; 1.5: absolute ------------------------------------------------

def test_uitars_thought_action_grammar():
    text = "Thought: I should press OK.\nAction: click(start_box='<|box_start|>(500,500)<|box_end|>')"
    assert actions("ui-tars", text) == [click(960, 540)]
    assert actions("ui-tars", "Action: click(start_box='(250,250,750,750)')") == [click(960, 540)]
    assert actions("ui-tars", "Action: right_single(start_box='(0,0)')") == [click(0, 0, "right")]
    assert actions("ui-tars", "Action: hotkey(key='ctrl c')") == [{"type": "key", "keys": ["ctrl", "c"]}]
    assert actions("ui-tars", "Action: drag(start_box='(0,0)', end_box='(1000,1000)')") == [
        {"type": "drag", "x": 0, "y": 0, "to_x": 1919, "to_y": 1079}]
    assert actions("ui-tars", "Action: scroll(start_box='(500,500)', direction='down')") == [
        {"type": "scroll", "x": 960, "y": 540, "direction": "down", "amount": 5}]
    assert actions("ui-tars", "Action: wait()") == [{"type": "wait", "seconds": 5.0}]
    assert actions("ui-tars", "Action: call_user()") == [{"type": "call_user", "message": ""}]
    assert actions("ui-tars", "Action: finished(content='It is 42.')") == [
        {"type": "answer", "text": "It is 42."}, {"type": "done", "status": "success", "message": "It is 42."}]


def test_uitars_messy_replies():
    # Full-width colons, Chinese thought, unescaped apostrophe, trailing \n meaning submit.
    text = "Thought：我要输入文字。\nAction：type(content='it's done\\n')"
    assert actions("ui-tars", text) == [{"type": "type", "text": "it's done"}, {"type": "key", "keys": ["enter"]}]
    # No Action: line at all; two actions separated by a blank line.
    assert actions("ui-tars", "click(start_box='(500,500)')\n\nhotkey(key='enter')") == [
        click(960, 540), {"type": "key", "keys": ["enter"]}]
    # Reflection / Action_Summary prefixes.
    text = "Reflection: missed.\nAction_Summary: retry.\nAction: left_double(start_box='(500,500)')"
    assert actions("ui-tars", text) == [click(960, 540, count=2)]
    assert actions("ui-tars", "Action: type(content='你好，世界（测试）')") == [
        {"type": "type", "text": "你好，世界（测试）"}]


def test_uitars15_points_are_absolute():
    assert actions("ui-tars-1.5", "Thought: ok\nAction: click(point='<point>966 546</point>')") == [click(960, 540)]
    assert actions("ui-tars-1.5", "Action: drag(start_point='<point>0 0</point>', end_point='<point>966 546</point>')") \
        == [{"type": "drag", "x": 0, "y": 0, "to_x": 960, "to_y": 540}]


def test_uitars_mobile_actions():
    assert actions("ui-tars-1.5", "Action: open_app(app_name='Settings')", "android") == [
        {"type": "open_app", "name": "Settings"}]
    assert actions("ui-tars-1.5", "Action: press_back()", "android") == [{"type": "button", "name": "back"}]
    assert actions("ui-tars-1.5", "Action: long_press(point='<point>0 0</point>')", "android") == [
        {"type": "long_press", "x": 0, "y": 0, "duration_ms": 1000}]
    assert actions("ui-tars", "Action: scroll(start_box='(500,800)', end_box='(500,200)')", "android") == [
        {"type": "swipe", "x": 960, "y": 864, "to_x": 960, "to_y": 216, "duration_ms": 300}]
    assert actions("ui-tars", "Action: type(content='hi\\n')", "android")[-1] == {"type": "button", "name": "enter"}


# --- Qwen2-VL: boxes, relative 0..1000 ----------------------------------------------------------

def test_qwen2_boxes_and_grounding():
    box = "<|box_start|>(250,250),(750,750)<|box_end|>"
    assert actions("qwen2-vl", f"Thought: OK is there.\nAction: click({box})") == [click(960, 540)]
    assert actions("qwen2-vl", "Action: click((250,250),(750,750))") == [click(960, 540)]  # tags stripped
    assert actions("qwen2-vl", f"<|object_ref_start|>OK<|object_ref_end|>{box}") == [click(960, 540)]
    assert actions("qwen2-vl", f"Action: drag({box}, <|box_start|>(0,0),(0,0)<|box_end|>)") == [
        {"type": "drag", "x": 960, "y": 540, "to_x": 0, "to_y": 0}]
    assert actions("qwen2-vl", "Action: fail()") == [{"type": "done", "status": "failure", "message": None}]


@pytest.mark.parametrize("family", ["ui-tars", "ui-tars-1.5", "qwen2-vl"])
@pytest.mark.parametrize("text,reason", [
    ("Thought: hmm", "no 'Action:' line"), ("Action: ", "no action found"),
    ("Action: click()", "no target point"), ("Action: scroll(start_box='(1,1)', direction='sideways')", "direction"),
    ("Action: hotkey(key='')", "no key"), ("Action: click(start_box='(1,2,3)')", "3 numbers"),
])
def test_unparseable_calls_say_why(family, text, reason):
    with pytest.raises(FormatError, match=reason):
        actions(family, text)


# --- untrusted numbers: bounded, in range, never an OverflowError ------------------------------

HUGE = ["1e308", "-1e308", "1" * 400, "-" + "9" * 400, "1e999", "Infinity", "NaN", "1000001"]


def raw(action, fields):
    """A tool call written as raw JSON text, so numbers no Python float holds can be in it."""
    return '<tool_call>{"name": "computer_use", "arguments": {"action": "%s", %s}}</tool_call>' % (action, fields)


@pytest.mark.parametrize("family", ["qwen2.5-vl", "qwen3-vl"])
@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("action,fields,field", [
    ("left_click", '"coordinate": [{v}, 5]', "coordinate"), ("left_click", '"coordinate": [5, {v}]', "coordinate"),
    ("left_click", '"coordinate": "({v}, 5)"', "coordinate"),
    ("left_click", '"coordinate": {{"x": {v}, "y": 1}}', "coordinate"),
    ("swipe", '"coordinate": [1, 1], "coordinate2": [{v}, 1]', "coordinate2"),
    ("left_click_drag", '"coordinate": [1, 1], "start_coordinate": [{v}, 1]', "start_coordinate"),
    ("scroll", '"pixels": {v}', "pixels"), ("hscroll", '"pixels": "{v}"', "pixels"),
    ("wait", '"time": {v}', "time"), ("long_press", '"coordinate": [1, 1], "time": {v}', "time"),
])
def test_huge_and_non_finite_numbers_are_format_errors_naming_the_field(family, value, action, fields, field):
    if '"{v}"' in fields and not value.lstrip("-")[:1].isdigit():
        value = "1" * 400  # in a string only digits are read as a number
    with pytest.raises(FormatError, match=field) as info:
        actions(family, raw(action, fields.format(v=value)))
    assert len(info.value.reason) < 200  # the value is shortened, never copied whole


@pytest.mark.parametrize("family,inside,outside", [
    ("qwen2.5-vl", [(1932, 1092), (0, 0)], [(1933, 5), (5, 1093), (-1, 5), (5, -0.5)]),
    ("qwen3-vl", [(999, 999), (0, 0)], [(1000, 5), (5, 999.5), (-1, 0)]),
])
def test_tool_call_points_must_lie_in_the_model_space(family, inside, outside):
    for point in inside:
        result = actions(family, call("left_click", coordinate=list(point)))[0]
        x, y = result["x"], result["y"]
        assert 0 <= x < SCREEN[0] and 0 <= y < SCREEN[1]
    for point in outside:
        with pytest.raises(FormatError, match=r"coordinate: [xy]=-?[\d.]+ is outside 0\.\.(1932|1092|999)"):
            actions(family, call("left_click", coordinate=list(point)))


@pytest.mark.parametrize("family,limit", [("ui-tars", 1000), ("qwen2-vl", 1000), ("ui-tars-1.5", 1932)])
def test_call_points_must_lie_in_the_model_space(family, limit):
    assert actions(family, f"Action: click(start_box='({limit},0)')") == [click(1919, 0)]
    for text in (f"Action: click(start_box='({limit + 1},0)')", "Action: click(start_box='(5,-1)')",
                 f"Action: drag(start_box='(0,0)', end_box='(0,{10 ** 400})')", "Action: click(start_box='(1e308,0)')"):
        with pytest.raises(FormatError, match="outside|too large"):
            actions(family, text)


@pytest.mark.parametrize("text,reason", [
    (call("wait", time=601), r"time 601 is outside what a wait accepts \(0\.\.600 seconds\)"),
    (call("wait", time=-1), "time -1 is outside"), (call("long_press", coordinate=[1, 1], time=0), "long press"),
    (call("long_press", coordinate=[1, 1], time=61), r"0\.001\.\.60 seconds"),
    (call("scroll", pixels=20000), "200 wheel notches; the most one scroll moves is 100"),
    (call("scroll", pixels=[5]), "pixels"), (call("scroll", pixels=True), "pixels"),
])
def test_durations_and_scrolls_out_of_range_are_refused_not_clamped(text, reason):
    with pytest.raises(FormatError, match=reason):
        actions("qwen2.5-vl", text)


def test_durations_and_scrolls_in_range():
    assert actions("qwen2.5-vl", call("wait", time=600)) == [{"type": "wait", "seconds": 600.0}]
    assert actions("qwen2.5-vl", call("scroll", pixels=25))[0]["amount"] == 25  # up to 25: notches
    assert actions("qwen2.5-vl", call("scroll", pixels=10000))[0]["amount"] == 100  # more: pixels / 100
    assert actions("qwen2.5-vl", call("long_press", coordinate=[1, 1], time=60))[0]["duration_ms"] == 60000
    assert actions("ui-tars", "Action: long_press(start_box='(1,1)', time='0.5')")[0]["duration_ms"] == 500


# --- drags without a start point ----------------------------------------------------------------

def test_drag_starts_at_the_pointer_or_an_earlier_end_point_or_is_left_to_the_driver():
    drag = call("left_click_drag", coordinate=[966, 546])
    assert actions("qwen3-vl", drag.replace("966, 546", "999, 0"), pointer=(7, 8)) == [
        {"type": "drag", "x": 7, "y": 8, "to_x": 1919, "to_y": 0}]
    assert actions("qwen2.5-vl", call("left_click", coordinate=[0, 0]) + drag, pointer=(7, 8))[1] == \
        {"type": "drag", "x": 0, "y": 0, "to_x": 960, "to_y": 540}
    assert actions("qwen2.5-vl", drag + drag) == [{"type": "drag", "x": None, "y": None, "to_x": 960, "to_y": 540},
                                                  {"type": "drag", "x": 960, "y": 540, "to_x": 960, "to_y": 540}]


@pytest.mark.parametrize("family", ["ui-tars", "ui-tars-1.5", "qwen2-vl"])
@pytest.mark.parametrize("text", ["Action: drag(end_box='(5,5)')", "Action: drag(start_box='(5,5)')",
                                  "Action: drag((5,5))"])
def test_call_style_drags_need_both_points(family, text):
    with pytest.raises(FormatError, match=r"drag: needs a start and an end point, e\.g\. drag\(start_box="):
        actions(family, text)


# --- the size cap and the real command line ---------------------------------------------------

def test_replies_over_the_cap_are_refused_unless_the_cap_is_off():
    text = "Thought: " + "a" * 100_000 + "\n" + call("left_click", coordinate=[966, 546])
    fam = get_family("qwen2.5-vl")
    with pytest.raises(FormatError, match=f"the reply is {len(text)} characters, over the 100000-character limit"):
        parse(text, fam, Frame(SCREEN, MODEL))
    with pytest.raises(FormatError, match="over the 50-character limit"):
        parse(text[:60], fam, Frame(SCREEN, MODEL), max_chars=50)
    assert parse(text, fam, Frame(SCREEN, MODEL), max_chars=None)[0].x == 960


def test_the_cli_turns_an_overflow_into_one_line_and_exit_2():
    script = Path(sys.executable).with_name("gui-agent")  # the console script pip installed
    command = [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]
    for family, text in [("qwen2.5-vl", raw("left_click", '"coordinate": [1e308, 5]')),
                         ("qwen3-vl", raw("scroll", '"pixels": ' + "7" * 400))]:
        out = subprocess.run(command + ["parse", "--family", family, "--screen", "1920x1080", text],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: cannot parse the reply: ")
        assert "too large" in out.stderr


