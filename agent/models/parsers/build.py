"""Small helpers every parser uses to turn model arguments into canonical actions."""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import ValidationError

from agent.policy import FormatError
from drivers.actions import Button, Key, describe_error
from drivers.keys import normalize_key, split_combo

from .bounds import number
from .text import number_texts, shown

_BUTTONS = {"back": "back", "home": "home", "menu": "menu", "enter": "enter", "power": "power",
            "volume_up": "volume_up", "volume_down": "volume_down", "app_switch": "recents",
            "recents": "recents", "recent": "recents", "overview": "recents"}
_NESTING = 3
"""How deep a coordinate's lists may nest: 1 for [x, y], 2 for [[x1, y1], [x2, y2]], 3 to spare."""


def make(cls, **fields):
    """Build an action, turning a validation failure into a FormatError naming the field."""
    try:
        return cls(**fields)
    except ValidationError as exc:
        raise FormatError(f"{cls.model_fields['type'].default}: {describe_error(exc)}") from None


def nums(value: Any, field: str = "coordinate") -> list[float]:
    """The numbers of a coordinate as a model wrote it: [x, y], "(x, y)", {"x":..,"y":..}, boxes.

    Each is a finite float within bounds.LIMIT (FormatError naming `field` otherwise); lists
    nested deeper than a box of points ([[x1, y1], [x2, y2]]) are refused.
    """
    out: list[float] = []
    _flatten(value, field, out, 0)
    return out


def _flatten(value: Any, field: str, out: list[float], depth: int) -> None:
    if depth > _NESTING:
        raise FormatError(f"{field}: nested too deeply to be a point or a box")
    match value:
        case None:
            return
        case str():
            out.extend(number(n, field) for n in number_texts(value))
        case dict():
            for key in ("x", "y"):
                _flatten(value.get(key), field, out, depth + 1)
        case list() | tuple():
            for item in value:
                _flatten(item, field, out, depth + 1)
        case _:
            out.append(number(value, field))  # a bool or anything odd is refused there


def keys(value: Any) -> list[str]:
    """Canonical key names from ["ctrl", "c"], ["ctrl+c"], "ctrl c" or "Control-C"."""
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    try:
        for item in items:
            if not isinstance(item, str) or not item:
                raise ValueError(f"a key must be a non-empty string, got {shown(item)}")
            out.extend(split_combo(item) if len(item) > 1 else [item])
    except ValueError as exc:
        reason = str(exc)  # names the key as written, which may be a whole reply: cut it
        raise FormatError(f"key: {reason if len(reason) <= 80 else reason[:77] + '...'}") from None
    if not out:
        raise FormatError("key: no keys given")
    return out


def phone_key(name: Any):
    """A phone key event ('volume_up', 'KEYCODE_BACK', 'Home') as a Button, else a Key."""
    if not isinstance(name, str) or not name.strip():
        raise FormatError("key: no key event given")
    key = name.strip().lower().removeprefix("keycode_")
    if key in _BUTTONS:
        return Button(name=_BUTTONS[key])
    try:
        return Key(keys=[normalize_key(key)])
    except ValueError:
        raise FormatError(f"key: unsupported key event {shown(name)}") from None
