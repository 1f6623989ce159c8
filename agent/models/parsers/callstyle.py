"""UI-TARS (1.0, 1.5) and our Qwen2-VL vocabulary: `Thought: ...` then `Action: click(...)`.

Targets may be written as `start_box='(x,y)'`, `'(x1,y1,x2,y2)'` (a box: its centre),
`<|box_start|>(x1,y1),(x2,y2)<|box_end|>`, `point='<point>x y</point>'` or `[x, y]`. Several
actions (one a line, or separated by blank lines) are returned in order. A reply without an
`Action:` line is searched whole; a reply that is only a grounding box means a click on it.
"""

from __future__ import annotations

import re

from agent.policy import FormatError
from drivers.actions import (Answer, Button, CallUser, Click, Done, Drag, Key, LongPress, Move, OpenApp, Scroll,
                             Swipe, Type, Wait)

from ..coords import Mapper
from .build import keys, make, nums, seconds
from .calls import Call, find_calls
from .text import clean

_CLICKS = {"click": ("left", 1), "left_single": ("left", 1), "left_click": ("left", 1), "tap": ("left", 1),
           "left_double": ("left", 2), "double_click": ("left", 2), "left_triple": ("left", 3),
           "triple_click": ("left", 3), "right_single": ("right", 1), "right_click": ("right", 1),
           "middle_click": ("middle", 1)}
_OTHERS = {"hover", "move_to", "mouse_move", "move", "drag", "select", "swipe", "scroll", "hotkey", "press", "key",
           "keydown", "type", "input", "write", "wait", "sleep", "finished", "finish", "done", "fail", "call_user",
           "long_press", "open_app", "press_home", "press_back", "press_recent", "answer"}
NAMES = set(_CLICKS) | _OTHERS
_ACTION_LABEL = re.compile(r"(?<![\w])Action\s*[:：]", re.I)
_GROUNDING = re.compile(r"<\|box_start\|>(.*?)<\|box_end\|>|<point>(.*?)</point>|<bbox>(.*?)</bbox>", re.S)
_START_KEYS = ("start_box", "point", "start_point", "box", "start", "coordinate", "position", "target")
_END_KEYS = ("end_box", "end_point", "end", "to", "end_coordinate")
_DIRECTIONS = ("up", "down", "left", "right")


def _target(call: Call, mapper: Mapper, required: bool = True) -> tuple[int | None, int | None]:
    for key in _START_KEYS:
        if key in call.kwargs:
            return mapper.target(nums(call.kwargs[key]))
    values = [n for arg in call.args if not arg.strip().lower() in _DIRECTIONS for n in nums(arg)]
    if values:
        return mapper.target(values)
    if required:
        raise FormatError(f"{call.name}: no target point; write e.g. {call.name}(start_box='(x1,y1)')")
    return None, None


def _two_targets(call: Call, mapper: Mapper) -> tuple[tuple[int, int], tuple[int, int]] | None:
    end = next((call.kwargs[k] for k in _END_KEYS if k in call.kwargs), None)
    if end is not None:
        return _target(call, mapper), mapper.target(nums(end))
    values = [n for arg in call.args for n in nums(arg)]
    if len(values) in (4, 8):
        half = len(values) // 2
        return mapper.target(values[:half]), mapper.target(values[half:])
    return None


def _text(call: Call, *names: str) -> str | None:
    for name in names:
        if name in call.kwargs:
            return call.kwargs[name]
    return call.args[0] if call.args else None


def _direction(call: Call) -> str:
    raw = _text(call, "direction") or next((a for a in call.args if a.strip().lower() in _DIRECTIONS), "")
    word = raw.strip().strip("'\"").lower().split()[0] if raw.strip() else ""
    if word not in _DIRECTIONS:
        raise FormatError(f"scroll: direction must be one of up, down, left, right (got {raw!r})")
    return word


def to_actions(call: Call, mapper: Mapper, platform: str) -> list:
    """Canonical actions for one call."""
    mobile = platform == "android"
    match call.name:
        case name if name in _CLICKS:
            button, count = _CLICKS[name]
            x, y = _target(call, mapper)
            return [make(Click, x=x, y=y, button=button, count=count)]
        case "hover" | "move_to" | "mouse_move" | "move":
            x, y = _target(call, mapper)
            return [make(Move, x=x, y=y)]
        case "drag" | "select" | "swipe":
            pair = _two_targets(call, mapper)
            if pair is None:
                raise FormatError(f"{call.name}: needs a start and an end, e.g. start_box='(x1,y1)', end_box='(x2,y2)'")
            (x, y), (to_x, to_y) = pair
            return [make(Swipe if mobile else Drag, x=x, y=y, to_x=to_x, to_y=to_y)]
        case "scroll":
            pair = _two_targets(call, mapper) if any(k in call.kwargs for k in _END_KEYS) else None
            if pair is not None:  # UI-TARS 1.0 mobile: scroll(start_box, end_box) is a swipe
                (x, y), (to_x, to_y) = pair
                return [make(Swipe if mobile else Drag, x=x, y=y, to_x=to_x, to_y=to_y)]
            x, y = _target(call, mapper, required=False)
            return [make(Scroll, x=x, y=y, direction=_direction(call))]
        case "hotkey" | "press" | "key" | "keydown":
            combo = _text(call, "key", "hotkey", "keys")
            if not combo or not combo.strip():
                raise FormatError(f"{call.name}: no key given, e.g. hotkey(key='ctrl c')")
            return [make(Key, keys=keys(combo.strip()))]
        case "type" | "input" | "write":
            content = _text(call, "content", "text") or ""
            submit = content.endswith("\n")
            content = content[:-1] if submit else content
            out = [make(Type, text=content)] if content else []
            if submit:
                out.append(Button(name="enter") if mobile else Key(keys=["enter"]))
            if not out:
                raise FormatError("type: empty content")
            return out
        case "wait" | "sleep":
            return [make(Wait, seconds=seconds(_text(call, "seconds", "time"), 5.0))]
        case "finished" | "finish" | "done":
            content = (_text(call, "content", "message", "text") or "").strip()
            return ([Answer(text=content)] if content else []) + [make(Done, status="success",
                                                                     message=content or None)]
        case "fail":
            return [make(Done, status="failure", message=(_text(call, "content", "reason") or None))]
        case "call_user":
            return [make(CallUser, message=_text(call, "content", "message") or "")]
        case "answer":
            return [make(Answer, text=_text(call, "content", "text") or "")]
        case "long_press":
            x, y = _target(call, mapper)
            ms = int(seconds(_text(call, "time", "duration"), 1.0) * 1000) if "time" in call.kwargs else 1000
            return [make(LongPress, x=x, y=y, duration_ms=max(1, ms))]
        case "open_app":
            return [make(OpenApp, name=(_text(call, "app_name", "name", "app") or "").strip())]
        case "press_home" | "press_back" | "press_recent":
            return [Button(name={"press_home": "home", "press_back": "back"}.get(call.name, "recents"))]
    raise FormatError(f"unknown action {call.name!r}")


def parse(text: str, mapper: Mapper, platform: str = "desktop") -> list:
    """All actions of a Thought/Action reply, in order; FormatError when there is none or one is bad."""
    text = clean(text)
    labels = list(_ACTION_LABEL.finditer(text))
    section = text[labels[0].end():] if labels else text
    calls = find_calls(section, NAMES)
    if not calls:
        grounding = _GROUNDING.search(section)
        if grounding:
            x, y = mapper.target(nums(next(g for g in grounding.groups() if g is not None)))
            return [make(Click, x=x, y=y)]
        hint = "no action found" if labels else "no 'Action:' line and no action found"
        raise FormatError(f"{hint}; answer with 'Action: click(start_box=...)' or another listed action")
    actions: list = []
    for call in calls:
        actions.extend(to_actions(call, mapper, platform))
    return actions
