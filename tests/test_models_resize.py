"""The one resize equals transformers' smart_resize, and coordinates map back exactly."""

import random

import pytest
from PIL import Image

from agent.models.coords import Mapper
from agent.models.families import FAMILIES, get_family
from agent.models.resize import Frame, fit, frame_for, model_size


def transformers_smart_resize():
    # Independent import path from ours: the function the Qwen processors themselves call.
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize
    return smart_resize


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


def test_mapping_per_convention_and_clamping():
    frame = Frame((1920, 1080), (1932, 1092))
    assert Mapper(frame, "absolute").point(966, 546) == (960, 540)
    assert Mapper(frame, "absolute").point(1932, 1092) == (1919, 1079)
    assert Mapper(frame, "rel1000").point(500, 500) == (960, 540)
    assert Mapper(frame, "rel999").point(999, 0) == (1919, 0)
    assert Mapper(frame, "rel1000").point(-5, 2000) == (0, 1079)
    assert Mapper(frame, "absolute").target([0, 0, 1932, 1092]) == (960, 540)


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
            x, y = mapper.point(mx, my)
            scale = max(w / frame.model[0], h / frame.model[1])
            assert abs(x - sx) <= scale / 2 + 1 and abs(y - sy) <= scale / 2 + 1


def test_relative_families_need_no_model_size():
    assert frame_for((1920, 1080), get_family("ui-tars")).model is None
    assert frame_for((1920, 1080), get_family("ui-tars-1.5")).model == (1932, 1092)
