"""Audio, video, PDF-picture, MP3-tag and VLC-status metrics on real files the tests make."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.osworld.metrics.media import (check_mp3_meta, compare_audios, compare_pdf_images, compare_videos,
                                         is_vlc_playing)

RATE = 22050


def tone(path, notes, seconds=0.5, fmt=None):
    """A file of consecutive sine notes (Hz), written by libsndfile (WAV, or MP3 by suffix)."""
    import soundfile

    t = np.arange(int(RATE * seconds)) / RATE
    y = np.concatenate([0.4 * np.sin(2 * np.pi * f * t) for f in notes]).astype(np.float32)
    soundfile.write(str(path), y, RATE, format=fmt)
    return str(path)


def test_audio_same_melody_scores_near_one_and_another_lower(tmp_path):
    a = tone(tmp_path / "a.wav", [440, 660, 880])
    same = tone(tmp_path / "same.mp3", [440, 660, 880], fmt="MP3")  # re-encoded: not byte-equal
    other = tone(tmp_path / "other.wav", [200, 1500, 300])
    assert compare_audios(a, a) == pytest.approx(1.0)
    alike, unlike = compare_audios(a, same), compare_audios(a, other)
    assert alike > 0.9
    assert unlike < alike - 0.05


def test_audio_missing_or_broken_files(tmp_path):
    a = tone(tmp_path / "a.wav", [440])
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert compare_audios(None, a) == 0.0 and compare_audios(a, "") == 0.0
    assert compare_audios(str(broken), a) == 0.0
    assert compare_audios(str(broken), str(empty)) == 1.0  # both unreadable: alike, as in OSWorld


def video(path, colours, frames_each=10, size=(64, 48)):
    """An MP4 whose frames are solid blocks of the given BGR colours with a moving bar."""
    import cv2

    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, size)
    assert out.isOpened()
    for n, colour in enumerate(colours):
        for i in range(frames_each):
            frame = np.zeros((size[1], size[0], 3), np.uint8)
            frame[:] = colour
            frame[:, (i * 5) % size[0]:(i * 5) % size[0] + 8] = (255 - np.array(colour)) if n % 2 else 255
            frame[: size[1] // 2, : size[0] // 2] = 0 if n % 2 else 200
            out.write(frame)
    out.release()
    return str(path)


def test_videos_same_differ_and_of_other_length(tmp_path):
    a = video(tmp_path / "a.mp4", [(10, 20, 200), (200, 20, 10)])
    again = video(tmp_path / "again.mp4", [(10, 20, 200), (200, 20, 10)])
    flipped = tmp_path / "flipped.mp4"
    import cv2

    cap, out = cv2.VideoCapture(a), cv2.VideoWriter(str(flipped), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 48))
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        out.write(cv2.flip(frame, 0))
    cap.release()
    out.release()
    shorter = video(tmp_path / "short.mp4", [(10, 20, 200)])
    assert compare_videos(a, again) == 1.0
    assert compare_videos(a, str(flipped)) == 0.0
    assert compare_videos(a, shorter) == 0.0  # one ends first
    assert compare_videos(a, shorter, max_frames_to_check=5) == 1.0  # within the frames checked


def pdf_with_images(path, images):
    import io

    import pymupdf

    doc = pymupdf.open()
    if not images:
        doc.new_page().insert_text((50, 50), "no pictures here")
    for image in images:
        page = doc.new_page()
        buf = io.BytesIO()
        image.save(buf, "PNG")
        page.insert_image(pymupdf.Rect(50, 50, 300, 300), stream=buf.getvalue())
    doc.save(str(path))
    return str(path)


def picture(seed, size=128):
    from PIL import Image

    rng = np.random.default_rng(seed)
    return Image.fromarray((rng.random((8, 8, 3)) * 255).astype(np.uint8)).resize((size, size))


def test_pdf_images_compared_by_perceptual_hash(tmp_path):
    a = pdf_with_images(tmp_path / "a.pdf", [picture(1), picture(2)])
    resized = pdf_with_images(tmp_path / "b.pdf", [picture(1, 256), picture(2, 256)])
    half = pdf_with_images(tmp_path / "c.pdf", [picture(1), picture(3)])
    one = pdf_with_images(tmp_path / "d.pdf", [picture(1)])
    none1, none2 = pdf_with_images(tmp_path / "e.pdf", []), pdf_with_images(tmp_path / "f.pdf", [])
    assert compare_pdf_images(a, resized) == 1.0
    assert compare_pdf_images(a, half) == 0.5
    assert compare_pdf_images(a, one) == 0.0
    assert compare_pdf_images(none1, none2) == 1.0
    assert compare_pdf_images(a, str(tmp_path / "absent.pdf")) == 0.0 and compare_pdf_images(None, a) == 0.0


def test_mp3_tags(tmp_path):
    from mutagen.easyid3 import EasyID3

    song = tone(tmp_path / "Cheng Xiang - Missing You.mp3", [440], fmt="MP3")
    tags = EasyID3()
    tags["title"], tags["artist"] = "Missing You", ["Cheng Xiang", "Guest"]
    tags.save(song)
    rules = {"title": {"method": "eq", "ref": "Missing You"}, "artist": {"method": "eq", "ref": "Cheng Xiang,Guest"}}
    assert check_mp3_meta(song, rules) == 1.0
    assert check_mp3_meta(song, {**rules, "title": {"method": "eq", "ref": "Tears"}}) == 0.0
    assert check_mp3_meta(song, {"album": {"method": "eq", "ref": ""}}) == 1.0  # an absent tag reads ''
    assert check_mp3_meta(None, rules) == 0.0


STATUS = """<?xml version="1.0" encoding="utf-8" standalone="yes" ?>
<root><state>{state}</state><information>
<category name="meta"><info name="{field}">{value}</info></category>
</information></root>"""


@pytest.mark.parametrize("state, field, value, rule, score", [
    ("playing", "filename", "Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}, 1),
    ("playing", "filename", "/home/u/Desktop/Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}, 1),
    ("paused", "filename", "Rick.mp4", {"type": "file_name", "file_name": "Rick.mp4"}, 0),
    ("playing", "filename", "Other.mp4", {"type": "file_name", "file_name": "Rick.mp4"}, 0),
    ("playing", "url", "https://h/v/master.m3u8?x=1", {"type": "url", "url": "https://h/v/master.m3u8"}, 1),
    ("playing", "filename", "master.m3u8", {"type": "url", "url": "https://h/v/master.m3u8"}, 1),
    ("playing", "url", "https://other/v/master.m3u8", {"type": "url", "url": "https://h/v/master.m3u8"}, 0),
    ("playing", "title", "x", {"type": "volume"}, 0),
])
def test_vlc_status(tmp_path, state, field, value, rule, score):
    path = tmp_path / "status.xml"
    path.write_text(STATUS.format(state=state, field=field, value=value))
    assert is_vlc_playing(str(path), rule) == score
