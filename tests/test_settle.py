"""Settling: static screens settle after the quiet time, animations hit the timeout."""

import subprocess
import sys
import time

import pytest

from drivers.settle import SettleConfig, changed_pixels, settle

pytestmark = pytest.mark.slow

BLINK = """
import tkinter as tk
root = tk.Tk(); root.geometry("300x300+0+0")
def flip(i=0):  # a new colour every frame, so no capture rate can alias it away
    root.configure(bg="#%02x%02x80" % (i * 7 % 256, i * 13 % 256)); root.after(15, flip, i + 1)
flip(); root.mainloop()
"""


def test_a_static_screen_settles_after_the_quiet_time(desktop):
    before = desktop.screenshot()
    cfg = SettleConfig(quiet_s=0.2, timeout_s=3)
    result = settle(desktop.screenshot, before, cfg)
    assert not result.timed_out and not result.changed
    assert 180 <= result.ms < 1500


def test_an_animation_times_out_and_counts_as_change(desktop):
    before = desktop.screenshot()
    app = subprocess.Popen([sys.executable, "-c", BLINK])
    try:
        time.sleep(1.0)
        result = settle(desktop.screenshot, before, SettleConfig(quiet_s=0.2, timeout_s=0.8))
        assert result.timed_out and result.changed
        assert 800 <= result.ms < 2000
    finally:
        app.kill()
        app.wait()


def test_small_changes_below_the_noise_floor_do_not_count(desktop):
    from PIL import ImageDraw

    a = desktop.screenshot()
    b = a.copy()
    ImageDraw.Draw(b).rectangle([10, 10, 11, 30], fill=(255, 0, 255))  # a caret-sized change
    assert changed_pixels(a, b) == 42
    c = b.copy()
    ImageDraw.Draw(c).rectangle([100, 100, 199, 199], fill=(0, 255, 0))
    assert changed_pixels(a, c) > 64
