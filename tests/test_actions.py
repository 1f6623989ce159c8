"""The canonical action union: valid values round-trip, invalid ones cannot be built."""

import json

import pytest
from pydantic import ValidationError

from drivers.actions import ActionFileError, Click, Key, parse_action, read_actions, write_actions
from drivers.keys import normalize_key, split_combo

VALID = [
    {"type": "click", "x": 10, "y": 20},
    {"type": "click"},
    {"type": "click", "x": 1, "y": 2, "button": "right", "count": 3},
    {"type": "move", "x": 0, "y": 0},
    {"type": "drag", "x": 1, "y": 2, "to_x": 3, "to_y": 4},
    {"type": "swipe", "x": 1, "y": 2, "to_x": 3, "to_y": 4, "duration_ms": 500},
    {"type": "long_press", "x": 5, "y": 6},
    {"type": "scroll", "direction": "down"},
    {"type": "scroll", "x": 3, "y": 4, "direction": "left", "amount": 2},
    {"type": "type", "text": "Grüße, 世界 & $(whoami)"},
    {"type": "key", "keys": ["ctrl", "s"]},
    {"type": "button", "name": "back"},
    {"type": "open_app", "name": "Settings"},
    {"type": "wait", "seconds": 0.5},
    {"type": "answer", "text": "42"},
    {"type": "done", "status": "failure", "message": "impossible"},
    {"type": "call_user", "message": "log in please"},
]

INVALID = [
    ({"type": "click", "x": 10}, "give both x and y"),
    ({"type": "click", "x": -1, "y": 2}, "greater than or equal to 0"),
    ({"type": "click", "x": 1, "y": 2, "button": "back"}, "button"),
    ({"type": "click", "x": 1, "y": 2, "count": 4}, "count"),
    ({"type": "click", "x": 1, "y": 2, "colour": "red"}, "Extra inputs"),
    ({"type": "swipe", "x": 1, "y": 2, "to_x": 3, "to_y": 4, "duration_ms": -5}, "greater than 0"),
    ({"type": "scroll", "direction": "sideways"}, "direction"),
    ({"type": "scroll", "direction": "up", "amount": 0}, "greater than or equal to 1"),
    ({"type": "key", "keys": ["ctrl", "hyper"]}, "unknown key 'hyper'"),
    ({"type": "key", "keys": []}, "at least 1"),
    ({"type": "button", "name": "rewind"}, "name"),
    ({"type": "type", "text": ""}, "at least 1"),
    ({"type": "wait", "seconds": -1}, "greater than or equal to 0"),
    ({"type": "teleport", "x": 1}, "does not match any of the expected tags"),
]


@pytest.mark.parametrize("data", VALID, ids=lambda d: d["type"])
def test_valid_actions_round_trip_through_json(data):
    action = parse_action(data)
    again = parse_action(action.to_json())
    assert again == action
    for key, value in data.items():
        assert getattr(action, key) == value


@pytest.mark.parametrize("data,needle", INVALID, ids=lambda v: json.dumps(v) if isinstance(v, dict) else v)
def test_invalid_actions_cannot_be_built(data, needle):
    with pytest.raises(ValidationError) as info:
        parse_action(data)
    assert needle in str(info.value)


def test_actions_are_immutable():
    action = Click(x=1, y=2)
    with pytest.raises(ValidationError):
        action.x = 5


@pytest.mark.parametrize("raw,canonical", [
    ("Control", "ctrl"), ("ESCAPE", "esc"), ("Return", "enter"), ("cmd", "super"), ("Page_Down", "pagedown"),
    ("ArrowLeft", "left"), ("F5", "f5"), ("a", "a"), ("A", "A"), ("del", "delete"), ("Super_L", "super"),
])
def test_key_names_are_normalised(raw, canonical):
    assert normalize_key(raw) == canonical
    assert Key(keys=[raw]).keys == [canonical]


@pytest.mark.parametrize("combo,keys", [
    ("ctrl+c", ["ctrl", "c"]), ("ctrl shift t", ["ctrl", "shift", "t"]), ("Alt-F4", ["alt", "f4"]),
    ("+", ["+"]), ("page-down", ["pagedown"]),
])
def test_key_combos_split(combo, keys):
    assert split_combo(combo) == keys


def test_action_files_round_trip(tmp_path):
    actions = [parse_action(d) for d in VALID]
    path = tmp_path / "a.jsonl"
    write_actions(path, actions)
    assert read_actions(path) == actions


def test_action_file_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "click", "x": 1, "y": 2}\n\n# a comment\n{"type": "key", "keys": ["hyper"]}\n')
    with pytest.raises(ActionFileError) as info:
        read_actions(path)
    message = str(info.value)
    assert message.startswith(f"{path}:4: ")
    assert "keys: unknown key 'hyper'" in message
    assert "\n" not in message


def test_trajectory_lines_replay_their_actions(tmp_path):
    path = tmp_path / "traj.jsonl"
    rows = [
        {"step": 0, "actions": [{"type": "click", "x": 1, "y": 2}, {"type": "type", "text": "hi"}]},
        {"step": 1, "actions": [], "action": None, "error": "format error: no action"},
        {"step": 2, "action": {"type": "key", "keys": ["enter"]}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [a.type for a in read_actions(path)] == ["click", "type", "key"]
