"""The grammars the other way round: every action a family's prompt offers, written as its
prompt shows it, matches the family's grammar (and parses); so do the families' example replies.
And the replies a grammar must refuse (out of range, labels in thoughts, special-token text) are
refused."""

import json
import re

import pytest

from agent.models.families import FAMILIES, get_family
from agent.models.grammars import Limits
from agent.models.grammars.callstyle import actions
from agent.models.grammars.text import WHITESPACE
from agent.models.grammars.toolcall import tools
from agent.models.parsers import parse
from agent.models.resize import frame_for

FAMILY_LIST = [pytest.param(f, id=f.name) for f in FAMILIES.values()]
CALL_STYLE = [pytest.param(f, id=f.name) for f in FAMILIES.values() if f.style == "calls"]
TOOL_CALL = [pytest.param(f, id=f.name) for f in FAMILIES.values() if f.style == "tool_call"]
PLACEHOLDERS = {"x1": "100", "y1": "200", "x2": "300", "y2": "400", "x3": "500", "y3": "600",
                "key=''": "key='ctrl c'", "content=''": "content='Hello, it\\'s me\\n'",
                "content='xxx'": "content='done'", "app_name=''": "app_name='Settings'",
                "'down or up or right or left'": "'down'"}
# One reply per tool action, as the Qwen cookbooks write them (json.dumps spacing).
TOOL_ARGS = {"key": {"keys": ["ctrl", "c"]}, "type": {"text": "Grüße, 世界 \"quoted\"\n"},
             "mouse_move": {"coordinate": [100, 200]}, "left_click": {"coordinate": [100, 200]},
             "left_click_drag": {"coordinate": [300, 400]}, "right_click": {"coordinate": [100, 200]},
             "middle_click": {"coordinate": [100, 200]}, "double_click": {"coordinate": [100, 200]},
             "triple_click": {"coordinate": [100, 200]}, "scroll": {"pixels": -300},
             "hscroll": {"coordinate": [100, 200], "pixels": 5}, "wait": {"time": 2},
             "terminate": {"status": "success"}, "answer": {"text": "42"}, "click": {"coordinate": [100, 200]},
             "long_press": {"coordinate": [100, 200], "time": 1.5},
             "swipe": {"coordinate": [100, 200], "coordinate2": [300, 400]}, "system_button": {"button": "Back"},
             "open": {"text": "Settings"}}
PHONE_KEY = {"text": "volume_up"}


def reference_calls(family, platform: str) -> list[str]:
    """Each action line of the family's prompt with its placeholders filled in."""
    template = family.prompt.template(platform)
    lines = re.findall(r"^([a-z_]+\(.*\))", template.split("## Action Space")[1].split("## Note")[0], re.M)
    filled = []
    for line in lines:
        for placeholder, value in PLACEHOLDERS.items():
            line = line.replace(placeholder, value)
        filled.append(line)
    return filled


def reference_tool_calls(family, platform: str) -> list[str]:
    system = family.prompt.system_text(platform, (1932, 1092))
    (tool,) = tools(system)
    replies = []
    for action in tool["parameters"]["properties"]["action"]["enum"]:
        args = PHONE_KEY if (action, tool["name"]) == ("key", "mobile_use") else TOOL_ARGS[action]
        call = json.dumps({"name": tool["name"], "arguments": {"action": action, **args}}, ensure_ascii=False)
        replies.append(f"<tool_call>\n{call}\n</tool_call>")
    return replies


@pytest.mark.parametrize("family", FAMILY_LIST)
def test_the_family_example_reply_matches_its_grammar(family):
    frame = frame_for((1920, 1080), family)
    for limits in (Limits(), Limits.fitting(512), Limits.fitting(256)):
        assert family.grammar("desktop", frame, limits).matches(family.example_reply)


@pytest.mark.parametrize("platform", ["desktop", "android"])
@pytest.mark.parametrize("family", CALL_STYLE)
def test_every_action_the_prompt_shows_matches_and_parses(family, platform):
    frame = frame_for((1920, 1080), family)
    grammar = family.grammar(platform, frame)
    calls = reference_calls(family, platform)
    assert len(calls) == len(actions(family.prompt.template(platform))) >= 7
    for call in calls:
        reply = f"Thought: The next step is clear: press it.\nAction: {call}"
        assert grammar.matches(reply), reply
        assert parse(reply, family, frame, platform=platform)


@pytest.mark.parametrize("platform", ["desktop", "android"])
@pytest.mark.parametrize("family", TOOL_CALL)
def test_every_tool_action_the_prompt_offers_matches_and_parses(family, platform):
    frame = frame_for((1920, 1080), family)
    grammar = family.grammar(platform, frame)
    replies = reference_tool_calls(family, platform)
    assert len(replies) >= 8
    for reply in replies:
        if family.name == "qwen3-vl":  # its cookbook's response format: Thought, Action, the call
            reply = f'Thought: The button is visible.\nAction: "Click the button."\n{reply}'
        assert grammar.matches(reply), reply
        assert parse(reply, family, frame, platform=platform)


def test_prompt_actions_without_a_grammar_rule_are_an_error():
    from agent.models.grammars.callstyle import reply
    from agent.models.grammars.values import Space

    template = "## Action Space\n\nclick(start_box='(x1,y1)')\nteleport(place='')\n\n## Note\n"
    with pytest.raises(ValueError, match="place"):
        reply(template, Space(1000, 1000), 10, 10)


REFUSED = {
    "qwen2.5-vl": [  # the model image of a 1920x1080 screen is 1932x1092
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [1933, 5]}}'
        '\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [5, 1093]}}'
        '\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "type", "text": ""}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "type", "text": "a<|im_end|>"}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "type", "text": "</s>"}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "scroll", "pixels": 0}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "scroll", "pixels": 10001}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "wait", "time": 601}}\n</tool_call>',
        '<tool_call>\n{"name": "computer_use", "arguments": {"action": "hscroll", "pixels": 5}}\n</tool_call>',
    ],
    "qwen3-vl": [
        'Thought: ok\nAction: "Click."\n<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", '
        '"coordinate": [1000, 5]}}\n</tool_call>',
        'Thought: <tool_call>\nAction: "Click."\n<tool_call>\n{"name": "computer_use", "arguments": {"action": '
        '"left_click", "coordinate": [5, 5]}}\n</tool_call>',
    ],
    "ui-tars": [
        "Thought: ok\nAction: click(start_box='(1001,5)')",
        "Thought: Action: click(start_box='(5,5)')\nAction: wait()",
        "Thought: next action : wait\nAction: wait()",
        "Thought: ok\nAction: type(content='')",
        "Thought: ok\nAction: type(content='it's')",
        "Thought: ok\nAction: hotkey(key='ctrl alt shift delete')",
    ],
    "ui-tars-1.5": [
        "Thought: ok\nAction: click(point='<point>1933 5</point>')",
        "Thought: Reaction` `Action```:\nAction: wait()",
        "Thought: ok\nAction: finished(content='<|im_end|>')",
        "Thought: ok\nAction: scroll(point='<point>5 5</point>', direction='sideways')",
    ],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_replies_the_parser_refuses_or_the_prompt_rules_out_are_outside_the_grammar(name):
    family = get_family(name)
    grammar = family.grammar("desktop", frame_for((1920, 1080), family))
    for reply in REFUSED[name]:
        assert not grammar.matches(reply), reply


def test_the_whitespace_a_thought_may_not_put_before_a_colon_is_all_of_it():
    import sys

    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if re.match(r"\s", c)}


def test_limits_fit_the_token_budget():
    assert Limits.fitting(512) == Limits(thought=98, text=196)
    small = Limits.fitting(16)
    assert small.thought >= 1 and small.text >= 1
    with pytest.raises(ValueError):
        Limits(thought=0)
