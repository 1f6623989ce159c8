"""The `computer_use` / `mobile_use` function schemas of the Qwen2.5-VL and Qwen3-VL agent cookbooks,
and the Hermes-style system prompt that lists them inside <tools></tools>.

The wording is the models' training distribution, so it is reproduced word for word; the
screen resolution line carries the size of the image the model sees (Qwen2.5-VL) or the
relative grid (Qwen3-VL).
"""

from __future__ import annotations

import json

_COORD = ("(x, y): The x (pixels from the left edge) and y (pixels from the top edge) coordinates to move "
          "the mouse to.")
_DESKTOP_INTRO = [
    "Use a mouse and keyboard to interact with a computer, and take screenshots.",
    "* This is an interface to a desktop GUI. You do not have access to a terminal or applications menu. You must "
    "click on desktop icons to start applications.",
    "* Some applications may take time to start or process actions, so you may need to wait and take successive "
    "screenshots to see the results of your actions. E.g. if you click on Firefox and a window doesn't open, try "
    "wait and taking another screenshot.",
    "* The screen's resolution is {w}x{h}.",
    "* Whenever you intend to move the cursor to click on an element like an icon, you should consult a screenshot "
    "to determine the coordinates of the element before moving the cursor.",
    "* If you tried clicking on a program or link but it failed to load, even after waiting, try adjusting your "
    "cursor position so that the tip of the cursor visually falls on the element that you want to click.",
    "* Make sure to click any buttons, links, icons, etc with the cursor tip in the center of the element. Don't "
    "click boxes on their edges{unless}.",
]
_MOBILE_INTRO = [
    "Use a touchscreen to interact with a mobile device, and take screenshots.",
    "* This is an interface to a mobile device with touchscreen. You can perform actions like clicking, typing, "
    "swiping, etc.",
    "* Some applications may take time to start or process actions, so you may need to wait and take successive "
    "screenshots to see the results of your actions.",
    "* The screen's resolution is {w}x{h}.",
    "* Make sure to click any buttons, links, icons, etc with the cursor tip in the center of the element. Don't "
    "click boxes on their edges unless asked.",
]
_AT = " at a specified (x, y) pixel coordinate on the screen"
_DESKTOP_ACTIONS = {  # name: (description, in Qwen2.5, in Qwen3)
    "key": ("Performs key down presses on the arguments passed in order, then performs key releases in reverse "
            "order.", True, True),
    "type": ("Type a string of text on the keyboard.", True, True),
    "mouse_move": ("Move the cursor to a specified (x, y) pixel coordinate on the screen.", True, True),
    "left_click": ("Click the left mouse button{at}.", True, True),
    "left_click_drag": ("Click and drag the cursor to a specified (x, y) pixel coordinate on the screen.", True, True),
    "right_click": ("Click the right mouse button{at}.", True, True),
    "middle_click": ("Click the middle mouse button{at}.", True, True),
    "double_click": ("Double-click the left mouse button{at}.", True, True),
    "triple_click": ("Triple-click the left mouse button{at} (simulated as double-click since it's the closest "
                     "action).", False, True),
    "scroll": ("Performs a scroll of the mouse scroll wheel.", True, True),
    "hscroll": ("Performs a horizontal scroll (mapped to regular scroll).", False, True),
    "wait": ("Wait specified seconds for the change to happen.", True, True),
    "terminate": ("Terminate the current task and report its completion status.", True, True),
    "answer": ("Answer a question.", False, True),
}
_MOBILE_ACTIONS = {
    "key": ("Perform a key event on the mobile device.\n    - This supports adb's `keyevent` syntax.\n    - "
            'Examples: "volume_up", "volume_down", "power", "camera", "clear".', True, False),
    "click": ("Click the point on the screen with coordinate (x, y).", True, True),
    "long_press": ("Press the point on the screen with coordinate (x, y) for specified seconds.", True, True),
    "swipe": ("Swipe from the starting point with coordinate (x, y) to the end point with coordinates2 (x2, y2).",
              True, True),
    "type": ("Input the specified text into the activated input box.", True, True),
    "answer": ("Output the answer.", False, True),
    "system_button": ("Press the system button.", True, True),
    "open": ("Open an app on the device.", True, False),
    "wait": ("Wait specified seconds for the change to happen.", True, True),
    "terminate": ("Terminate the current task and report its completion status.", True, True),
}
_STATUS = {"description": "The status of the task. Required only by `action=terminate`.", "type": "string",
           "enum": ["success", "failure"]}


def _action_param(table: dict, qwen3: bool) -> dict:
    names = [n for n, (_, in25, in3) in table.items() if (in3 if qwen3 else in25)]
    lines = [f"* `{n}`: " + table[n][0].format(at=_AT if qwen3 else "") for n in names]
    return {"description": "The action to perform. The available actions are:\n" + "\n".join(lines),
            "enum": names, "type": "string"}


def _desktop(qwen3: bool, w: int, h: int) -> tuple[str, dict]:
    intro = "\n".join(_DESKTOP_INTRO).format(w=w, h=h, unless="" if qwen3 else " unless asked")
    scroll_by = "`action=scroll` and `action=hscroll`" if qwen3 else "`action=scroll`"
    props = {
        "action": _action_param(_DESKTOP_ACTIONS, qwen3),
        "keys": {"description": "Required only by `action=key`.", "type": "array"},
        "text": {"description": "Required only by `action=type` and `action=answer`." if qwen3
                 else "Required only by `action=type`.", "type": "string"},
        "coordinate": {"description": _COORD if qwen3 else
                       _COORD + " Required only by `action=mouse_move` and `action=left_click_drag`.",
                       "type": "array"},
        "pixels": {"description": "The amount of scrolling to perform. Positive values scroll up, negative values "
                   f"scroll down. Required only by {scroll_by}.", "type": "number"},
        "time": {"description": "The seconds to wait. Required only by `action=wait`.", "type": "number"},
        "status": _STATUS,
    }
    return intro, props


def _mobile(qwen3: bool, w: int, h: int) -> tuple[str, dict]:
    intro = "\n".join(_MOBILE_INTRO).format(w=w, h=h)
    by_click = "Required only by `action=click`, `action=long_press`, and `action=swipe`."
    props = {
        "action": _action_param(_MOBILE_ACTIONS, qwen3),
        "coordinate": {"description": f"{_COORD} {by_click}", "type": "array"},
        "coordinate2": {"description": f"{_COORD} Required only by `action=swipe`.", "type": "array"},
        "text": {"description": "Required only by `action=type` and `action=answer`." if qwen3 else
                 "Required only by `action=key`, `action=type`, and `action=open`.", "type": "string"},
        "time": {"description": "The seconds to wait. Required only by `action=long_press` and `action=wait`.",
                 "type": "number"},
        "button": {"description": "Back means returning to the previous interface, Home means returning to the "
                   "desktop, Menu means opening the application background menu, and Enter means pressing the "
                   "enter. Required only by `action=system_button`", "enum": ["Back", "Home", "Menu", "Enter"],
                   "type": "string"},
        "status": _STATUS,
    }
    return intro, props


def tool_schema(qwen3: bool, mobile: bool, width: int, height: int) -> dict:
    """The function entry listed inside <tools>, for a screen described as `width` x `height`."""
    name = "mobile_use" if mobile else "computer_use"
    intro, props = (_mobile if mobile else _desktop)(qwen3, width, height)
    params = {"properties": props, "required": ["action"], "type": "object"}
    if qwen3:
        return {"type": "function", "function": {"name": name, "description": intro, "parameters": params}}
    return {"type": "function", "function": {"name_for_human": name, "name": name, "description": intro,
                                             "parameters": params,
                                             "args_format": "Format the arguments as a JSON object."}}


QWEN3_RESPONSE_FORMAT = """

# Response format

Response format for every step:
1) Thought: one concise sentence explaining the next move (no multi-step reasoning).
2) Action: a short imperative describing what to do in the UI.
3) A single <tool_call>...</tool_call> block containing only the JSON: {"name": <function-name>, "arguments": <args-json-object>}.

Rules:
- Output exactly in the order: Thought, Action, <tool_call>.
- Be brief: one sentence for Thought, one for Action.
- Do not output anything else outside those three parts.
- If finishing, use action=terminate in the tool call."""


def system_prompt(qwen3: bool, mobile: bool, width: int, height: int) -> str:
    """The whole system message: a preamble, the tool list, the call format (and Qwen3's response rules)."""
    tools = json.dumps(tool_schema(qwen3, mobile, width, height), ensure_ascii=False)
    # The Qwen3 mobile cookbook sends no "You are a helpful assistant." preamble; the others do.
    preamble = "" if (qwen3 and mobile) else "You are a helpful assistant."
    text = (f"{preamble}\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            f"{tools}\n</tools>\n\nFor each function call, return a json object with function name and arguments "
            "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
            '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>')
    return text + (QWEN3_RESPONSE_FORMAT if qwen3 else "")
