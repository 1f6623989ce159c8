"""One conformance check every driver must pass (the idea of Gymnasium's check_env)."""

from __future__ import annotations

import pytest

from drivers.actions import ACTION_TYPES, parse_action
from drivers.base import ActionRefused

POINTER_ACTIONS = {
    "click": lambda x, y: {"type": "click", "x": x, "y": y},
    "move": lambda x, y: {"type": "move", "x": x, "y": y},
    "drag": lambda x, y: {"type": "drag", "x": x, "y": y, "to_x": 1, "to_y": 1},
    "swipe": lambda x, y: {"type": "swipe", "x": 1, "y": 1, "to_x": x, "to_y": y, "duration_ms": 50},
    "long_press": lambda x, y: {"type": "long_press", "x": x, "y": y, "duration_ms": 50},
    "scroll": lambda x, y: {"type": "scroll", "x": x, "y": y, "direction": "down", "amount": 1},
}
OTHER_ACTIONS = {
    "type": {"type": "type", "text": "a"},
    "key": {"type": "key", "keys": ["shift"]},
    "button": {"type": "button", "name": "enter"},
    "wait": {"type": "wait", "seconds": 0.01},
}


def check_driver(driver, *, supported: set[str], safe_point: tuple[int, int] | None = None) -> None:
    """Screen size, screenshot shape, each supported action, refusal of off-screen points.

    `safe_point` is where pointer actions may land without side effects (default: centre).
    Actions outside `supported` (of those checked here) must be refused with ActionRefused.
    """
    w, h = driver.screen_size
    assert isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0
    shot = driver.screenshot()
    assert shot.mode == "RGB" and shot.size == (w, h)

    x, y = safe_point or (w // 2, h // 2)
    for kind, make in POINTER_ACTIONS.items():
        action = parse_action(make(x, y))
        if kind in supported:
            driver.execute(action)
            for bad in ((w, y), (x, h), (w + 500, h + 500)):
                with pytest.raises(ActionRefused, match="outside"):
                    driver.execute(parse_action(make(*bad)))
        else:
            with pytest.raises(ActionRefused):
                driver.execute(action)
    for kind, data in OTHER_ACTIONS.items():
        if kind in supported:
            driver.execute(parse_action(data))
        else:
            with pytest.raises(ActionRefused):
                driver.execute(parse_action(data))
    assert set(supported) <= set(ACTION_TYPES)
    assert driver.screenshot().size == (w, h)
