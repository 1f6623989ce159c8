"""Each family's prompt says what the reference agents say, and history is windowed as designed."""

import dataclasses
import json

import pytest
from PIL import Image

from agent.models.families import get_family
from agent.models.prompts import build_messages, system_text
from agent.models.prompts.qwen_tools import tool_schema
from agent.steps import StepResult
from drivers.actions import Click, Type


def images_in(messages):
    return [p["image"] for m in messages for p in m["content"] if p["type"] == "image"]


def texts_in(messages, role=None):
    return [p["text"] for m in messages if role in (None, m["role"]) for p in m["content"] if p["type"] == "text"]


def test_qwen25_tools_carry_the_resized_resolution():
    text = system_text(get_family("qwen2.5-vl"), "desktop", (1932, 1092))
    assert text.startswith("You are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions")
    assert "* The screen's resolution is 1932x1092." in text
    schema = json.loads(text.split("<tools>\n")[1].split("\n</tools>")[0])
    fn = schema["function"]
    assert (fn["name_for_human"], fn["name"], fn["args_format"]) == ("computer_use", "computer_use",
                                                                     "Format the arguments as a JSON object.")
    assert fn["parameters"]["properties"]["action"]["enum"] == [
        "key", "type", "mouse_move", "left_click", "left_click_drag", "right_click", "middle_click",
        "double_click", "scroll", "wait", "terminate"]
    assert text.endswith('<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>')


def test_qwen25_mobile_schema_matches_the_cookbook():
    fn = tool_schema(False, True, 1092, 2408)["function"]
    assert fn["name"] == "mobile_use"
    assert fn["parameters"]["properties"]["action"]["enum"] == [
        "key", "click", "long_press", "swipe", "type", "system_button", "open", "wait", "terminate"]
    assert "* The screen's resolution is 1092x2408." in fn["description"]
    assert list(fn["parameters"]["properties"]) == ["action", "coordinate", "coordinate2", "text", "time",
                                                    "button", "status"]


def test_qwen3_describes_the_relative_grid_and_response_format():
    desktop = system_text(get_family("qwen3-vl"), "desktop", (1920, 1088))
    assert "* The screen's resolution is 1000x1000." in desktop and "1920" not in desktop
    enum = json.loads(desktop.split("<tools>\n")[1].split("\n</tools>")[0])["function"]["parameters"][
        "properties"]["action"]["enum"]
    assert {"triple_click", "hscroll", "answer"} <= set(enum)
    assert "1) Thought: one concise sentence" in desktop
    mobile = system_text(get_family("qwen3-vl"), "android", (1088, 2400))
    assert mobile.startswith("\n\n# Tools") and "* The screen's resolution is 999x999." in mobile
    assert "open" not in json.loads(mobile.split("<tools>\n")[1].split("\n</tools>")[0])["function"][
        "parameters"]["properties"]["action"]["enum"]


@pytest.mark.parametrize("family,platform,needle", [
    ("ui-tars", "desktop", "click(start_box='<|box_start|>(x1,y1)<|box_end|>')"),
    ("ui-tars", "android", "press_home()"),
    ("ui-tars-1.5", "desktop", "click(point='<point>x1 y1</point>')"),
    ("ui-tars-1.5", "android", "open_app(app_name='')"),
    ("qwen2-vl", "desktop", "click(<|box_start|>(x1,y1),(x2,y2)<|box_end|>)"),
])
def test_call_style_prompts(family, platform, needle):
    messages = build_messages(get_family(family), platform, "Open the {menu}", [], [], Image.new("RGB", (56, 56)))
    first_user = texts_in(messages, "user")[0]
    assert first_user.startswith("You are a GUI agent.") and needle in first_user
    assert "## User Instruction\nOpen the {menu}" in first_user and "Use English in `Thought` part." in first_user
    assert messages[0] == {"role": "system", "content": [{"type": "text", "text": "You are a helpful assistant."}]}


def history(n, error_last=False):
    steps = [StepResult(i, [Click(x=i, y=i)], f"Action: click(start_box='({i},{i})')") for i in range(n)]
    if error_last:
        steps[-1] = StepResult(n - 1, [], "garbage", error="format error: no action found")
    return steps


@pytest.mark.parametrize("k", [1, 2, 3])
def test_qwen_history_window_and_progress_text(k):
    fam = get_family("qwen2.5-vl")
    past = [Image.new("RGB", (28, 28), (i, 0, 0)) for i in range(5)]
    current = Image.new("RGB", (28, 28), (99, 0, 0))
    steps = [StepResult(i, [Type(text=str(i))], f'<tool_call>\n{{"name": "computer_use", "arguments": '
                  f'{{"action": "type", "text": "{i}"}}}}\n</tool_call>') for i in range(5)]
    messages = build_messages(fam, "desktop", "Write digits", steps, past, current, history_images=k)
    sent = images_in(messages)
    assert len(sent) == k and sent[-1] is current and sent[:-1] == past[5 - (k - 1):]
    query = texts_in(messages, "user")[0]
    assert query.startswith("The user query: Write digits\nTask progress (You have done the following operation")
    for i in range(5 - (k - 1)):
        assert f'Step {i + 1}: {{"name": "computer_use", "arguments": {{"action": "type", "text": "{i}"}}}}; ' in query
    assert f"Step {5 - (k - 1) + 1}:" not in query
    assert len([m for m in messages if m["role"] == "assistant"]) == k - 1
    assert messages[-1]["role"] == "user" and messages[-1]["content"][-1]["type"] == "image"


def test_last_error_is_fed_back():
    fam = get_family("ui-tars-1.5")
    messages = build_messages(fam, "desktop", "Do it", history(3, error_last=True), [None] * 3,
                              Image.new("RGB", (28, 28)))
    last = messages[-1]["content"]
    assert last[0]["type"] == "image" and "could not be used (format error: no action found)" in last[1]["text"]
    refused = history(2)
    refused[-1] = dataclasses.replace(refused[-1], error="point (5000, 10) is outside the 1920x1080 screen")
    messages = build_messages(fam, "desktop", "Do it", refused, [None] * 2, Image.new("RGB", (28, 28)))
    assert "did not work: point (5000, 10) is outside" in messages[-1]["content"][-1]["text"]
    # Older replies without screenshots stay as assistant turns (OSWorld's UI-TARS agent does this).
    assert [t for t in texts_in(messages, "assistant")] == [s.raw_text for s in refused]


def test_qwen3_progress_uses_the_action_lines():
    fam = get_family("qwen3-vl")
    steps = [StepResult(0, [Click(x=1, y=1)], 'Thought: t\nAction: "Tap the search bar."\n<tool_call>{}</tool_call>')]
    messages = build_messages(fam, "android", "Find Musk", steps, [None], Image.new("RGB", (32, 32)))
    assert texts_in(messages, "user")[0] == ("The user query: Find Musk.\nTask progress (You have done the following "
                                             "operation on the current device): Step 1: Tap the search bar.; .\n")
