"""Getters of media inside a presentation: the audio of a slide, a slide's background image.

A .pptx is a zip: a slide's relationships file (ppt/slides/_rels/slideN.xml.rels) names the
media it uses, either a part inside the zip (`../media/x.mp3`) or a linked file
(`file:///...`). Embedded media is extracted into the evaluation folder; linked media is
copied from the task's world like vm_file.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from ..paths import file_uri_path, vm_path
from .files import dest_path, vm_file

if TYPE_CHECKING:
    from ...task import TaskContext

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BG_PR = "{http://schemas.openxmlformats.org/presentationml/2006/main}bgPr"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _relations(z: zipfile.ZipFile, slide: int) -> list[dict[str, str]]:
    name = f"ppt/slides/_rels/slide{slide + 1}.xml.rels"
    if name not in z.namelist():
        return []
    root = ElementTree.fromstring(z.read(name))
    return [dict(rel.attrib) for rel in root.iter(f"{_REL_NS}Relationship")]


def _fetch(ctx: "TaskContext", z: zipfile.ZipFile, target: str, dest: str) -> str | None:
    """The media `target` names, as a file in the evaluation folder named `dest`."""
    if target.startswith("file://"):
        return vm_file(ctx, {"path": file_uri_path(target), "dest": dest})
    part = posixpath.normpath(posixpath.join("ppt/slides", target))
    if part not in z.namelist():
        return None
    out = dest_path(ctx, dest)
    out.write_bytes(z.read(part))
    return str(out)


def _open(ctx: "TaskContext", config: dict) -> zipfile.ZipFile | None:
    path = vm_path(ctx, config["ppt_file_path"])
    if not path.is_file():
        return None
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return None


def audio_in_slide(ctx: "TaskContext", config: dict) -> str | None:
    """The first audio the slide config['slide_index'] (0-based) of config['ppt_file_path']
    uses, saved as config['dest']; None when the slide has none."""
    z = _open(ctx, config)
    if z is None:
        return None
    with z:
        for rel in _relations(z, int(config["slide_index"])):
            if "audio" in rel.get("Type", ""):
                return _fetch(ctx, z, rel["Target"], config["dest"])
    return None


def background_image_in_slide(ctx: "TaskContext", config: dict) -> str | None:
    """The picture filling the background of slide config['slide_index'], saved as
    config['dest']; None when the slide's background is not a picture."""
    z = _open(ctx, config)
    if z is None:
        return None
    with z:
        slide = int(config["slide_index"])
        name = f"ppt/slides/slide{slide + 1}.xml"
        if name not in z.namelist():
            return None
        root = ElementTree.fromstring(z.read(name))
        image_id = next((blip.get(_EMBED) for bg in root.iter(_BG_PR) for blip in bg.iter(_BLIP)
                         if blip.get(_EMBED)), None)
        if image_id is None:
            return None
        for rel in _relations(z, slide):
            if rel.get("Id") == image_id and "image" in rel.get("Type", ""):
                return _fetch(ctx, z, rel["Target"], config["dest"])
    return None
