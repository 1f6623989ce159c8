"""Differential tests: image metrics (GIMP tasks, screenshots), ours against OSWorld's own
(desktop-env 1.0.2, tests.helpers.osworld_ref), on images drawn here with Pillow and edited
with Pillow's ImageEnhance/ImageOps the way the tasks ask (brighter, mirrored, resized...).
OSWorld's SSIM is scikit-image's, a test dependency here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.osworld_ref import check_case, score_both

DELIBERATE: dict[str, str] = {
    "check_triangle_position-corner": "OSWorld's check_triangle_position sorts colour counts ascending "
    "and takes index 1 (the second least common colour; with two colours the background), against "
    "its own comment; ours takes the second most common, the shape",
}


def _png(path: Path, size=(64, 48), colour=(255, 255, 255, 255), box=None, box_colour=(0, 0, 0, 255),
         mode="RGB") -> str:
    from PIL import Image, ImageDraw

    img = Image.new(mode, size, colour[: len(mode)])
    if box:
        ImageDraw.Draw(img).rectangle(box, fill=box_colour[: len(mode)])
    img.save(path)
    return str(path)


def _cases(tmp: Path):
    p = lambda name, **k: _png(tmp / f"{name}.png", **k)  # noqa: E731
    img = p("plain")
    yield "check_image_size-right", "check_image_size", (img, {"width": 64, "height": 48}), {}
    yield "check_image_size-wrong", "check_image_size", (img, {"width": 64, "height": 40}), {}
    yield "check_image_size-width-only", "check_image_size", (img, {"width": 64}), {}
    rgba = p("rgba", size=(80, 60), colour=(0, 0, 0, 0), box=(10, 10, 49, 29), box_colour=(9, 9, 9, 255), mode="RGBA")
    yield "check_image_size-transparent", "check_image_size", (rgba, {"width": 40, "height": 20,
                                                                      "ignore_transparent": True}), {}
    yield "check_image_size-transparent-off", "check_image_size", (rgba, {"width": 80, "height": 60}), {}
    yield "check_image_file_size-small", "check_image_file_size", (img, {"max_size": 500 * 1024}), {}
    yield "check_image_file_size-large", "check_image_file_size", (img, {"max_size": 10}), {}
    yield "check_textbox_on_leftside-left", "check_textbox_on_leftside", (p("left", box=(2, 10, 20, 20)),), {}
    yield "check_textbox_on_leftside-right", "check_textbox_on_leftside", (p("right", box=(40, 10, 60, 20)),), {}
    yield "check_image_size-missing", "check_image_size", (None, {"width": 1}), {}
    yield "compare_image_list-same", "compare_image_list", ([img], [p("plain2")]), {}
    yield "compare_image_list-diff", "compare_image_list", ([img], [p("dot", box=(1, 1, 3, 3))]), {}
    cfg = tmp / "gimprc"
    cfg.write_text("# GIMP gimprc\n(theme \"Dark\")\n(show-tooltips no)\n(default-image (width 640))\n")
    yield "check_config_status-right", "check_config_status", (str(cfg), {"key": "show-tooltips", "value": "no"}), {}
    yield "check_config_status-wrong", "check_config_status", (str(cfg), {"key": "show-tooltips", "value": "yes"}), {}
    yield "check_config_status-missing", "check_config_status", (None, {"key": "theme", "value": "x"}), {}


def _scene(path: Path, size=(96, 96), edit=None, fmt="PNG") -> str:
    """A small picture with structure (gradient, shapes, text-like bars), edited by `edit`."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size)
    px = img.load()
    for x in range(size[0]):
        for y in range(size[1]):
            px[x, y] = (x * 255 // size[0], y * 255 // size[1], 128)
    draw = ImageDraw.Draw(img)
    draw.ellipse((10, 10, 50, 40), fill=(200, 30, 30))
    draw.rectangle((55, 50, 85, 90), fill=(20, 160, 40))
    for i in range(5):
        draw.line((5, 60 + 6 * i, 45, 60 + 6 * i), fill=(0, 0, 0), width=2)
    if edit:
        img = edit(img)
    img.save(path, fmt)
    return str(path)


def _ssim_cases(tmp: Path):
    from PIL import ImageEnhance, ImageFilter, ImageOps

    src = _scene(tmp / "src.png")
    sc = lambda name, edit=None, **k: _scene(tmp / f"{name}.png", edit=edit, **k)  # noqa: E731
    same, blur = sc("same"), sc("blur", lambda i: i.filter(ImageFilter.GaussianBlur(3)))
    darker, brighter = sc("dark", lambda i: ImageEnhance.Brightness(i).enhance(0.6)), \
        sc("bright", lambda i: ImageEnhance.Brightness(i).enhance(1.4))
    contrast = sc("contrast", lambda i: ImageEnhance.Contrast(i).enhance(1.6))
    saturated = sc("sat", lambda i: ImageEnhance.Color(i).enhance(1.8))
    mirrored, flipped = sc("mirror", ImageOps.mirror), sc("flip", ImageOps.flip)
    small = sc("small", lambda i: i.resize((48, 48)))
    palette = sc("palette", lambda i: i.convert("P", palette=1, colors=64).convert("RGB"))
    palette_p = _scene(tmp / "palette-p.png", edit=lambda i: i.convert("P", palette=1, colors=64))
    noisy = sc("other", lambda i: ImageOps.invert(i).rotate(90))
    for name, tgt in [("same", same), ("blur", blur), ("other", noisy)]:
        yield f"check_structure_sim-{name}", "check_structure_sim", (src, tgt), {}
        yield f"compare_images-{name}", "compare_images", (src, tgt), {}
    yield "check_structure_sim-missing", "check_structure_sim", (str(tmp / "absent.png"), src), {}
    broken = tmp / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    for metric in ("check_structure_sim", "compare_images", "check_image_mirror", "check_structure_sim_resized",
                   "check_brightness_decrease_and_structure_sim", "check_palette_and_structure_sim"):
        yield f"{metric}-broken-file", metric, (str(broken), src), {}
    yield "check_image_size-broken-file", "check_image_size", (str(broken), {"width": 1}), {}
    yield "compare_images-base-result", "compare_images", (blur, src), {"reference_base_result": 0.5}
    for name, tgt in [("small", small), ("same", same), ("other", noisy)]:
        yield f"check_structure_sim_resized-{name}", "check_structure_sim_resized", (tgt, src), {}
    yield "check_file_exists_and_structure_sim-same", "check_file_exists_and_structure_sim", (same, src), {}
    yield "check_file_exists_and_structure_sim-missing", "check_file_exists_and_structure_sim", \
        (str(tmp / "no.png"), src), {}
    for name, tgt in [("darker", darker), ("brighter", brighter), ("same", same)]:
        yield f"check_brightness_decrease-{name}", "check_brightness_decrease_and_structure_sim", (tgt, src), {}
    for name, tgt in [("contrast", contrast), ("same", same), ("darker", darker)]:
        yield f"check_contrast_increase-{name}", "check_contrast_increase_and_structure_sim", (tgt, src), {}
    for name, tgt in [("saturated", saturated), ("same", same)]:
        yield f"check_saturation_increase-{name}", "check_saturation_increase_and_structure_sim", (tgt, src), {}
    for name, tgt in [("mirrored", mirrored), ("flipped", flipped), ("same", same)]:
        yield f"check_image_mirror-{name}", "check_image_mirror", (src, tgt), {}
    for name, tgt in [("palette-p", palette_p), ("palette-rgb", palette), ("same", same)]:
        yield f"check_palette_and_structure_sim-{name}", "check_palette_and_structure_sim", (tgt, src), {}
    green = _png(tmp / "green.png", size=(40, 40), colour=(20, 200, 20, 255), box=(10, 10, 29, 29))
    red = _png(tmp / "red.png", size=(40, 40), colour=(200, 20, 20, 255), box=(10, 10, 29, 29))
    mask = _png(tmp / "mask.png", size=(40, 40), colour=(255, 255, 255, 255), box=(10, 10, 29, 29))
    yield "check_green_background-green", "check_green_background", (green, mask), {}
    yield "check_green_background-red", "check_green_background", (red, mask), {}
    centre = _png(tmp / "tri-centre.png", size=(60, 60), box=(25, 25, 34, 34), box_colour=(255, 0, 0, 255))
    corner = _png(tmp / "tri-corner.png", size=(60, 60), box=(0, 0, 9, 9), box_colour=(255, 0, 0, 255))
    yield "check_triangle_position-centre", "check_triangle_position", (centre,), {}
    yield "check_triangle_position-corner", "check_triangle_position", (corner,), {}


def _ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c[0] for c in (*_cases(Path(tmp)), *_ssim_cases(Path(tmp)))]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("images")
    return {c[0]: c[1:] for c in (*_cases(tmp), *_ssim_cases(tmp))}


@pytest.mark.parametrize("case_id", _ids())
def test_image_metric(case_id, cases):
    metric, args, options = cases[case_id]
    theirs, ours = score_both("metric", metric, *args, **options)
    check_case(case_id, theirs, ours, DELIBERATE)
