"""Golden replies per family, from the documented formats and the messy ones seen in the wild."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.models.families import FAMILIES, get_family
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
    with pytest.raises(FormatError, match="start point"):
        actions("qwen2.5-vl", call("left_click_drag", coordinate=[966, 546]))


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


def test_boxes_mean_their_centre_and_points_clamp_to_the_screen():
    assert actions("qwen2.5-vl", call("left_click", coordinate=[0, 0, 1932, 1092])) == [click(960, 540)]
    assert actions("qwen2.5-vl", call("left_click", coordinate=[5000, -20])) == [click(1919, 0)]


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


# --- never anything but FormatError -------------------------------------------------------------

_FRAGMENTS = st.sampled_from(["<tool_call>", "</tool_call>", "{", "}", '"action"', ":", "Action:", "click(",
                              "start_box='", "(", ")", ",", "'", '"', "<point>", "</point>", "<|box_start|>",
                              "\\", "\n", "left_click", "coordinate", "[", "]", "1e999", "-3", "NaN", "：", "（"])
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, family=st.sampled_from(sorted(FAMILIES)), platform=st.sampled_from(["desktop", "android"]))
def test_parser_raises_only_format_errors(text, family, platform):
    try:
        result = actions(family, text, platform)
    except FormatError as exc:
        assert exc.reason
    else:
        assert result and all(0 <= a.get(k, 0) < SCREEN[i % 2] for a in result
                              for i, k in enumerate(("x", "y", "to_x", "to_y")) if a.get(k) is not None)
