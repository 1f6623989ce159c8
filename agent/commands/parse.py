"""`gui-agent parse`: what a raw model reply means, as canonical actions in screen pixels."""

from __future__ import annotations

import sys

import click

from agent.models.families import FAMILY_NAMES

from .common import UserError, parse_size

EXAMPLES = """
\b
Examples:
  gui-agent parse --family qwen2.5-vl --screen 1920x1080 \\
      '<tool_call>{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [966, 546]}}</tool_call>'
  gui-agent parse --family ui-tars --screen 1080x2400 --platform android \\
      "Thought: open it. Action: click(start_box='(500,300)')"
  some-model-client | gui-agent parse --family qwen3-vl --screen 1280x800 -
"""


def parse_pointer(text: str, screen: tuple[int, int]) -> tuple[int, int]:
    """--pointer X,Y: two non-negative integers inside the WxH screen; UserError otherwise."""
    try:
        x, y = (int(v) for v in text.split(","))
    except ValueError:
        raise UserError(f"--pointer: {text!r} is not a point like 640,400") from None
    if not (0 <= x < screen[0] and 0 <= y < screen[1]):
        raise UserError(f"--pointer: {x},{y} is outside the {screen[0]}x{screen[1]} screen")
    return x, y


@click.command("parse", epilog=EXAMPLES)
@click.option("--family", required=True, type=click.Choice(FAMILY_NAMES, case_sensitive=False),
              help="The model family that wrote TEXT.")
@click.option("--screen", required=True, metavar="WxH", help="Size of the screenshot the model was shown.")
@click.option("--min-pixels", type=click.IntRange(min=1), default=None,
              help="Smallest image area the model saw (default: the family's).")
@click.option("--max-pixels", type=click.IntRange(min=1), default=None,
              help="Largest image area the model saw (default: the family's).")
@click.option("--platform", type=click.Choice(["desktop", "android"]), default="desktop", show_default=True,
              help="Action space the reply is read in (a drag is a swipe on android).")
@click.option("--pointer", default=None, metavar="X,Y",
              help="Where the pointer is (screen pixels), for a drag the reply gives only an end point; "
                   "without it such a drag prints x and y null (start where the pointer is).")
@click.argument("text")
def command(family, screen, min_pixels, max_pixels, platform, pointer, text):
    """Print the canonical actions that TEXT (a raw model reply; '-' reads stdin) means,
    one JSON object a line, in pixels of a WxH screenshot. Exit 2 if TEXT cannot be parsed."""
    from agent.models.families import get_family
    from agent.models.parsers import parse
    from agent.models.resize import frame_for
    from agent.policy import FormatError
    from drivers.base import MissingDependency

    size = parse_size(screen, "--screen")
    where = parse_pointer(pointer, size) if pointer is not None else None
    if text == "-":
        text = sys.stdin.read()
    fam = get_family(family)
    try:
        frame = frame_for(size, fam, min_pixels, max_pixels)
    except ValueError as exc:
        raise UserError(f"--screen {screen}: {exc}") from None
    except MissingDependency as exc:  # no transformers for an absolute-coordinate family's resize
        raise UserError(str(exc)) from None
    try:
        actions = parse(text, fam, frame, platform=platform, pointer=where)
    except FormatError as exc:
        raise UserError(f"cannot parse the reply: {exc.reason}") from None
    for action in actions:
        click.echo(action.to_json())
