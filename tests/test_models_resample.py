"""The resamplers: "pil" is Pillow's bicubic exactly, "vips" stays within a few levels of it on
busy screens at every family's sizes, upscales are always Pillow's, and the image is always
exactly the size the coordinates refer to."""

import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

from agent.models import build_policy
from agent.models import resample as resample_module
from agent.models.families import FAMILIES, get_family
from agent.models.model_policy import PolicyConfig
from agent.models.resample import resample, uses_vips
from agent.models.resize import fit, model_size
from drivers.base import MissingDependency

pyvips = pytest.importorskip("pyvips", reason="the vips resampler needs pyvips (gui-agent[openai])")


def busy_screen(size) -> Image.Image:
    """A desktop-like screen: rows of small dark text, 1-pixel rules, coloured bars, a dark panel."""
    w, h = size
    image = Image.new("RGB", size, (246, 246, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w, 28), fill=(52, 101, 164))
    draw.rectangle((0, h // 2, w // 5, h), fill=(30, 30, 30))
    for y in range(36, h, 17):
        draw.line((0, y + 15, w, y + 15), fill=(205, 205, 215))
        for x in range(4, w, 230):
            draw.text((x, y), f"item{y % 97} {x * 3.5:.1f} Save", fill=(10, 10, 10) if x % 3 else (200, 20, 20))
    for x in range(0, w, 97):
        draw.line((x, 28, x, h), fill=(190, 190, 190))
    return image


def error(a: Image.Image, b: Image.Image) -> tuple[float, int]:
    d = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    return float(d.mean()), int(d.max())


SCREENS = [(1920, 1080), (1080, 2400), (2560, 1440)]


@pytest.mark.parametrize("screen", SCREENS)
def test_vips_stays_within_a_few_levels_of_pillow_at_every_familys_sizes(screen):
    image = busy_screen(screen)
    checked = 0
    for family in FAMILIES.values():
        for max_pixels in (family.suggested_max_pixels, 640 * 28 * 28):
            size = model_size(*screen, family, max_pixels=max_pixels)
            if size[0] > screen[0] or size[1] > screen[1]:  # UI-TARS-1.5 suggests its default
                assert not uses_vips(screen, size)
                continue
            assert uses_vips(screen, size)
            ours, pillow = resample(image, size, "vips"), image.resize(size, Image.Resampling.BICUBIC)
            assert ours.size == size and ours.mode == "RGB"
            mean, worst = error(ours, pillow)
            # Real screenshots: mean under 0.1, worst 3-4 levels (docs/benchmarks.md); this synthetic
            # screen has text touching the edges, where the two treat the border differently (<= 12).
            assert mean < 0.25 and worst <= 16, (family.name, screen, size, mean, worst)
            checked += 1
    assert checked >= 2 * len(FAMILIES) - 1


def test_pil_is_pillows_bicubic_exactly_and_upscales_are_always_pillows():
    image = busy_screen((1920, 1080))
    for size in [(1316, 728), (1932, 1092), (1920, 1088), (2000, 1000)]:
        pillow = np.asarray(image.resize(size, Image.Resampling.BICUBIC))
        assert np.array_equal(np.asarray(resample(image, size, "pil")), pillow)
        if size[0] > 1920 or size[1] > 1080:  # libvips upsizes with another pixel-centre convention
            assert not uses_vips(image.size, size, "vips")
            assert np.array_equal(np.asarray(resample(image, size, "vips")), pillow)
    assert resample(image, (1920, 1080), "vips") is image  # nothing to do


def test_one_side_kept_and_the_other_halved():
    image = busy_screen((1200, 900))
    ours = resample(image, (1200, 450), "vips")
    assert ours.size == (1200, 450)
    assert error(ours, image.resize((1200, 450), Image.Resampling.BICUBIC))[1] <= 16


@pytest.mark.parametrize("resampler", ["auto", "pil", "vips"])
def test_fit_gives_exactly_the_frames_model_size(resampler):
    for family in (get_family("qwen2.5-vl"), get_family("qwen3-vl")):
        for screen in [(1920, 1080), (1366, 768), (1080, 2400), (333, 217)]:
            for max_pixels in (None, family.suggested_max_pixels):
                image, frame = fit(busy_screen(screen), family, max_pixels=max_pixels, resampler=resampler)
                assert image.size == frame.model == model_size(*screen, family, max_pixels=max_pixels)
                assert frame.screen == screen


def test_without_pyvips_auto_is_pillow_and_vips_says_how_to_install(monkeypatch):
    image = busy_screen((1920, 1080))
    monkeypatch.setitem(sys.modules, "pyvips", None)  # as if pyvips were not installed
    resample_module.load_pyvips.cache_clear()
    try:
        assert not uses_vips((1920, 1080), (1316, 728))
        assert np.array_equal(np.asarray(resample(image, (1316, 728))),
                              np.asarray(image.resize((1316, 728), Image.Resampling.BICUBIC)))
        with pytest.raises(MissingDependency, match=r"pip install 'pyvips\[binary\]'"):
            resample(image, (1316, 728), "vips")
    finally:
        monkeypatch.undo()
        resample_module.load_pyvips.cache_clear()


def test_resamplers_are_checked_and_the_choice_reaches_the_policy():
    with pytest.raises(ValueError, match="unknown resampler 'cv2'"):
        resample(busy_screen((64, 64)), (32, 32), "cv2")
    with pytest.raises(ValueError):
        PolicyConfig(family="qwen2.5-vl", resampler="cv2")
    assert PolicyConfig(family="qwen2.5-vl").resampler == "auto"
    # `--model-option resampler=pil` reaches the policy through build_policy's keyword.
    image = busy_screen((1920, 1080))
    for resampler in ("pil", "auto"):
        policy = build_policy("served", backend="openai", family="qwen2.5-vl", max_pixels=1280 * 28 * 28,
                              **{"resampler": resampler})
        assert policy.config.resampler == resampler
        ours = np.asarray(policy.prepare(image)[0])
        pillow = np.asarray(image.resize((1316, 728), Image.Resampling.BICUBIC))
        assert np.array_equal(ours, pillow) == (resampler == "pil")  # auto: libvips, a few levels off
