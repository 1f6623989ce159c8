"""Presentation checks and LibreOffice settings (registrymodifications.xcu) checks."""

from __future__ import annotations

import math
import zipfile
from xml.etree import ElementTree as ET

_OOR = "{http://openoffice.org/2001/registry}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _xcu_value(path: str | None, item_path: str, name: str) -> str | None:
    """A setting's value in a LibreOffice registrymodifications.xcu file, or None."""
    if not path:
        return None
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    for item in root.iter("item"):
        if item.get(f"{_OOR}path") == item_path:
            for prop in item.iter("prop"):
                if prop.get(f"{_OOR}name") == name and prop.find("value") is not None:
                    return prop.find("value").text
    return None


def check_presenter_console_disable(result: str | None) -> float:
    """1 when Impress's presenter screen is switched off."""
    value = _xcu_value(result, "/org.openoffice.Office.Impress/Misc/Start", "EnablePresenterScreen")
    return float(value is not None and value.lower() == "false")


def check_auto_saving_time(result: str | None, rules: dict) -> float:
    """1 when the autosave interval is rules['minutes']."""
    value = _xcu_value(result, "/org.openoffice.Office.Common/Save/Document", "AutoSaveTimeIntervall")
    try:
        return float(value is not None and int(value) == rules["minutes"])
    except ValueError:
        return 0.0


def _presentation(path: str | None):
    from pptx import Presentation

    if not path:
        return None
    try:
        return Presentation(path)
    except Exception:  # not a presentation
        return None


def check_slide_orientation_Portrait(result: str | None) -> float:  # noqa: N802 (OSWorld's name)
    """1 when the slides are taller than wide."""
    prs = _presentation(result)
    return float(prs is not None and prs.slide_width < prs.slide_height)


def check_transition(result: str | None, rules: dict) -> float:
    """1 when slide rules['slide_idx'] (from 0) has a transition of rules['transition_type']
    (the element name, e.g. 'dissolve')."""
    if not result:
        return 0.0
    try:
        with zipfile.ZipFile(result) as z:
            root = ET.fromstring(z.read(f"ppt/slides/slide{rules['slide_idx'] + 1}.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return 0.0
    transition = root.find(f".//{_P}transition")
    return float(transition is not None and transition.find(f".//{_P}{rules['transition_type']}") is not None)


def evaluate_presentation_fill_to_rgb_distance(result: str | None, rules: dict) -> float:
    """1 minus the mean, over slides, of each background's RGB distance to rules['rgb']
    (normalised 0..1); a slide without a solid background, or still rules['original_rgb'],
    counts as distance 1."""
    prs = _presentation(result)
    if prs is None or not len(prs.slides):
        return 0.0
    want, original = rules["rgb"], rules.get("original_rgb")

    def distance(slide) -> float:
        fill = slide.background.fill
        if fill.type == 5:
            fill = slide.slide_layout.slide_master.background.fill
        if fill.type != 1:
            return 1.0
        try:
            rgb = tuple(fill.fore_color.rgb)
        except AttributeError:
            return 1.0
        if original is not None and list(rgb) == list(original):
            return 1.0
        return math.dist(rgb, want) / math.dist((0, 0, 0), (255, 255, 255))

    return 1.0 - sum(distance(s) for s in prs.slides) / len(prs.slides)
