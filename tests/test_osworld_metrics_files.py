"""PDF, archive, code and image metrics on real files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from tasks.osworld.metrics import files, images
from tests.helpers.osworld import make_docx, make_image, make_pdf, make_xlsx


def test_pdfs(tmp_path):
    a = str(make_pdf(tmp_path / "a.pdf", ["Invoice 243729 total 10 EUR"]))
    b = str(make_pdf(tmp_path / "b.pdf", ["Invoice 243729 total 10 EUR"]))
    c = str(make_pdf(tmp_path / "c.pdf", ["Completely different words here", "and a page"]))
    assert files.pdf_text(a) == "Invoice 243729 total 10 EUR"
    assert files.compare_pdfs(a, b) == 1.0
    assert files.compare_pdfs(a, c) < 0.5
    assert files.compare_pdfs([a, None], [b, c]) == 0.5
    assert files.check_pdf_pages(c, {"relation": "eq", "ref_value": 2}) == 1.0
    assert files.check_pdf_pages(a, {"relation": "gt", "ref_value": 1}) == 0.0


def _zip(path: Path, members: dict[str, Path]) -> str:
    with zipfile.ZipFile(path, "w") as z:
        for name, source in members.items():
            z.write(source, name)
    return str(path)


def test_archives(tmp_path):
    (tmp_path / "src").mkdir()
    one, two = tmp_path / "src" / "1.txt", tmp_path / "src" / "2.txt"
    one.write_text("alpha\n")
    two.write_text("beta\n")
    pred = _zip(tmp_path / "pred.zip", {"notes/a.txt": one, "notes/b.txt": two})
    gold = _zip(tmp_path / "gold.zip", {"notes/a.txt": one, "notes/b.txt": two})
    half = _zip(tmp_path / "half.zip", {"notes/a.txt": one, "notes/b.txt": one})
    other = _zip(tmp_path / "other.zip", {"notes/a.txt": one})
    assert files.compare_archive(pred, gold, file_path="notes") == 1.0
    assert files.compare_archive(half, gold, file_path="notes") == 0.5
    assert files.compare_archive(other, gold, file_path="notes") == 0.0
    d1, d2 = make_docx(tmp_path / "d1.docx", ["Hi"]), make_docx(tmp_path / "d2.docx", ["Hi"])
    assert files.compare_archive(_zip(tmp_path / "dp.zip", {"x.docx": d1}), _zip(tmp_path / "dg.zip", {"x.docx": d2}),
                                 file_type="docx") == 1.0
    assert files.compare_zip_files(pred, gold) == 1.0
    assert files.compare_zip_files(half, gold) == 0.0


def test_python_test_suite_runs_in_a_child_process(tmp_path):
    (tmp_path / "main.py").write_text("def add(a, b):\n    return a + b\n")
    suite = tmp_path / "test_suite.py"
    suite.write_text("import main\n\ndef test():\n    return main.add(2, 2) == 4\n")
    assert files.check_python_file_by_test_suite(str(tmp_path / "main.py"), str(suite)) == 1.0
    (tmp_path / "main.py").write_text("def add(a, b):\n    return a - b\n")
    assert files.check_python_file_by_test_suite(str(tmp_path / "main.py"), str(suite)) == 0.0
    suite.write_text("raise SystemExit(3)\n")
    assert files.check_python_file_by_test_suite(None, str(suite)) == 0.0


def test_conference_cities(tmp_path):
    # OSWorld's task lists 21 conferences in C2:C22.
    cities = ["São Paulo, Brazil", "Vienna"] + [f"City {n}" for n in range(19)]
    book = str(make_xlsx(tmp_path / "c.xlsx", [["Conf", "Year", "City"]] + [["X", 2024, c] for c in cities]))
    expected = ["Sao Paulo", ["Wien", "Vienna"]] + [f"city {n}" for n in range(19)]
    assert files.compare_conference_city_in_order(book, {"expected": expected}) == 1.0
    assert files.compare_conference_city_in_order(book, {"expected": expected[1::-1] + expected[2:]}) == 0.0


def test_ssim_is_one_for_equal_images_and_drops_with_noise():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (40, 50, 3), dtype=np.uint8)
    noisy = np.clip(base.astype(int) + rng.integers(-80, 80, base.shape), 0, 255).astype(np.uint8)
    assert images.ssim(base, base) == 1.0
    assert images.ssim(base, noisy) < 0.9


def test_image_similarity_metrics(tmp_path):
    box = ((10, 10, 30, 30), (0, 0, 255))
    a = str(make_image(tmp_path / "a.png", box=box))
    b = str(make_image(tmp_path / "b.png", box=box))
    other = str(make_image(tmp_path / "o.png", color=(0, 255, 0), box=((40, 5, 60, 40), (255, 255, 0))))
    big = str(make_image(tmp_path / "big.png", size=(128, 96), box=((20, 20, 60, 60), (0, 0, 255))))
    assert images.compare_images(a, b) == 1.0 and images.compare_images(a, other) < 0.5
    assert images.compare_images(a, b, reference_base_result=0.5) == 1.0
    assert images.compare_images(a, other, reference_base_result=0.9) == 0.0
    assert images.check_structure_sim(a, b) == 1.0 and images.check_structure_sim(a, other) == 0.0
    assert images.check_structure_sim(a, big) == 0.0  # sizes differ
    assert images.check_structure_sim_with_threshold(big, a, ssim_threshold=0.5) == 1.0
    assert images.check_structure_sim_with_threshold(other, a) == 0.0
    assert images.check_structure_sim_resized(big, a) == 1.0
    assert images.check_structure_sim_resized(other, a) == 0.0
    assert images.check_file_exists_and_structure_sim(a, b) == 1.0
    assert images.check_file_exists_and_structure_sim(None, b) == 0.0
    assert images.compare_image_list([a], [b]) == 1.0 and images.compare_image_list(a, other) == 0.0


def test_image_edit_metrics(tmp_path):
    rng = np.random.default_rng(1)
    pixels = rng.integers(60, 200, (48, 64, 3), dtype=np.uint8)
    original = tmp_path / "orig.png"
    Image.fromarray(pixels).save(original)
    darker = tmp_path / "dark.png"
    Image.fromarray((pixels * 0.7).astype(np.uint8)).save(darker)
    assert images.check_brightness_decrease_and_structure_sim(str(darker), str(original)) == 1.0
    assert images.check_brightness_decrease_and_structure_sim(str(original), str(darker)) == 0.0
    mirrored = tmp_path / "mirror.png"
    Image.fromarray(pixels[:, ::-1]).save(mirrored)
    assert images.check_image_mirror(str(mirrored), str(original)) == 1.0
    assert images.check_image_mirror(str(original), str(original)) == 0.0
    contrast = tmp_path / "contrast.png"
    Image.fromarray(np.clip((pixels.astype(int) - 128) * 1.3 + 128, 0, 255).astype(np.uint8)).save(contrast)
    assert images.check_contrast_increase_and_structure_sim(str(contrast), str(original)) == 1.0
    assert images.check_contrast_increase_and_structure_sim(str(original), str(contrast)) == 0.0
    hsv = np.array(Image.fromarray(pixels).convert("HSV"))
    hsv[..., 1] = np.clip(hsv[..., 1].astype(int) + 40, 0, 255)
    saturated = tmp_path / "sat.png"
    Image.fromarray(hsv, "HSV").convert("RGB").save(saturated)
    assert images.check_saturation_increase_and_structure_sim(str(saturated), str(original)) == 1.0
    assert images.check_saturation_increase_and_structure_sim(str(original), str(saturated)) == 0.0
    palette = tmp_path / "pal.png"
    Image.fromarray(pixels).convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(palette)
    assert images.check_palette_and_structure_sim(str(palette), str(original)) == 1.0
    assert images.check_palette_and_structure_sim(str(original), str(original)) == 0.0


def test_image_size_and_text_position(tmp_path):
    img = str(make_image(tmp_path / "i.png", size=(64, 48)))
    assert images.check_image_size(img, {"width": 64, "height": 48}) == 1.0
    assert images.check_image_size(img, {"height": 50}) == 0.0
    clear = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    clear.paste((255, 0, 0, 255), (10, 10, 30, 20))
    clear.save(tmp_path / "t.png")
    assert images.check_image_size(str(tmp_path / "t.png"), {"width": 20, "height": 10, "ignore_transparent": True}) == 1.0
    assert images.check_image_file_size(img, {"max_size": 10_000}) == 1.0
    assert images.check_image_file_size(img, {"max_size": 10}) == 0.0
    left = str(make_image(tmp_path / "l.png", size=(100, 40), color=(255, 255, 255), box=((2, 5, 30, 15), (0, 0, 0))))
    right = str(make_image(tmp_path / "r.png", size=(100, 40), color=(255, 255, 255), box=((60, 5, 90, 15), (0, 0, 0))))
    assert images.check_textbox_on_leftside(left) == 1.0 and images.check_textbox_on_leftside(right) == 0.0
    shutil.copy(img, tmp_path / "copy.png")


def test_background_and_shape_position(tmp_path):
    mask = str(make_image(tmp_path / "mask.png", size=(40, 30), color=(0, 0, 0), box=((0, 0, 39, 9), (255, 255, 255))))
    green = str(make_image(tmp_path / "g.png", size=(40, 30), color=(10, 200, 10)))
    red = str(make_image(tmp_path / "r.png", size=(40, 30), color=(200, 10, 10), box=((0, 10, 39, 29), (10, 200, 10))))
    assert images.check_green_background(green, mask) == 1.0
    assert images.check_green_background(red, mask) == 0.0
    centred = str(make_image(tmp_path / "c.png", size=(100, 100), color=(255, 255, 255), box=((45, 45, 55, 55), (255, 255, 0))))
    corner = str(make_image(tmp_path / "k.png", size=(100, 100), color=(255, 255, 255), box=((0, 0, 10, 10), (255, 255, 0))))
    assert images.check_triangle_position(centred) == 1.0
    assert images.check_triangle_position(corner) == 0.0
