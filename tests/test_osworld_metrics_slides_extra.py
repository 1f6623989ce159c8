"""check_image_stretch_and_center and check_page_number_colors on decks made with python-pptx."""

from __future__ import annotations

import io
import zipfile

import pytest

from tasks.osworld.metrics.slides_extra import check_image_stretch_and_center, check_page_number_colors


def png(colour) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "PNG")
    return buf.getvalue()


def deck(path, picture: bytes | None, box=None):
    """A one-slide deck with `picture` at `box` (left, top, width, height in EMU)."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    if picture is not None:
        left, top, width, height = box or (Inches(1), Inches(1), Inches(2), Inches(1.5))
        slide.shapes.add_picture(io.BytesIO(picture), left, top, width, height)
    prs.save(path)
    return str(path)


def test_stretched_and_centred_picture(tmp_path):
    from pptx import Presentation

    size = Presentation()
    w, h = size.slide_width, size.slide_height
    original = deck(tmp_path / "orig.pptx", png("red"))
    assert check_image_stretch_and_center(deck(tmp_path / "full.pptx", png("red"), (0, 0, w, h)), original) == 1.0
    nearly = (100000, 100000, w - 200000, h - 200000)  # within half an inch, still centred
    assert check_image_stretch_and_center(deck(tmp_path / "near.pptx", png("red"), nearly), original) == 1.0
    corner = (w // 2, h // 2, w, h)  # full size but not centred
    assert check_image_stretch_and_center(deck(tmp_path / "corner.pptx", png("red"), corner), original) == 0.0
    assert check_image_stretch_and_center(deck(tmp_path / "as_was.pptx", png("red")), original) == 0.0
    other = deck(tmp_path / "other.pptx", png("blue"), (0, 0, w, h))  # another picture, stretched
    assert check_image_stretch_and_center(other, original) == 0.0
    assert check_image_stretch_and_center(other, deck(tmp_path / "empty.pptx", None)) == 0.0


def coloured_master(tmp_path, name, colours):
    """A deck whose master's three tinted placeholder fills (date, footer, slide number) become
    solid RGB fills of `colours`; OSWorld reads the second-to-last."""
    source = deck(tmp_path / f"{name}.src.pptx", None)
    out = tmp_path / f"{name}.pptx"
    tinted = '<a:solidFill><a:schemeClr val="tx1"><a:tint val="75000"/></a:schemeClr></a:solidFill>'
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "ppt/slideMasters/slideMaster1.xml":
                text = data.decode()
                assert text.count(tinted) == len(colours)
                for colour in colours:
                    text = text.replace(tinted, f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>', 1)
                data = text.encode()
            dst.writestr(item, data)
    return str(out)


@pytest.mark.parametrize("fill, colour, score", [
    ("FF0000", "red", 1), ("C9211E", "red", 1), ("000000", "red", 0), ("000000", "black", 1),
    ("00FF00", "green", 1), ("FF0000", "green", 0),
    # OSWorld reads the channels one character late; pure blue then reads as (0, 15, 15).
    ("0000FF", "blue", 0), ("FF0000", "purple", 1),
])
def test_page_number_colour(tmp_path, fill, colour, score):
    path = coloured_master(tmp_path, "deck", ["595959", fill, "595959"])
    assert check_page_number_colors(path, {"color": colour}) == score


def test_page_number_colour_without_rgb_fills(tmp_path):
    assert check_page_number_colors(deck(tmp_path / "plain.pptx", None), {"color": "red"}) == 0.0
    assert check_page_number_colors(None, {"color": "red"}) == 0.0
