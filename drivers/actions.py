"""The canonical action: one validated value per thing an agent can do to a screen.

Coordinates are integers in the pixel space of the screenshot the driver returned
(origin top-left, physical pixels). Drivers map them to their own input space.
Invalid actions cannot be built: unknown keys, unknown buttons, negative sizes and
half-given points all fail validation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Iterable, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from .keys import normalize_key

Pixel = Annotated[int, Field(ge=0, description="pixels of the screenshot, origin top-left")]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_dump(self, **kwargs) -> dict:
        """The fields as a dict, `type` first (as people write actions)."""
        data = super().model_dump(**kwargs)
        return {"type": data.pop("type"), **data} if "type" in data else data

    def to_json(self) -> str:
        """One line of JSON, the form written to action files and trajectories."""
        return json.dumps(self.model_dump(), ensure_ascii=False)


class _OptionalPoint(_Action):
    x: Pixel | None = None
    y: Pixel | None = None

    @model_validator(mode="after")
    def _both_or_neither(self):
        if (self.x is None) != (self.y is None):
            raise ValueError("give both x and y, or neither")
        return self


class Click(_OptionalPoint):
    """Click (a tap on a phone); x/y null means where the pointer is."""

    type: Literal["click"] = "click"
    button: Literal["left", "right", "middle"] = "left"
    count: Literal[1, 2, 3] = 1


class Move(_Action):
    """Move the pointer."""

    type: Literal["move"] = "move"
    x: Pixel
    y: Pixel


class Drag(_OptionalPoint):
    """Press at (x, y), move, release at (to_x, to_y); x/y null means from where the pointer is."""

    type: Literal["drag"] = "drag"
    to_x: Pixel
    to_y: Pixel


class Swipe(_Action):
    """A touch swipe; a drag on a desktop."""

    type: Literal["swipe"] = "swipe"
    x: Pixel
    y: Pixel
    to_x: Pixel
    to_y: Pixel
    duration_ms: Annotated[int, Field(gt=0, le=60_000)] = 300


class LongPress(_Action):
    """Press and hold."""

    type: Literal["long_press"] = "long_press"
    x: Pixel
    y: Pixel
    duration_ms: Annotated[int, Field(gt=0, le=60_000)] = 1000


class Scroll(_OptionalPoint):
    """Scroll so the view moves toward `direction` ('down' reveals what is below); amount in notches."""

    type: Literal["scroll"] = "scroll"
    direction: Literal["up", "down", "left", "right"]
    amount: Annotated[int, Field(ge=1, le=100)] = 5


class Type(_Action):
    """Type literal text, any Unicode."""

    type: Literal["type"] = "type"
    text: Annotated[str, Field(min_length=1)]


class Key(_Action):
    """Press the keys together; names are canonical lowercase (see drivers.keys)."""

    type: Literal["key"] = "key"
    keys: Annotated[list[str], Field(min_length=1, max_length=6)]

    @field_validator("keys")
    @classmethod
    def _canonical(cls, keys: list[str]) -> list[str]:
        return [normalize_key(k) for k in keys]


class Button(_Action):
    """A phone's system button."""

    type: Literal["button"] = "button"
    name: Literal["back", "home", "recents", "enter", "menu", "power", "volume_up", "volume_down"]


class OpenApp(_Action):
    """Open an app by its name or package."""

    type: Literal["open_app"] = "open_app"
    name: Annotated[str, Field(min_length=1, max_length=256)]


class Wait(_Action):
    """Do nothing for a while."""

    type: Literal["wait"] = "wait"
    seconds: Annotated[float, Field(ge=0, le=600)] = 1.0


class Answer(_Action):
    """The agent's answer to an information question."""

    type: Literal["answer"] = "answer"
    text: str


class Done(_Action):
    """The agent says the task is finished (success) or impossible (failure)."""

    type: Literal["done"] = "done"
    status: Literal["success", "failure"] = "success"
    message: str | None = None


class CallUser(_Action):
    """The agent hands control to a person."""

    type: Literal["call_user"] = "call_user"
    message: str = ""


Action = Annotated[
    Union[Click, Move, Drag, Swipe, LongPress, Scroll, Type, Key, Button, OpenApp, Wait, Answer, Done, CallUser],
    Field(discriminator="type"),
]
ACTION_TYPES = ("click", "move", "drag", "swipe", "long_press", "scroll", "type", "key", "button",
                "open_app", "wait", "answer", "done", "call_user")
# Actions the loop handles itself; drivers never see them.
TERMINAL_TYPES = frozenset({"done", "call_user"})

_adapter: TypeAdapter = TypeAdapter(Action)


class ActionFileError(ValueError):
    """A line of an action file is not a valid canonical action; the message names file and line."""


def parse_action(data: dict | str) -> "Action":
    """Build an action from a dict or a JSON string; raises pydantic.ValidationError."""
    if isinstance(data, str):
        return _adapter.validate_json(data)
    return _adapter.validate_python(data)


def describe_error(err: ValidationError) -> str:
    """One line naming each failing field: 'keys.0: unknown key 'hyper'; ...'."""
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if p not in ACTION_TYPES)
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def actions_from_record(obj: dict) -> list["Action"]:
    """Actions of one JSON Lines record: a canonical action, or a trajectory step we wrote."""
    if "type" in obj:
        return [parse_action(obj)]
    if "actions" in obj:
        return [parse_action(a) for a in obj["actions"] or []]
    if "action" in obj:
        return [] if obj["action"] is None else [parse_action(obj["action"])]
    raise ValueError("neither an action (no 'type') nor a trajectory step (no 'actions')")


def read_actions(path: str | Path) -> list["Action"]:
    """Read a JSON Lines file of canonical actions, or a traj.jsonl this tool wrote.

    Blank lines and lines starting with '#' are skipped. Raises ActionFileError naming
    the file, the line number and the field for the first bad line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ActionFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    actions: list[Action] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("a line must be a JSON object")
            actions.extend(actions_from_record(obj))
        except ValidationError as exc:
            raise ActionFileError(f"{path}:{number}: {describe_error(exc)}") from None
        except ValueError as exc:
            raise ActionFileError(f"{path}:{number}: {exc}") from None
    return actions


def write_actions(path: str | Path, actions: Iterable["Action"]) -> None:
    """Write actions as JSON Lines."""
    Path(path).write_text("".join(a.to_json() + "\n" for a in actions), encoding="utf-8")
