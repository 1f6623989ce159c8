"""Metrics of audio, video and the pictures inside PDFs, and of what VLC plays.

The comparisons use the libraries OSWorld's evaluator uses, because they decide the score:
librosa MFCCs aligned by fastdtw with cosine distance for audio, perceptual hashes from
imagehash for video frames (decoded by OpenCV) and for PDF pictures (extracted by PyMuPDF),
mutagen's EasyID3 for MP3 tags. All are imported inside the functions that need them.
"""

from __future__ import annotations

import math
import os
from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree

from drivers.base import require

from .rules import match_rule

PHASH_CLOSE = 5
"""Hash distance (bits of 64) under which two pictures count as the same, as in OSWorld."""


def _load_audio(path: str | None):
    if not path:
        return None, None
    import warnings

    librosa = require("librosa", "osworld")
    try:
        with warnings.catch_warnings():  # librosa warns before trying its second decoder
            warnings.simplefilter("ignore")
            samples, rate = librosa.load(path)
    except Exception:  # an empty or broken file loads as nothing, as in OSWorld
        return None, None
    return (samples, rate) if samples.shape[0] else (None, None)


def compare_audios(result: str | None, expected: str | None, **_: Any) -> float:
    """Similarity in (0, 1] of two recordings: exp(-d), d the fastdtw distance between their
    normalised MFCC frames (cosine distance per frame) divided by the alignment's length.
    Two unreadable or empty files are alike (1); one of them alone scores 0."""
    if not result or not expected:
        return 0.0
    (y1, sr1), (y2, sr2) = _load_audio(result), _load_audio(expected)
    if y1 is None or y2 is None:
        return 1.0 if y1 is None and y2 is None else 0.0
    librosa = require("librosa", "osworld")
    fastdtw = require("fastdtw", "osworld").fastdtw
    cosine = require("scipy.spatial.distance", "osworld").cosine

    a = librosa.util.normalize(librosa.feature.mfcc(y=y1, sr=sr1), axis=1)
    b = librosa.util.normalize(librosa.feature.mfcc(y=y2, sr=sr2), axis=1)
    distance, path = fastdtw(a.T, b.T, dist=cosine)
    return float(math.exp(-distance / len(path))) if path else 0.0


def _phash(image):
    return require("imagehash", "osworld").phash(image)


def compare_videos(result: str | None, expected: str | None, max_frames_to_check: int = 100,
                   threshold: int = 5, **_: Any) -> float:
    """1 when two videos show the same frames: their first `max_frames_to_check` frames are
    compared by perceptual hash, more than `threshold` frames further apart than `threshold`
    bits fail, and so does one video ending before the other within those frames."""
    if not result or not expected:
        return 0.0
    cv2 = require("cv2", "osworld")
    from PIL import Image

    caps = [cv2.VideoCapture(result), cv2.VideoCapture(expected)]
    try:
        mismatches = 0
        for _frame in range(max_frames_to_check):
            (ok1, f1), (ok2, f2) = caps[0].read(), caps[1].read()
            if not ok1 or not ok2:
                return 1.0 if ok1 == ok2 else 0.0
            h1, h2 = (_phash(Image.fromarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))) for f in (f1, f2))
            if h1 - h2 > threshold:
                mismatches += 1
                if mismatches > threshold:
                    return 0.0
        return 1.0
    finally:
        for cap in caps:
            cap.release()


def _pdf_images(path: str) -> list:
    import io

    import pymupdf
    from PIL import Image

    images = []
    with pymupdf.open(path) as doc:
        for page in doc:
            for info in page.get_images(full=True):
                data = doc.extract_image(info[0])["image"]
                try:
                    images.append(Image.open(io.BytesIO(data)))
                except Exception:  # a picture PIL cannot read is left out, as in OSWorld
                    continue
    return images


def compare_pdf_images(result: str | None, expected: str | None, **_: Any) -> float:
    """The share of pictures, in page order, whose perceptual hashes are within PHASH_CLOSE
    bits; 0 when the PDFs hold different numbers of pictures or one is missing, 1 when
    neither holds any."""
    if not result or not expected or not (os.path.exists(result) and os.path.exists(expected)):
        return 0.0
    first, second = _pdf_images(result), _pdf_images(expected)  # a file PyMuPDF cannot open: 0 with why
    if len(first) != len(second):
        return 0.0
    if not first:
        return 1.0
    close = sum(1 for a, b in zip(first, second) if _phash(a) - _phash(b) <= PHASH_CLOSE)
    return close / len(first)


def check_mp3_meta(result: str | None, rules: dict, **_: Any) -> float:
    """1 when each ID3 tag named in `rules` ({tag: {"method", "ref"}}, EasyID3 names such as
    title, artist) matches its rule; several values of a tag are joined with commas."""
    if result is None:
        return 0.0
    tags = require("mutagen.easyid3", "osworld").EasyID3(result)
    for key, rule in rules.items():
        value = tags.get(key, "")
        if isinstance(value, list):
            value = ",".join(value)
        if not match_rule(value, rule):
            return 0.0
    return 1.0


_META = 'information/category[@name="meta"]/info[@name="{}"]'
_FILE_FIELDS = ("filename", "title", "uri", "location", "name")
_URL_FIELDS = [_META.format(n) for n in ("url", "URI", "location", "title", "filename")] + [
    f'information/category[@name="Stream 0"]/info[@name="{n}"]' for n in ("Codec", "Type", "Language")]


def _first_text(tree, paths) -> str | None:
    for path in paths:
        node = tree.find(path)
        if node is not None and node.text:
            return node.text
    return None


def is_vlc_playing(result: str | None, rule: dict, **_: Any) -> float:
    """1 when VLC's status (the XML of its web interface's /requests/status.xml) says it is
    playing the file rule['file_name'] (type 'file_name') or the stream rule['url'] (type 'url')."""
    if result is None:
        return 0.0
    with open(result, "rb") as f:
        tree = ElementTree.fromstring(f.read().decode("utf-8"))
    if tree.findtext("state") != "playing":
        return 0.0
    if rule["type"] == "file_name":
        shown = _first_text(tree, [_META.format(n) for n in _FILE_FIELDS])
        want = rule["file_name"]
        return float(bool(shown) and (os.path.basename(shown) == want or shown.endswith(want)))
    if rule["type"] == "url":
        shown = _first_text(tree, _URL_FIELDS)
        if not shown:
            return 0.0
        want = rule["url"]
        if want in shown:
            return 1.0
        parsed = urlparse(want)
        if shown == os.path.basename(parsed.path):  # VLC shows an HLS stream by its file name
            return 1.0
        if "://" in shown:
            seen = urlparse(shown)
            return float(seen.netloc == parsed.netloc and parsed.path in seen.path)
        return 0.0
    return 0.0
