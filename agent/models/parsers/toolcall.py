"""Qwen2.5-VL / Qwen3-VL replies: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`.

Accepts prose around the calls, code fences, several calls (kept in order), an unclosed last
tag, bare JSON without tags, arguments given as a JSON string, and both `computer_use` and
`mobile_use` actions.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from agent.policy import FormatError
from drivers.actions import (Answer, Button, Click, Done, Drag, Key, LongPress, Move, OpenApp, Scroll, Swipe,
                             Type, Wait)

from ..coords import Mapper
from .build import keys, make, notches, nums, phone_key, seconds
from .text import ascii_syntax, clean

_BLOCK = re.compile(r"<tool_call>(.*?)(?=</tool_call>|<tool_call>|\Z)", re.S)
_DECODER = json.JSONDecoder()
_CLICKS = {"left_click": ("left", 1), "click": ("left", 1), "tap": ("left", 1), "right_click": ("right", 1),
           "middle_click": ("middle", 1), "double_click": ("left", 2), "triple_click": ("left", 3)}


def _objects(block: str) -> list[dict]:
    """Top-level JSON objects in `block`, in order; single-quoted (Python) dicts too."""
    found: list[dict] = []
    index = block.find("{")
    while index >= 0:
        obj, end = _decode_at(block, index)
        if isinstance(obj, dict):
            found.append(obj)
            index = block.find("{", end)
        else:
            index = block.find("{", index + 1)
    return found


def _decode_at(text: str, index: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, index)
    except ValueError:
        pass
    # A Python-style dict ({'action': 'type'}) or JSON written with full-width punctuation.
    depth, quote = 0, None
    for end in range(index, len(text)):
        ch = text[end]
        if quote:
            quote = None if ch == quote and text[end - 1] != "\\" else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "{｛":
            depth += 1
        elif ch in "}｝":
            depth -= 1
            if depth == 0:
                chunk = text[index:end + 1]
                for attempt in (lambda: json.loads(ascii_syntax(chunk)), lambda: ast.literal_eval(chunk)):
                    try:
                        return attempt(), end + 1
                    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                        continue
                return None, end + 1
    return None, len(text)


def tool_calls(text: str) -> list[dict]:
    """The argument dicts of every tool call in a reply, in order (empty if none)."""
    text = clean(text)
    blocks = _BLOCK.findall(text) if "<tool_call>" in text else [text]
    calls: list[dict] = []
    for block in blocks:
        for obj in _objects(block):
            args = obj.get("arguments", obj.get("args", obj.get("parameters")))
            if isinstance(obj.get("function"), dict):  # OpenAI style {"function": {"name", "arguments"}}
                args = obj["function"].get("arguments")
            if isinstance(args, str):
                objs = _objects(args)
                args = objs[0] if objs else None
            if isinstance(args, dict) and "action" in args:
                calls.append(args)
            elif "action" in obj and isinstance(obj["action"], str):
                calls.append(obj)
    return calls


def _point(args: dict, mapper: Mapper, key: str = "coordinate", required: bool = True):
    values = nums(args.get(key))
    if not values:
        if required:
            raise FormatError(f"{args.get('action')}: missing '{key}'")
        return None, None
    return mapper.target(values)


def to_action(args: dict, mapper: Mapper, pointer: tuple[int, int] | None, platform: str) -> list:
    """Canonical actions for one call's arguments (`computer_use` or `mobile_use`)."""
    action = str(args.get("action", "")).strip().lower()
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
            start = (_point(args, mapper, "start_coordinate", required=False) if "start_coordinate" in args
                     else pointer)
            if not start or start[0] is None:
                raise FormatError(f"{action}: no start point (move the mouse there first)")
            return [make(Drag, x=start[0], y=start[1], to_x=to_x, to_y=to_y)]
        case "swipe":
            x, y = _point(args, mapper)
            to_x, to_y = _point(args, mapper, "coordinate2")
            cls = Swipe if platform == "android" else Drag
            return [make(cls, x=x, y=y, to_x=to_x, to_y=to_y)]
        case "long_press":
            x, y = _point(args, mapper)
            return [make(LongPress, x=x, y=y, duration_ms=max(1, int(seconds(args.get("time"), 1.0) * 1000)))]
        case "scroll" | "hscroll":
            amount = args.get("pixels", args.get("amount"))
            if amount is None or not nums(amount) or nums(amount)[0] == 0:
                raise FormatError(f"{action}: 'pixels' must be a non-zero number")
            positive = nums(amount)[0] > 0
            direction = ("right" if positive else "left") if action == "hscroll" else ("up" if positive else "down")
            x, y = _point(args, mapper, required=False)
            return [make(Scroll, x=x, y=y, direction=direction, amount=notches(amount))]
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
            return [make(Wait, seconds=seconds(args.get("time"), 1.0))]
        case "answer":
            return [make(Answer, text=str(args.get("text", "")))]
        case "terminate":
            status = str(args.get("status", "success")).strip().lower()
            return [make(Done, status=status if status in ("success", "failure") else "success")]
    raise FormatError(f"unknown action {args.get('action')!r}")


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
