"""Small helpers every parser uses to turn model arguments into canonical actions."""

from __future__ import annotations

import math
from typing import Any, Iterable

from pydantic import ValidationError

from agent.policy import FormatError
from drivers.actions import Button, Key, describe_error
from drivers.keys import normalize_key, split_combo

from .text import numbers

_BUTTONS = {"back": "back", "home": "home", "menu": "menu", "enter": "enter", "power": "power",
            "volume_up": "volume_up", "volume_down": "volume_down", "app_switch": "recents",
            "recents": "recents", "recent": "recents", "overview": "recents"}


def make(cls, **fields):
    """Build an action, turning a validation failure into a FormatError naming the field."""
    try:
        return cls(**fields)
    except ValidationError as exc:
        raise FormatError(f"{cls.model_fields['type'].default}: {describe_error(exc)}") from None


def nums(value: Any) -> list[float]:
    """The numbers of a coordinate as a model wrote it: [x, y], "(x, y)", {"x":..,"y":..}, boxes."""
    match value:
        case None:
            return []
        case bool():
            raise FormatError(f"a coordinate cannot be {value!r}")
        case int() | float():
            return [float(value)]
        case str():
            return numbers(value)
        case dict():
            return [float(value[k]) for k in ("x", "y") if isinstance(value.get(k), (int, float))]
        case list() | tuple():
            out: list[float] = []
            for item in value:
                out.extend(nums(item))
            return out
    raise FormatError(f"cannot read a coordinate from {value!r}")


def keys(value: Any) -> list[str]:
    """Canonical key names from ["ctrl", "c"], ["ctrl+c"], "ctrl c" or "Control-C"."""
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    try:
        for item in items:
            if not isinstance(item, str) or not item:
                raise ValueError(f"a key must be a non-empty string, got {item!r}")
            out.extend(split_combo(item) if len(item) > 1 else [item])
    except ValueError as exc:
        raise FormatError(f"key: {exc}") from None
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
        raise FormatError(f"key: unsupported key event {name!r}") from None


def notches(amount: Any) -> int:
    """Wheel notches from a scroll amount. Up to 25 is read as notches; more as pixels (100 a notch)."""
    try:
        value = abs(float(amount))
    except (TypeError, ValueError):
        raise FormatError(f"scroll amount {amount!r} is not a number") from None
    if not math.isfinite(value):
        raise FormatError(f"scroll amount {amount!r} is not a finite number")
    steps = value if value <= 25 else value / 100
    return max(1, min(100, int(round(steps))))


def seconds(value: Any, default: float) -> float:
    """A duration in seconds, clamped to what a Wait accepts (0..600)."""
    if value is None or value == "":
        return default
    try:
        found = float(value) if not isinstance(value, str) else (numbers(value) or [default])[0]
    except (TypeError, ValueError):
        raise FormatError(f"time {value!r} is not a number") from None
    if not math.isfinite(found):
        raise FormatError(f"time {value!r} is not a finite number")
    return min(max(found, 0.0), 600.0)
