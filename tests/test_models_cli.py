"""`gui-agent parse` through the real command line."""

import json
import subprocess
import sys

import pytest

from tests.helpers.cli import gui_agent

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


DRAG = CLICK.replace('"left_click"', '"left_click_drag"')


def test_parse_pointer_is_the_start_of_a_drag_without_one():
    out = gui_agent("parse", "--family", "qwen2.5-vl", "--screen", "1920x1080", "--pointer", "10,20", DRAG)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"type": "drag", "x": 10, "y": 20, "to_x": 960, "to_y": 540}
    out = gui_agent("parse", "--family", "qwen2.5-vl", "--screen", "1920x1080", DRAG)
    assert json.loads(out.stdout) == {"type": "drag", "x": None, "y": None, "to_x": 960, "to_y": 540}


@pytest.mark.parametrize("pointer,reason", [("1920,5", "outside the 1920x1080 screen"),
                                            ("5,-1", "outside the 1920x1080 screen"),
                                            ("a,b", "not a point like"), ("1,2,3", "not a point like"),
                                            ("1.5,2", "not a point like")])
def test_parse_bad_pointer_exits_2_with_one_line(pointer, reason):
    out = gui_agent("parse", "--family", "qwen2.5-vl", "--screen", "1920x1080", "--pointer", pointer, DRAG)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: --pointer: ") and reason in out.stderr


def test_parse_refuses_a_reply_over_the_size_cap():
    text = "Action: wait()" + " " * 100_000
    out = gui_agent("parse", "--family", "ui-tars", "--screen", "1920x1080", "-", input=text)
    assert out.returncode == 2
    assert out.stderr == "error: cannot parse the reply: the reply is 100014 characters, over the " \
                         "100000-character limit\n"


def test_parse_of_an_absolute_family_does_not_import_torch_or_transformers():
    # In a fresh interpreter: the real command, run in-process, then what it left in sys.modules.
    code = ("import json, sys\nfrom click.testing import CliRunner\nfrom agent.cli import main\n"
            f"args = ['parse', '--family', 'qwen2.5-vl', '--screen', '1920x1080', {CLICK!r}]\n"
            "result = CliRunner().invoke(main, args)\n"
            "print(json.dumps({'code': result.exit_code, 'out': result.output,\n"
            "                  'heavy': sorted(m for m in ('torch', 'transformers') if m in sys.modules)}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["code"] == 0 and json.loads(result["out"])["x"] == 960
    assert result["heavy"] == []
