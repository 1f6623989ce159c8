"""`gui-agent parse` through the real command line."""

import json

from tests.conftest import gui_agent

CLICK = '<tool_call>{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [966, 546]}}</tool_call>'


def test_parse_prints_one_action_a_line_in_screen_pixels():
    out = gui_agent("parse", "--family", "qwen2.5-vl", "--screen", "1920x1080", CLICK + CLICK.replace("left", "right"))
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == [
        {"type": "click", "x": 960, "y": 540, "button": "left", "count": 1},
        {"type": "click", "x": 960, "y": 540, "button": "right", "count": 1}]


def test_parse_honours_max_pixels_and_reads_stdin():
    # With max 1280*28*28 a 1920x1080 screen is shown as 1316x728: 658 is its middle.
    text = "Thought: ok\nAction: click(point='<point>658 364</point>')"
    out = gui_agent("parse", "--family", "ui-tars-1.5", "--screen", "1920x1080", "--max-pixels",
                    str(1280 * 28 * 28), "-", input=text)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"type": "click", "x": 960, "y": 540, "button": "left", "count": 1}


def test_parse_unparseable_exits_2_with_one_line():
    out = gui_agent("parse", "--family", "ui-tars", "--screen", "1920x1080", "I am not sure what to do.")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: cannot parse the reply: no 'Action:' line")
    out = gui_agent("parse", "--family", "ui-tars", "--screen", "wide", "Action: wait()")
    assert out.returncode == 2 and "not a size" in out.stderr
