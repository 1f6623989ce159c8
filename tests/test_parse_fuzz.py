"""Any text at all, for every family and platform: valid on-screen actions or a FormatError, nothing else."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.models.families import FAMILIES
from agent.models.parsers import MAX_REASON, parse
from agent.models.resize import frame_for
from agent.policy import FormatError
from drivers.actions import ACTION_TYPES

SCREENS = {"desktop": (1920, 1080), "android": (1080, 2400)}
# The model sizes come from the real resize (transformers' smart_resize), once per family and screen.
FRAMES = {(f, p): frame_for(SCREENS[p], FAMILIES[f]) for f in FAMILIES for p in SCREENS}
# No deadline: a slow CI machine must not turn a correct run into a failure.
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TARGETS = st.sampled_from(sorted(FAMILIES)), st.sampled_from(sorted(SCREENS))


def check(text: str, family: str, platform: str) -> None:
    """The property: a non-empty list of valid actions inside the screen, or a FormatError."""
    screen = SCREENS[platform]
    try:
        actions = parse(text, FAMILIES[family], FRAMES[family, platform], platform=platform)
    except FormatError as exc:
        assert exc.reason and len(exc.reason) <= MAX_REASON
        return
    assert actions
    for action in actions:
        assert action.type in ACTION_TYPES
        for x, y in (("x", "y"), ("to_x", "to_y")):
            if getattr(action, x, None) is not None:
                assert 0 <= getattr(action, x) < screen[0] and 0 <= getattr(action, y) < screen[1], action


# --- any text -------------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(["<tool_call>", "</tool_call>", "{", "}", '"action"', ":", "Action:", "click(",
                              "start_box='", "(", ")", ",", "'", '"', "<point>", "</point>", "<|box_start|>",
                              "<|box_end|>", "\\", "\n", "left_click", "coordinate", "[", "]", "1e999", "-3", "NaN",
                              "：", "（", "｛", "drag(", "end_box=", "<bbox>", '"pixels": ', "9" * 40])


@FUZZ
@given(text=st.text(max_size=300), family=TARGETS[0], platform=TARGETS[1])
def test_random_unicode(text, family, platform):
    check(text, family, platform)


@FUZZ
@given(text=st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join),
       family=TARGETS[0], platform=TARGETS[1])
def test_random_syntax_fragments(text, family, platform):
    check(text, family, platform)


# --- near-valid tool calls ------------------------------------------------------------------------

_NUMBERS = st.one_of(st.integers(-5, 2500), st.integers(-10 ** 400, 10 ** 400),
                     st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 2000))
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, st.text(max_size=10),
                     st.sampled_from(["inf", "nan", "-Infinity", "1e999", "1e308", "(5, 7)", "12 px", "9" * 500]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                       max_leaves=8)
_POINTS = st.one_of(st.lists(_NUMBERS, min_size=2, max_size=2), st.lists(_NUMBERS, min_size=4, max_size=4),
                    st.fixed_dictionaries({"x": _NUMBERS, "y": _NUMBERS}), _VALUES)
_ACTIONS = st.sampled_from(["left_click", "right_click", "middle_click", "double_click", "triple_click", "click",
                            "mouse_move", "left_click_drag", "scroll", "hscroll", "wait", "type", "key", "long_press",
                            "swipe", "terminate", "answer", "system_button", "open", "tap", "fly"])
_ARGS = st.fixed_dictionaries({"action": _ACTIONS}, optional={
    "coordinate": _POINTS, "coordinate2": _POINTS, "start_coordinate": _POINTS, "pixels": _VALUES,
    "time": _VALUES, "text": _VALUES, "keys": st.one_of(st.just(["ctrl", "c"]), _VALUES), "button": _VALUES,
    "status": _VALUES})


def _tool_call(args: dict, style: int) -> str:
    body = {"name": "computer_use", "arguments": args}
    match style:
        case 0:
            return "<tool_call>\n" + json.dumps(body) + "\n</tool_call>"
        case 1:
            return "Thought: here.\n" + json.dumps(body)  # bare JSON, no tags
        case 2:
            return "<tool_call>" + repr(body)  # a Python dict, unclosed tag
        case 3:
            return "<tool_call>" + json.dumps({"name": "computer_use", "arguments": json.dumps(args)})
        case _:
            return "<tool_call>" + json.dumps({"function": body}) + "</tool_call>"


_REPLIES = st.lists(st.tuples(_ARGS, st.integers(0, 4)), min_size=1, max_size=3).map(
    lambda calls: "\n".join(_tool_call(args, style) for args, style in calls))


@FUZZ
@given(text=_REPLIES, cut=st.one_of(st.none(), st.integers(0, 400)), family=TARGETS[0], platform=TARGETS[1])
def test_near_valid_tool_calls(text, cut, family, platform):
    check(text if cut is None else text[:cut], family, platform)


# --- near-valid call-style replies ------------------------------------------------------------------

_NUMBER_TEXT = st.one_of(_NUMBERS.map(str), st.sampled_from(["1e308", "-0", "9" * 400, "1000", "999", "0.5"]))
_BOXES = st.one_of(
    st.tuples(_NUMBER_TEXT, _NUMBER_TEXT).map(lambda p: f"'({p[0]},{p[1]})'"),
    st.tuples(_NUMBER_TEXT, _NUMBER_TEXT).map(lambda p: f"'<point>{p[0]} {p[1]}</point>'"),
    st.lists(_NUMBER_TEXT, min_size=4, max_size=4).map(
        lambda p: "'<|box_start|>({},{}),({},{})<|box_end|>'".format(*p)),
    st.lists(_NUMBER_TEXT, min_size=1, max_size=5).map(lambda p: "[" + ", ".join(p) + "]"))
_KWARGS = st.one_of(
    st.tuples(st.sampled_from(["start_box", "end_box", "point", "start_point", "end_point"]), _BOXES).map("=".join),
    st.sampled_from(["direction='down'", "direction='sideways'", "key='ctrl c'", "content='it's\\n'", "app_name='X'"]),
    _NUMBER_TEXT.map(lambda v: f"time={v}"), _NUMBER_TEXT.map(lambda v: f"time='{v}'"), _BOXES)
_NAMES = st.sampled_from(["click", "left_double", "right_single", "drag", "scroll", "hotkey", "type", "wait",
                          "finished", "long_press", "open_app", "press_back", "call_user", "hover", "select",
                          "swipe", "answer", "fail", "jump"])
_CALLS = st.lists(st.tuples(_NAMES, st.lists(_KWARGS, max_size=3)), min_size=1, max_size=3).map(
    lambda calls: "Thought: t\nAction: " + "\n\n".join(f"{name}({', '.join(args)})" for name, args in calls))


@FUZZ
@given(text=st.one_of(_CALLS, _BOXES.map(lambda b: b.strip("'"))), cut=st.one_of(st.none(), st.integers(0, 200)),
       family=TARGETS[0], platform=TARGETS[1])
def test_near_valid_call_style_replies(text, cut, family, platform):
    check(text if cut is None else text[:cut], family, platform)
