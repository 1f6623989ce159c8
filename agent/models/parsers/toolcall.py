"""Qwen2.5-VL / Qwen3-VL replies: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`.

Accepts prose around the calls, code fences, several calls (kept in order), an unclosed last
tag, bare JSON without tags, Python-style dicts, full-width punctuation, arguments given as a JSON
string, OpenAI-style {"function": {...}}, and both `computer_use` and `mobile_use` actions.
`left_click_drag` gives only where the drag ends: it starts at the pointer (see parse).
"""

from __future__ import annotations

from agent.policy import FormatError
from drivers.actions import (Answer, Button, Click, Done, Drag, Key, LongPress, Move, OpenApp, Scroll, Swipe,
                             Type, Wait)

from ..coords import Mapper
from .bounds import notches, press_ms, scalar, seconds
from .build import keys, make, nums, phone_key
from .objects import objects
from .text import clean, shown

_CLICKS = {"left_click": ("left", 1), "click": ("left", 1), "tap": ("left", 1), "right_click": ("right", 1),
           "middle_click": ("middle", 1), "double_click": ("left", 2), "triple_click": ("left", 3)}


def _blocks(text: str) -> list[str]:
    """The text of each <tool_call> (to its </tool_call>, the next <tool_call> or the end);
    the whole text when there is no tag. Splits, never a lazy regex: linear."""
    if "<tool_call>" not in text:
        return [text]
    return [piece.split("</tool_call>", 1)[0] for piece in text.split("<tool_call>")[1:]]


def tool_calls(text: str) -> list[dict]:
    """The argument dicts of every tool call in a reply, in order (empty if none)."""
    calls: list[dict] = []
    for block in _blocks(clean(text)):
        for obj in objects(block):
            args = obj.get("arguments", obj.get("args", obj.get("parameters")))
            if isinstance(obj.get("function"), dict):  # OpenAI style {"function": {"name", "arguments"}}
                args = obj["function"].get("arguments")
            if isinstance(args, str):
                found = objects(args)
                args = found[0] if found else None
            if isinstance(args, dict) and "action" in args:
                calls.append(args)
            elif "action" in obj and isinstance(obj["action"], str):
                calls.append(obj)
    return calls


def _point(args: dict, mapper: Mapper, key: str = "coordinate", required: bool = True):
    values = nums(args.get(key), key)
    if not values:
        if required:
            raise FormatError(f"{args.get('action')}: missing '{key}'")
        return None, None
    return mapper.target(values, key)


def to_action(args: dict, mapper: Mapper, pointer: tuple[int, int] | None, platform: str) -> list:
    """Canonical actions for one call's arguments (`computer_use` or `mobile_use`)."""
    if not isinstance(args.get("action"), str):
        raise FormatError(f"'action' must be a string, got {shown(args.get('action'))}")
    action = args["action"].strip().lower()
    match action:
        case name if name in _CLICKS:
            button, count = _CLICKS[name]
            x, y = _point(args, mapper, required=False)
            return [make(Click, x=x, y=y, button=button, count=count)]
        case "mouse_move" | "move" | "hover":
            x, y = _point(args, mapper)
            return [make(Move, x=x, y=y)]
        case "left_click_drag" | "drag":
            to_x, to_y = _point(args, mapper)
            # Qwen's drag starts where the pointer is: the known pointer, else the driver's.
            x, y = _point(args, mapper, "start_coordinate", required=False)
            if x is None:
                x, y = pointer or (None, None)
            return [make(Drag, x=x, y=y, to_x=to_x, to_y=to_y)]
        case "swipe":
            x, y = _point(args, mapper)
            to_x, to_y = _point(args, mapper, "coordinate2")
            cls = Swipe if platform == "android" else Drag
            return [make(cls, x=x, y=y, to_x=to_x, to_y=to_y)]
        case "long_press":
            x, y = _point(args, mapper)
            return [make(LongPress, x=x, y=y, duration_ms=press_ms(args.get("time"), field="long_press: time"))]
        case "scroll" | "hscroll":
            field = "pixels" if "pixels" in args else "amount"
            amount = scalar(args.get(field), f"{action}: {field}")
            if not amount:
                raise FormatError(f"{action}: 'pixels' must be a non-zero number")
            positive = amount > 0
            direction = ("right" if positive else "left") if action == "hscroll" else ("up" if positive else "down")
            x, y = _point(args, mapper, required=False)
            return [make(Scroll, x=x, y=y, direction=direction, amount=notches(amount, f"{action}: {field}"))]
        case "type":
            return [make(Type, text=args.get("text"))]
        case "key":
            if "keys" in args:
                return [make(Key, keys=keys(args["keys"]))]
            return [phone_key(args.get("text", args.get("key")))]
        case "system_button":
            name = str(args.get("button", "")).strip().lower()
            return [make(Button, name={"recent": "recents"}.get(name, name))]
        case "open" | "open_app":
            return [make(OpenApp, name=args.get("text", args.get("app_name", args.get("name"))))]
        case "wait":
            return [make(Wait, seconds=seconds(args.get("time"), 1.0, "wait: time"))]
        case "answer":
            return [make(Answer, text=str(args.get("text", "")))]
        case "terminate":
            status = str(args.get("status", "success")).strip().lower()
            return [make(Done, status=status if status in ("success", "failure") else "success")]
    raise FormatError(f"unknown action {shown(args['action'])}")


def end_point(action) -> tuple[int, int] | None:
    """Where the pointer is after `action`, if it moves it there (screen pixels)."""
    if getattr(action, "to_x", None) is not None:
        return action.to_x, action.to_y
    if getattr(action, "x", None) is not None:
        return action.x, action.y
    return None


def parse(text: str, mapper: Mapper, pointer: tuple[int, int] | None = None,
          platform: str = "desktop") -> list:
    """All actions of a tool-call reply, in order; FormatError when there is none or one is bad."""
    calls = tool_calls(text)
    if not calls:
        raise FormatError('no tool call found; answer with <tool_call>{"name": ..., "arguments": '
                          '{"action": ...}}</tool_call>')
    actions: list = []
    for args in calls:
        new = to_action(args, mapper, pointer, platform)
        for a in new:
            pointer = end_point(a) or pointer
        actions.extend(new)
    return actions
