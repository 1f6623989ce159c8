"""Every reply a family's grammar admits is one its parser accepts: hypothesis writes replies
from the grammar's regex, and each must parse into valid actions inside the screen.

This is the promise constrained decoding makes (a constrained reply always parses), checked for
every family, both platforms, and model images of several sizes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.models.families import FAMILIES, get_family
from agent.models.grammars import Limits
from agent.models.parsers import parse
from agent.models.resize import frame_for

SCREENS = [(1920, 1080), (1280, 800), (1080, 2400), (3840, 2160)]
SMALL = Limits(thought=24, text=24)
"""Short free text: hypothesis explores the structure instead of writing long strings."""
CASES = [pytest.param(family, platform, screen, id=f"{family.name}-{platform}-{screen[0]}x{screen[1]}")
         for family in FAMILIES.values() for platform in ("desktop", "android") for screen in SCREENS]
GENERATED = settings(max_examples=40, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                            HealthCheck.data_too_large])


def check_reply(text: str, family, frame, platform: str) -> list:
    """The actions `text` means; every coordinate inside the screen."""
    actions = parse(text, family, frame, platform=platform)  # a FormatError fails the test
    assert actions
    width, height = frame.screen
    for action in actions:
        for axis, size in (("x", width), ("to_x", width), ("y", height), ("to_y", height)):
            value = getattr(action, axis, None)
            assert value is None or 0 <= value < size, (action, frame)
    return actions


@pytest.mark.parametrize("family, platform, screen", CASES)
def test_every_reply_the_grammar_admits_parses(family, platform, screen):
    frame = frame_for(screen, family)
    grammar = family.grammar(platform, frame, SMALL)

    @GENERATED
    @given(st.from_regex(grammar.regex, fullmatch=True))
    def replies_parse(text):
        check_reply(text, family, frame, platform)

    replies_parse()


@pytest.mark.parametrize("family", [pytest.param(f, id=f.name) for f in FAMILIES.values()])
def test_replies_at_the_default_limits_parse(family):
    # The limits the policy uses for 512 new tokens: long thoughts and texts, all readable.
    frame = frame_for((1920, 1080), family)
    for platform in ("desktop", "android"):
        grammar = family.grammar(platform, frame, Limits.fitting(512))

        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(st.from_regex(grammar.regex, fullmatch=True))
        def replies_parse(text):
            check_reply(text, family, frame, platform)

        replies_parse()


@pytest.mark.parametrize("family", [pytest.param(f, id=f.name) for f in FAMILIES.values()])
def test_the_far_corner_of_the_coordinate_space_lands_on_the_last_pixel(family):
    frame = frame_for((1920, 1080), family)
    grammar = family.grammar("desktop", frame, SMALL)
    w, h = grammar.space
    reply = family.example_reply.replace("100", str(w)).replace("200", str(h))
    if family.name == "qwen2-vl":
        reply = reply.replace("(90,190),(110,210)", f"({w},{h}),({w},{h})")
    assert grammar.matches(reply), reply
    assert [(a.x, a.y) for a in check_reply(reply, family, frame, "desktop")] == [(1919, 1079)]
    past = reply.replace(str(w), str(w + 1), 1)
    assert not grammar.matches(past)


def test_an_app_name_cannot_start_with_an_escape():
    """`open_app(app_name='\\n')` is an empty name once the parser strips it: the grammar refuses it
    (hypothesis found it once in a few hundred replies)."""
    family = get_family("ui-tars-1.5")
    frame = frame_for((1080, 2400), family)
    grammar = family.grammar("android", frame, Limits.fitting(512))
    assert not grammar.matches("Thought: go\nAction: open_app(app_name='\\n')")
    assert not grammar.matches("Thought: go\nAction: open_app(app_name=' x')")
    assert grammar.matches("Thought: go\nAction: open_app(app_name='Settings\\n')")
