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
from .bounds import press_ms, seconds
from .build import keys, make, nums
from .calls import Call, find_calls
from .text import clean, shown

_CLICKS = {"click": ("left", 1), "left_single": ("left", 1), "left_click": ("left", 1), "tap": ("left", 1),
           "left_double": ("left", 2), "double_click": ("left", 2), "left_triple": ("left", 3),
           "triple_click": ("left", 3), "right_single": ("right", 1), "right_click": ("right", 1),
           "middle_click": ("middle", 1)}
_OTHERS = {"hover", "move_to", "mouse_move", "move", "drag", "select", "swipe", "scroll", "hotkey", "press", "key",
           "keydown", "type", "input", "write", "wait", "sleep", "finished", "finish", "done", "fail", "call_user",
           "long_press", "open_app", "press_home", "press_back", "press_recent", "answer"}
NAMES = set(_CLICKS) | _OTHERS
_ACTION_LABEL = re.compile(r"(?<![\w])Action\s*[:：]", re.I)
_GROUNDING = (("<|box_start|>", "<|box_end|>"), ("<point>", "</point>"), ("<bbox>", "</bbox>"))
_START_KEYS = ("start_box", "point", "start_point", "box", "start", "coordinate", "position", "target")
_END_KEYS = ("end_box", "end_point", "end", "to", "end_coordinate")
_DIRECTIONS = ("up", "down", "left", "right")


def _target(call: Call, mapper: Mapper, required: bool = True) -> tuple[int | None, int | None]:
    for key in _START_KEYS:
        if key in call.kwargs:
            return mapper.target(nums(call.kwargs[key], f"{call.name}: {key}"), f"{call.name}: {key}")
    values = [n for arg in call.args if not arg.strip().lower() in _DIRECTIONS
              for n in nums(arg, f"{call.name}: target")]
    if values:
        return mapper.target(values, f"{call.name}: target")
    if required:
        raise FormatError(f"{call.name}: no target point; write e.g. {call.name}(start_box='(x1,y1)')")
    return None, None


def _two_targets(call: Call, mapper: Mapper) -> tuple[tuple[int, int], tuple[int, int]]:
    """Start and end of a drag. These grammars always write both (unlike Qwen's tool call, a
    drag here never starts at the pointer), so one point alone is a FormatError."""
    need = (f"{call.name}: needs a start and an end point, e.g. "
            f"{call.name}(start_box='(x1,y1)', end_box='(x2,y2)')")
    end_key = next((k for k in _END_KEYS if k in call.kwargs), None)
    if end_key is not None:
        if not any(k in call.kwargs for k in _START_KEYS) and not call.args:
            raise FormatError(need)
        field = f"{call.name}: {end_key}"
        return _target(call, mapper), mapper.target(nums(call.kwargs[end_key], field), field)
    field = f"{call.name}: target"
    values = [n for arg in call.args for n in nums(arg, field)]
    if len(values) in (4, 8):
        half = len(values) // 2
        return mapper.target(values[:half], field), mapper.target(values[half:], field)
    raise FormatError(need)


def _text(call: Call, *names: str) -> str | None:
    for name in names:
        if name in call.kwargs:
            return call.kwargs[name]
    return call.args[0] if call.args else None


def _direction(call: Call) -> str:
    raw = _text(call, "direction") or next((a for a in call.args if a.strip().lower() in _DIRECTIONS), "")
    words = raw.strip().strip("'\"").lower().split()
    if not words or words[0] not in _DIRECTIONS:
        raise FormatError(f"scroll: direction must be one of up, down, left, right (got {shown(raw)})")
    return words[0]


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
            (x, y), (to_x, to_y) = _two_targets(call, mapper)
            return [make(Swipe if mobile else Drag, x=x, y=y, to_x=to_x, to_y=to_y)]
        case "scroll":
            if any(k in call.kwargs for k in _END_KEYS):  # UI-TARS 1.0 mobile: scroll(start_box, end_box) is a swipe
                (x, y), (to_x, to_y) = _two_targets(call, mapper)
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
            return [make(Wait, seconds=seconds(_text(call, "seconds", "time"), 5.0, f"{call.name}: time"))]
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
            ms = press_ms(_text(call, "time", "duration"), field="long_press: time") if "time" in call.kwargs else 1000
            return [make(LongPress, x=x, y=y, duration_ms=ms)]
        case "open_app":
            return [make(OpenApp, name=(_text(call, "app_name", "name", "app") or "").strip())]
        case "press_home" | "press_back" | "press_recent":
            return [Button(name={"press_home": "home", "press_back": "back"}.get(call.name, "recents"))]
    raise FormatError(f"unknown action {shown(call.name)}")


def _grounding(text: str) -> str | None:
    """The inside of the first complete grounding tag (box, point or bbox), or None. Found with
    str.find: a lazy regex would rescan to the end from every opening tag that is never closed."""
    best: tuple[int, str] | None = None
    for opening, closing in _GROUNDING:
        start = text.find(opening)
        end = text.find(closing, start + len(opening)) if start >= 0 else -1
        if end >= 0 and (best is None or start < best[0]):
            best = (start, text[start + len(opening):end])
    return best[1] if best else None


def parse(text: str, mapper: Mapper, platform: str = "desktop") -> list:
    """All actions of a Thought/Action reply, in order; FormatError when there is none or one is bad."""
    text = clean(text)
    label = _ACTION_LABEL.search(text)
    section = text[label.end():] if label else text
    calls = find_calls(section, NAMES)
    if not calls:
        box = _grounding(section)
        if box is not None:
            x, y = mapper.target(nums(box, "box"), "box")
            return [make(Click, x=x, y=y)]
        hint = "no action found" if label else "no 'Action:' line and no action found"
        raise FormatError(f"{hint}; answer with 'Action: click(start_box=...)' or another listed action")
    actions: list = []
    for call in calls:
        actions.extend(to_actions(call, mapper, platform))
    return actions
