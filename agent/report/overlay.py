"""An SVG drawn over a step's screenshot showing what the step did: a ring where it clicked, an
arrow for a drag or swipe, an arrow in the scroll direction, a caption with typed text or keys.

Coordinates are screenshot pixels (the SVG's viewBox is the screenshot size), so the drawing
scales with the image. Every text that goes in is escaped here; nothing else builds this SVG.
"""

from __future__ import annotations

import html
import json
from typing import Any

MARK = "#ff1f8e"
"""Colour of every mark (vivid pink: rare in app screenshots, so tests can look for it)."""
CAPTION_MAX = 90
"""Characters of typed text shown on the image; the full text is in the step's details."""

_SCROLL = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str) -> str:
    text = text.replace("\n", "⏎").replace("\t", "⇥")
    return text if len(text) <= CAPTION_MAX else text[: CAPTION_MAX - 1] + "…"


def describe(action: dict[str, Any]) -> str:
    """A one-line, human reading of a canonical action (plain text, not escaped)."""
    kind = action.get("type")
    at = f" at ({action.get('x')}, {action.get('y')})" if action.get("x") is not None else ""
    match kind:
        case "click":
            times = {2: "double ", 3: "triple "}.get(action.get("count") or 1, "")
            button = "" if action.get("button", "left") == "left" else f"{action.get('button')} "
            return f"{times}{button}click{at or ' where the pointer is'}"
        case "drag" | "swipe" if action.get("x") is None:
            return f"{kind} from the pointer to ({action.get('to_x')}, {action.get('to_y')})"
        case "drag" | "swipe":
            return f"{kind} from ({action.get('x')}, {action.get('y')}) to ({action.get('to_x')}, {action.get('to_y')})"
        case "scroll":
            return f"scroll {action.get('direction')} {action.get('amount', 5)}{at}"
        case "type":
            return f"type {json.dumps(action.get('text', ''), ensure_ascii=False)}"
        case "key":
            return "key " + "+".join(str(k) for k in action.get("keys") or [])
        case "long_press":
            return f"long press{at} for {action.get('duration_ms', 1000)} ms"
        case "done":
            return f"done: {action.get('status', 'success')}" + (f" ({action['message']})" if action.get("message") else "")
        case "answer":
            return f"answer {json.dumps(action.get('text', ''), ensure_ascii=False)}"
        case "wait":
            return f"wait {action.get('seconds', 1.0)} s"
        case "move":
            return f"move pointer to ({action.get('x')}, {action.get('y')})"
        case "open_app" | "button":
            return f"{kind.replace('_', ' ')} {action.get('name')}"
        case "call_user":
            return f"call user: {action.get('message', '')}"
    return str(kind)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _ring(x: float, y: float, r: float, label: str = "") -> str:
    out = (f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}" class="ring"/>'
           f'<circle cx="{x:g}" cy="{y:g}" r="{r / 5:g}" class="dot"/>')
    if label:
        out += f'<text x="{x + r * 1.2:g}" y="{y - r * 0.6:g}" class="tag" font-size="{r * 1.4:g}">{_e(label)}</text>'
    return out


def _arrow(x: float, y: float, tx: float, ty: float) -> str:
    return f'<line x1="{x:g}" y1="{y:g}" x2="{tx:g}" y2="{ty:g}" class="arrow" marker-end="url(#head)"/>'


def _marks(action: dict[str, Any], w: int, h: int) -> tuple[str, str | None]:
    """(SVG marks at positions, caption text or None) for one action."""
    r = max(w, h) / 64
    x, y = _num(action.get("x")), _num(action.get("y"))
    kind = action.get("type")
    if kind == "click" and x is not None and y is not None:
        count = action.get("count") or 1
        label = ("×" + str(count) if count > 1 else "") + ("" if action.get("button", "left") == "left"
                                                           else " " + str(action.get("button")))
        return _ring(x, y, r, label.strip()), None
    if kind in ("drag", "swipe") and None not in (x, y, _num(action.get("to_x")), _num(action.get("to_y"))):
        return _ring(x, y, r * 0.7) + _arrow(x, y, float(action["to_x"]), float(action["to_y"])), None
    if kind == "drag" and None not in (_num(action.get("to_x")), _num(action.get("to_y"))):
        # From the pointer: only the end is known; the caption says where it started.
        return _ring(float(action["to_x"]), float(action["to_y"]), r * 0.7), describe(action)
    if kind == "long_press" and x is not None and y is not None:
        return _ring(x, y, r) + _ring(x, y, r * 1.6), None
    if kind == "move" and x is not None and y is not None:
        return f'<circle cx="{x:g}" cy="{y:g}" r="{r / 2:g}" class="ring"/>', None
    if kind == "scroll":
        cx, cy = (x, y) if x is not None and y is not None else (w / 2, h / 2)
        dx, dy = _SCROLL.get(str(action.get("direction")), (0, 1))
        length = min(max(w, h) / 4, r * (2 + int(action.get("amount") or 5) / 2))
        return (f'<circle cx="{cx:g}" cy="{cy:g}" r="{r / 3:g}" class="dot"/>'
                + _arrow(cx, cy, cx + dx * length, cy + dy * length)), describe(action)
    return "", describe(action)


def overlay_svg(actions: list[dict[str, Any]], size: tuple[int, int]) -> str:
    """The SVG for a step's actions over a screenshot of `size` (width, height) pixels."""
    w, h = size
    marks, captions = [], []
    for action in actions:
        mark, caption = _marks(action, w, h)
        marks.append(mark)
        if caption:
            captions.append(_short(caption))
    fs = max(w, h) / 60
    boxes = []
    for i, text in enumerate(captions[:3]):  # at most three lines of caption at the bottom
        y = h - (len(captions[:3]) - i) * fs * 1.6
        boxes.append(f'<rect x="0" y="{y:g}" width="{w}" height="{fs * 1.6:g}" class="cap"/>'
                     f'<text x="{fs * 0.5:g}" y="{y + fs * 1.15:g}" class="captext" font-size="{fs:g}">{_e(text)}</text>')
    return (f'<svg class="overlay" viewBox="0 0 {w} {h}" preserveAspectRatio="none" aria-hidden="true">'
            f'{"".join(marks)}{"".join(boxes)}</svg>')


def marker_defs() -> str:
    """The arrow head every overlay refers to; put once in the page."""
    return ('<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
            '<marker id="head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{MARK}"/></marker></defs></svg>')
