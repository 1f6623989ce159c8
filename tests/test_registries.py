"""Every registry resolves: each model family is complete (transformers classes, prompt, parser,
detection, aliases), and every OSWorld getter and metric name leads to a callable."""

import typing

import pytest
from PIL import Image

from agent.models.coords import Mapper
from agent.models.detect import detect_family
from agent.models.families import FAMILIES, FAMILY_NAMES, Coords, Family, architecture, get_family
from agent.models.parsers import parse
from agent.models.prompts import build_messages
from agent.models.resize import frame_for
from agent.steps import StepResult
from drivers.actions import Click, Type

FAMILY_LIST = [pytest.param(f, id=f.name) for f in FAMILIES.values()]


def attributes(cls):
    """Every attribute the Family base class declares, inherited ones included."""
    return [name for klass in reversed(cls.__mro__) for name in getattr(klass, "__annotations__", {})]


@pytest.mark.parametrize("family", FAMILY_LIST)
def test_family_declares_everything(family):
    missing = [name for name in attributes(Family) if not hasattr(family, name)]
    assert missing == []
    assert get_family(family.name) is family and family.name == family.name.lower()
    assert family.coords in typing.get_args(Coords)
    assert family.factor > 0 and 0 < family.min_pixels <= family.suggested_max_pixels <= family.max_pixels
    assert family.history_images >= 1 and family.checkpoints and family.architectures
    for platform in ("desktop", "android"):  # the grammar of its replies, for constrained decoding
        grammar = family.grammar(platform, frame_for((1920, 1080), family))
        assert grammar.matches(family.example_reply) == (platform == "desktop" or family.style == "calls")


@pytest.mark.parametrize("family", FAMILY_LIST)
def test_family_classes_exist_in_the_installed_transformers(family):
    transformers = pytest.importorskip("transformers")
    for arch in family.architectures:
        assert architecture(arch.model_type) == arch
        # hasattr imports the class's module lazily, instantiates nothing
        assert hasattr(transformers, arch.model_class), arch.model_class
        assert hasattr(transformers, arch.processor_class), arch.processor_class
        assert hasattr(transformers, arch.image_processor_class), arch.image_processor_class


def two_steps(error: str | None = None):
    return [StepResult(index=0, actions=[Click(x=1, y=2)], raw_text="(a reply)"),
            StepResult(index=1, actions=[Type(text="hi")], raw_text="(another reply)", error=error)]


@pytest.mark.parametrize("platform", ["desktop", "android"])
@pytest.mark.parametrize("family", FAMILY_LIST)
def test_family_prompt_builds_with_a_two_step_history(family, platform):
    tiny = [Image.new("RGB", (family.factor, family.factor), (i, 0, 0)) for i in range(3)]
    messages = build_messages(family, platform, "Open the settings", two_steps("refused"), tiny[:2], tiny[2],
                              history_images=2)
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"
    images = [p["image"] for m in messages for p in m["content"] if p["type"] == "image"]
    assert images == [tiny[1], tiny[2]]  # the window: the last step's screenshot and the current one
    texts = [p["text"] for m in messages for p in m["content"] if p["type"] == "text"]
    assert any("Open the settings" in t for t in texts) and "refused" in texts[-1]
    assert family.prompt.system_text(platform, tiny[2].size) == messages[0]["content"][0]["text"]


@pytest.mark.parametrize("family", FAMILY_LIST)
def test_family_parser_reads_its_own_example(family):
    frame = frame_for((1920, 1080), family)
    assert parse(family.example_reply, family, frame) == [Click(x=x, y=y) for x, y in
                                                          [Mapper(frame, family.coords).point(100, 200)]]


@pytest.mark.parametrize("family", FAMILY_LIST)
def test_family_detection_round_trips(family):
    for checkpoint in family.checkpoints:
        assert detect_family(checkpoint) == family.name
        for model_type in family.model_types:
            assert detect_family(checkpoint, model_type) == family.name
    if family.claims_architectures:
        for model_type in family.model_types:
            assert detect_family("/models/my-agent", model_type) == family.name


def test_every_alias_resolves():
    for family in FAMILIES.values():
        for spelling in (family.name, *family.aliases):
            for variant in (spelling, spelling.upper(), spelling.replace("-", "_"), f" {spelling} "):
                assert get_family(variant) is family, variant
    shipped = ["qwen2-vl", "qwen2.5-vl", "qwen3-vl", "ui-tars", "ui-tars-1.5"]  # a --family interface
    assert [name for name in FAMILY_NAMES if name in shipped] == shipped
    with pytest.raises(ValueError, match="choose one of: qwen2-vl, qwen2.5-vl"):
        get_family("gpt-4v")


def test_every_osworld_getter_and_metric_resolves_to_a_callable():
    from tasks.osworld.registry import GETTERS, METRICS, resolve

    broken = []
    for kind, table in (("getter", GETTERS), ("metric", METRICS)):
        for name, spec in table.items():
            try:
                ok = callable(resolve(spec))
            except (ImportError, AttributeError) as exc:
                ok, spec = False, f"{spec} ({type(exc).__name__}: {exc})"
            if not ok:
                broken.append(f"{kind} {name} -> {spec}")
    assert broken == [] and len(GETTERS) > 20 and len(METRICS) > 80
