"""Images travel to a server encoded once each: the history window re-sends a screenshot as the
same data URL, and a URL always belongs to the image it was made from. Through the real
ModelPolicy, the real openai backend and a loopback server."""

import base64
import gc
import io
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, JpegImagePlugin

from agent.models import build_policy
from agent.models import resample as resample_module
from agent.models.backends.images import ENCODED, EncodedImages, data_url, encode
from agent.steps import StepResult
from tests.doubles.openai_server import ChatServer

REPLY = '<tool_call>\n{"name": "computer_use", "arguments": {"action": "mouse_move", "coordinate": [20, 30]}}\n</tool_call>'


def screen(step: int, size=(900, 600)) -> Image.Image:
    """A different busy screen at every step: text rows, lines and coloured boxes."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for row in range(0, size[1], 18):
        draw.text((6, row), f"step {step} row {row}: File Edit View 0123456789 ÄÖÜ", fill=(20, 20, 20))
        draw.line((0, row + 16, size[0], row + 16), fill=(200, 200, 220))
    draw.rectangle((300 + 7 * step, 100, 420 + 7 * step, 180), fill=(40 * step % 256, 120, 200))
    return image


def decoded(url: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def sent_urls(server) -> list[list[str]]:
    return [[p["image_url"]["url"] for m in body["messages"] if isinstance(m["content"], list)
             for p in m["content"] if p["type"] == "image_url"] for body in server.requests]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_an_episode_encodes_each_screenshot_once(k):
    steps = 7
    with ChatServer(lambda body, images: REPLY) as server:
        policy = build_policy("served", backend="openai", family="qwen2.5-vl", base_url=server.url,
                              history_images=k, max_pixels=600 * 400)
        history, seen = [], []
        before = ENCODED.encodes
        for index in range(steps):
            shot = screen(index)
            seen.append(np.asarray(policy.prepare(shot)[0]))
            decision = policy.decide("Move the pointer.", shot, history)
            history.append(StepResult(index, decision.actions, decision.raw_text))
        encodes = ENCODED.encodes - before
    urls = sent_urls(server)
    # Every prompt shows min(step + 1, k) screenshots, so without the store this would be
    # 7, 13, 18 encodes for k = 1, 2, 3; with it, one a step.
    assert [len(u) for u in urls] == [min(i + 1, k) for i in range(steps)]
    assert encodes == steps
    # Step i's screenshot is sent as the same URL at every step that shows it, and it decodes to
    # exactly the pixels the model was meant to see (PNG is lossless).
    for step in range(steps):
        # Request `later` shows the screenshots of steps max(later - k + 1, 0) .. later, in order.
        shown = [urls[later][step - max(later - k + 1, 0)] for later in range(step, min(step + k, steps))]
        assert len(set(shown)) == 1
        assert np.array_equal(np.asarray(decoded(shown[0]).convert("RGB")), seen[step])
    assert len({u for request in urls for u in request}) == steps


def test_a_url_belongs_to_its_image_even_when_ids_are_reused():
    store = EncodedImages()
    ids = set()
    for shade in range(60):  # freed images' ids are given to new ones: the store must notice
        image = Image.new("RGB", (4, 3), (shade, 255 - shade, 7))
        ids.add(id(image))
        assert decoded(store.url(image)).getpixel((0, 0)) == (shade, 255 - shade, 7)
        del image
    assert len(ids) < 60  # the reuse happened, so the check above meant something
    assert store.encodes == 60 and len(store) == 0  # entries leave with their images


def test_the_store_keys_format_and_quality_and_forgets_dead_images():
    store = EncodedImages()
    image = screen(1)
    png, again = store.url(image), store.url(image)
    assert png is again and store.encodes == 1
    jpeg90, jpeg60 = store.url(image, "jpeg", 90), store.url(image, "jpeg", 60)
    assert jpeg90.startswith("data:image/jpeg;base64,") and jpeg90 != jpeg60 and store.encodes == 3
    assert store.url(image, "jpeg", 90) is jpeg90 and store.encodes == 3
    del image
    gc.collect()
    assert len(store) == 0


def test_the_store_is_bounded():
    store = EncodedImages(capacity=3)
    images = [screen(i, (40, 30)) for i in range(5)]
    for image in images:
        store.url(image)
    assert len(store) == 3
    store.url(images[0])  # pushed out, so encoded again
    assert store.encodes == 6


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_png_is_lossless_with_and_without_libvips(monkeypatch, mode):
    image = screen(3, (333, 211)).convert(mode)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(image)))), np.asarray(image))
    monkeypatch.setitem(sys.modules, "pyvips", None)  # as if pyvips were not installed
    resample_module.load_pyvips.cache_clear()
    try:
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(image)))), np.asarray(image))
    finally:
        monkeypatch.undo()
        resample_module.load_pyvips.cache_clear()


def test_jpeg_keeps_full_resolution_colour():
    image = screen(2)
    out = Image.open(io.BytesIO(encode(image, "jpeg", 90)))
    assert out.format == "JPEG" and out.size == image.size
    assert JpegImagePlugin.get_sampling(out) == 0  # 4:4:4: no chroma halving on coloured text
    diff = np.abs(np.asarray(out, dtype=np.int16) - np.asarray(image, dtype=np.int16))
    assert diff.mean() < 2.0


def test_unknown_formats_are_refused():
    with pytest.raises(ValueError, match="png or jpeg"):
        data_url(screen(0), "gif")
