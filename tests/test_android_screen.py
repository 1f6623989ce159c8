"""Screenshots: raw framebuffer and PNG decode to the same pixels; rotation and scaling keep
screenshot pixels and touch coordinates in agreement."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from drivers.actions import parse_action
from drivers.android.screen import FrameError, Geometry, parse_png, parse_raw, parse_rotation, parse_wm_size
from tests.doubles.fake_adb import FakeAdbServer, adb_env
from tests.doubles.fake_adb.phone import FakePhone, pattern


def pixels(image):
    return np.asarray(image.convert("RGB"))


def shots_of(monkeypatch, phone: FakePhone):
    """(driver screenshot, what the phone shows) for a phone set up by the caller."""
    from drivers.android import AndroidDriver

    with FakeAdbServer(phone) as server:
        for k, v in adb_env(server.port).items():
            monkeypatch.setenv(k, v)
        with AndroidDriver() as driver:
            return driver.screenshot(), phone, driver


@pytest.mark.parametrize("fmt", [1, 2, 3, 5])
@pytest.mark.parametrize("header", [12, 16])
def test_raw_formats_decode_to_the_screen(monkeypatch, fmt, header):
    phone = FakePhone("s1", natural=(360, 640), pixel_format=fmt, raw_header=header)
    shot, phone, _ = shots_of(monkeypatch, phone)
    assert shot.mode == "RGB" and shot.size == (360, 640)
    assert np.array_equal(pixels(shot), pixels(phone.screen))
    assert phone.commands.count("screencap") == 1 and "screencap -p" not in phone.commands


def test_raw_and_png_give_the_same_pixels(android, phone):
    raw = parse_raw(phone.raw_frame())
    png = parse_png(phone.png_frame())
    assert np.array_equal(pixels(raw), pixels(png))
    assert np.array_equal(pixels(android.screenshot()), pixels(png))


def test_rgb565_decodes_within_its_precision():
    phone = FakePhone("s1", natural=(64, 32), pixel_format=4)
    img = parse_raw(phone.raw_frame())
    diff = np.abs(pixels(img).astype(int) - pixels(phone.screen).astype(int))
    assert diff.max() <= 8  # 5/6-bit channels
    # pure colours survive exactly
    red = np.asarray(img)[32 // 10 + 1, 64 // 10 + 1]
    assert tuple(red) == (255, 0, 0)


def test_warning_line_before_the_frame_is_skipped(monkeypatch):
    prefix = b"[Warning] Multiple displays were found, but no display id was specified!\n"
    phone = FakePhone("s1", natural=(200, 300), screencap_prefix=prefix)
    shot, phone, _ = shots_of(monkeypatch, phone)
    assert np.array_equal(pixels(shot), pixels(phone.screen))
    assert np.array_equal(pixels(parse_png(phone.png_frame())), pixels(phone.screen))


def test_png_fallback_when_raw_is_unreadable(monkeypatch):
    phone = FakePhone("s1", natural=(200, 300), raw_works=False)
    from drivers.android import AndroidDriver

    with FakeAdbServer(phone) as server:
        for k, v in adb_env(server.port).items():
            monkeypatch.setenv(k, v)
        with AndroidDriver() as driver:
            first, second = driver.screenshot(), driver.screenshot()
    assert np.array_equal(pixels(first), pixels(phone.screen))
    assert np.array_equal(pixels(second), pixels(phone.screen))
    # raw tried once, then PNG only
    assert phone.commands.count("screencap") == 1 and phone.commands.count("screencap -p") == 2


def test_parse_raw_rejects_and_flags_truncation():
    good = FakePhone("s1", natural=(40, 30)).raw_frame()
    with pytest.raises(FrameError) as info:
        parse_raw(good[: len(good) // 2])
    assert info.value.truncated
    with pytest.raises(FrameError) as info:
        parse_raw(struct.pack("<III", 40, 30, 99) + b"\x00" * 4800)
    assert not info.value.truncated
    with pytest.raises(FrameError):
        parse_png(b"not a png at all")


@pytest.mark.parametrize("rotated_frames", [True, False])
@pytest.mark.parametrize("rotation", [0, 1, 3])
def test_rotation_screenshot_and_taps_agree(fake_adb, phone, rotation, rotated_frames):
    """Whatever orientation the phone sends frames in, the screenshot is upright and a tap at
    a screenshot pixel lands on that pixel of what the user sees."""
    from drivers.android import AndroidDriver

    phone.natural = (300, 600)
    phone.rotated_frames = rotated_frames
    phone.set_rotation(rotation)
    with AndroidDriver() as driver:
        shot = driver.screenshot()
        assert shot.size == phone.logical_frame_size() == driver.screen_size
        assert np.array_equal(pixels(shot), pixels(phone.screen))
        red = np.argwhere((pixels(shot) == (255, 0, 0)).all(axis=-1))[0]  # a landmark the model could see
        y, x = int(red[0]), int(red[1])
        driver.execute(parse_action({"type": "click", "x": x, "y": y}))
    _, tx, ty = phone.events[-1]
    assert phone.screen.getpixel((tx, ty)) == (255, 0, 0)


def test_rotation_change_is_noticed(fake_adb, phone):
    from drivers.android import AndroidDriver

    with AndroidDriver() as driver:
        assert driver.screenshot().size == (1080, 2400)
        phone.set_rotation(1)
        assert driver.screenshot().size == (2400, 1080)
        driver.execute(parse_action({"type": "click", "x": 2000, "y": 1000}))  # only exists in landscape
    assert phone.events[-1] == ("tap", 2000, 1000)


def test_natural_frames_rotation_read_after_ttl(fake_adb, phone):
    """A phone whose frames never turn: the rotation is re-read from dumpsys (TTL 0 here)."""
    from drivers.android import AndroidDriver

    phone.rotated_frames = False
    with AndroidDriver() as driver:
        driver.rotation_ttl_s = 0.0
        assert driver.screenshot().size == (1080, 2400)
        phone.set_rotation(3)
        shot = driver.screenshot()
    assert shot.size == (2400, 1080) and np.array_equal(pixels(shot), pixels(phone.screen))


def test_size_override_scales_touches(fake_adb, phone):
    """`wm size 540x1200` on a 1080x2400 panel: frames stay 1080x2400, input is 540x1200."""
    from drivers.android import AndroidDriver

    phone.override = (540, 1200)
    with AndroidDriver() as driver:
        assert driver.screenshot().size == (1080, 2400)
        driver.execute(parse_action({"type": "click", "x": 1000, "y": 2000}))
        driver.execute(parse_action({"type": "swipe", "x": 0, "y": 2399, "to_x": 1079, "to_y": 0}))
    assert phone.events[-2] == ("tap", 500, 1000)
    assert phone.events[-1] == ("swipe", 0, 1199, 539, 0, 300)


@pytest.mark.parametrize("text, rotation", [
    ("Viewport INTERNAL: displayId=0, uniqueId=local:1, port=1, orientation=1, logicalFrame=[0, 0, 2400, 1080]", 1),
    ("  Viewport INTERNAL: displayId=0, orientation=ROTATION_270, logicalFrame=[...]", 3),
    ("Device 3: touch\n    SurfaceOrientation: 2\n", 2),
    ("DisplayViewport{type=INTERNAL, valid=true, isActive=true, displayId=0, orientation=3, deviceWidth=2400}", 3),
    ("nothing here", None),
])
def test_parse_rotation(text, rotation):
    assert parse_rotation(text) == rotation


def test_parse_wm_size_prefers_override():
    assert parse_wm_size("Physical size: 1080x2400\n") == (1080, 2400)
    assert parse_wm_size("Physical size: 1440x3200\nOverride size: 1080x2400\n") == (1080, 2400)
    assert parse_wm_size("garbage") is None
    assert Geometry((1080, 2400), 1).logical == (2400, 1080)


def test_old_dumpsys_rotation(fake_adb, phone):
    from drivers.android import AndroidDriver

    phone.old_dumpsys = True
    phone.set_rotation(1, pattern((2400, 1080), 5))
    with AndroidDriver() as driver:
        assert driver.screen_size == (2400, 1080)


def test_png_by_choice(android, phone):
    android.raw_screenshots = False
    shot = android.screenshot()
    assert np.array_equal(pixels(shot), pixels(phone.screen))
    assert "screencap -p" in phone.commands and "screencap" not in phone.commands


def test_screen_size_before_any_screenshot_matches_the_frames(fake_adb, phone):
    from drivers.android import AndroidDriver

    phone.override = (540, 1200)
    with AndroidDriver() as driver:
        assert driver.screen_size == (1080, 2400) == driver.screenshot().size
