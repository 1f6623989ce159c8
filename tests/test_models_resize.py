"""The one resize equals transformers' smart_resize, and coordinates map back exactly."""

import inspect
import random
import re

import pytest
from PIL import Image

from agent.models.coords import Mapper
from agent.models.families import FAMILIES, get_family
from agent.models.resize import Frame, fit, frame_for, installed_smart_resize, model_size
from agent.policy import FormatError


def transformers_smart_resize():
    # Independent import path from ours: the function the Qwen processors themselves call.
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize
    return smart_resize


@pytest.mark.slow
def test_model_size_equals_transformers_on_thousands_of_sizes():
    smart_resize = transformers_smart_resize()
    rng = random.Random(1234)
    for _ in range(5000):
        family = FAMILIES[rng.choice(sorted(FAMILIES))]
        w, h = rng.randint(16, 5000), rng.randint(16, 5000)
        if max(w, h) / min(w, h) > 200:
            continue
        lo = rng.choice([None, rng.randint(1, 500) * family.factor ** 2])
        hi = rng.choice([None, rng.randint(1, 20000) * family.factor ** 2])
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        expect_h, expect_w = smart_resize(h, w, factor=family.factor,
                                          min_pixels=family.min_pixels if lo is None else lo,
                                          max_pixels=family.max_pixels if hi is None else hi)
        got = model_size(w, h, family, lo, hi)
        assert got == (expect_w, expect_h), (family.name, w, h, lo, hi)
        assert got[0] % family.factor == 0 and got[1] % family.factor == 0


@pytest.mark.slow
def test_the_function_read_from_source_is_transformers_own():
    # model_size reads smart_resize from transformers' source without importing transformers
    # (which loads torch). It must be the very function: same code object, same source, same results.
    ours, theirs = installed_smart_resize(), transformers_smart_resize()
    assert ours is not theirs and ours.__code__ == theirs.__code__
    assert ours.__code__.co_code == theirs.__code__.co_code and ours.__code__.co_filename == theirs.__code__.co_filename
    assert inspect.getsource(ours) == inspect.getsource(theirs)
    assert (ours.__module__, ours.__qualname__, ours.__defaults__) == (theirs.__module__, theirs.__qualname__,
                                                                        theirs.__defaults__)
    rng = random.Random(99)
    for _ in range(3000):
        h, w, factor = rng.randint(1, 20000), rng.randint(1, 20000), rng.choice([14, 16, 28, 32])
        lo, hi = sorted([rng.randint(1, 10 ** 7), rng.randint(1, 10 ** 8)])
        try:
            expected = theirs(h, w, factor, lo, hi)
        except ValueError as exc:
            with pytest.raises(ValueError, match=re.escape(str(exc))):
                ours(h, w, factor, lo, hi)
            continue
        assert ours(h, w, factor, lo, hi) == expected


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 2400), (1280, 800), (333, 777)])
def test_the_image_sent_is_exactly_that_size(family, size):
    fam = get_family(family)
    image, frame = fit(Image.new("RGBA", size, (1, 2, 3, 255)), fam)
    assert image.mode == "RGB" and image.size == frame.model == model_size(*size, fam)
    assert frame.screen == size
    small, small_frame = fit(Image.new("RGB", size), fam, max_pixels=fam.suggested_max_pixels)
    assert small.size == small_frame.model
    assert small.size[0] * small.size[1] <= fam.suggested_max_pixels


def test_known_sizes():
    assert model_size(1920, 1080, get_family("qwen2.5-vl")) == (1932, 1092)
    assert model_size(1920, 1080, get_family("qwen3-vl")) == (1920, 1088)
    assert model_size(1920, 1080, get_family("qwen2.5-vl"), max_pixels=1280 * 28 * 28) == (1316, 728)


def test_mapping_per_convention_and_the_upper_edge():
    frame = Frame((1920, 1080), (1932, 1092))
    assert Mapper(frame, "absolute").point(966, 546) == (960, 540)
    assert Mapper(frame, "absolute").point(1932, 1092) == (1919, 1079)  # on the limit: the last pixel
    assert Mapper(frame, "rel1000").point(500, 500) == (960, 540)
    assert Mapper(frame, "rel1000").point(1000, 1000) == (1919, 1079)
    assert Mapper(frame, "rel999").point(999, 0) == (1919, 0)
    assert Mapper(frame, "absolute").target([0, 0, 1932, 1092]) == (960, 540)


@pytest.mark.parametrize("coords,point,reason", [
    ("rel1000", (-5, 20), r"x=-5 is outside 0\.\.1000"), ("rel1000", (5, 1000.5), r"y=1000\.5 is outside 0\.\.1000"),
    ("rel999", (1000, 0), r"x=1000 is outside 0\.\.999"), ("absolute", (1933, 0), r"x=1933 is outside 0\.\.1932"),
    ("absolute", (0, 1093), r"y=1093 is outside 0\.\.1092 \(the 1932x1092 image"),
    ("absolute", (10 ** 400, 0), "an integer of about 401 digits"), ("rel999", (float("nan"), 0), "nan"),
    ("rel1000", (float("inf"), 0), "inf"), ("absolute", (True, 0), "True"), ("absolute", ("5", 0), "'5'"),
])
def test_points_outside_the_model_space_are_format_errors(coords, point, reason):
    with pytest.raises(FormatError, match=reason):
        Mapper(Frame((1920, 1080), (1932, 1092)), coords).point(*point)


def test_every_corner_of_a_box_must_be_inside():
    with pytest.raises(FormatError, match="x=-100"):  # its centre (450, 500) alone would pass
        Mapper(Frame((1920, 1080), None), "rel1000").target([-100, 0, 1000, 1000])


def test_every_model_pixel_maps_inside_and_round_trips():
    rng = random.Random(7)
    fam = get_family("qwen2.5-vl")
    for _ in range(200):
        w, h = rng.randint(200, 4000), rng.randint(200, 4000)
        frame = Frame((w, h), model_size(w, h, fam, max_pixels=rng.choice([None, 1280 * 28 * 28])))
        mapper = Mapper(frame, "absolute")
        for _ in range(20):
            sx, sy = rng.randrange(w), rng.randrange(h)
            # Where a perfect model would point on the image it saw, for screen pixel (sx, sy).
            mx, my = (sx + 0.5) * frame.model[0] / w - 0.5, (sy + 0.5) * frame.model[1] / h - 0.5
            mx, my = max(mx, 0.0), max(my, 0.0)  # it writes points inside the image it saw
            x, y = mapper.point(mx, my)
            scale = max(w / frame.model[0], h / frame.model[1])
            assert abs(x - sx) <= scale / 2 + 1 and abs(y - sy) <= scale / 2 + 1


def test_relative_families_need_no_model_size():
    assert frame_for((1920, 1080), get_family("ui-tars")).model is None
    assert frame_for((1920, 1080), get_family("ui-tars-1.5")).model == (1932, 1092)
