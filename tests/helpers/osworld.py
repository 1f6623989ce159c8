"""Helpers for the OSWorld tests: task files in OSWorld's format, documents made with the real
libraries, a task context with its own HOME, cache and work folders."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tasks.task import TaskContext

GOLD_URL = "https://example.org/files/{}"


def task_dict(task_id: str = "t1", **evaluator: Any) -> dict:
    """A minimal valid OSWorld task; evaluator fields override exact_match on a rule."""
    ev = {"func": "exact_match", "result": {"type": "rule", "rules": {"expected": "x"}},
          "expected": {"type": "rule", "rules": {"expected": "x"}}}
    ev.update(evaluator)
    return {"id": task_id, "snapshot": "os", "instruction": f"do {task_id}", "source": "",
            "config": [], "related_apps": [], "evaluator": ev}


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    return path


def make_ctx(tmp: Path, display: str | None = None) -> TaskContext:
    """A context whose HOME, work folder and cache are fresh folders under `tmp`."""
    home, work, cache = tmp / "home", tmp / "work", tmp / "cache"
    for folder in (home, work, cache):
        folder.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    if display:
        env["DISPLAY"] = display
        auth = tmp / ".Xauthority"
        auth.touch()
        env["XAUTHORITY"] = str(auth)
    return TaskContext(workdir=work, env=env, cache_dir=cache)


def cache_put(ctx: TaskContext, url: str, source: Path) -> Path:
    """Put a file in the context's cache for `url` (the canonical layout)."""
    from tasks.osworld.cache import add

    return add(ctx.cache_dir, url, source)


def make_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet1", **cells: Any) -> Path:
    """A workbook whose first sheet holds `rows` from A1; cells={'C1': value} adds more."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for coord, value in cells.items():
        ws[coord] = value
    wb.save(path)
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, text in enumerate(row):
                t.cell(i, j).text = text
    doc.save(path)
    return path


def make_pptx(path: Path, slides: list[list[str]], bold: bool = False) -> Path:
    """A presentation with one text box per string on each slide, at fixed places."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    for texts in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        for i, text in enumerate(texts):
            box = slide.shapes.add_textbox(Inches(1), Inches(1 + i), Inches(4), Inches(0.8))
            run = box.text_frame.paragraphs[0].add_run()
            run.text = text
            run.font.size = Pt(18)
            run.font.bold = bold
    prs.save(path)
    return path


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A small valid PDF, one line of Helvetica text per page (written by hand: no PDF writer
    library is needed, and pypdf reads the text back)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def make_image(path: Path, size=(64, 48), color=(200, 30, 30), box=None, mode="RGB") -> Path:
    """A plain image with an optional filled box ((x0, y0, x1, y1), colour)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, color)
    if box:
        ImageDraw.Draw(img).rectangle(box[0], fill=box[1])
    if mode != "RGB":
        img = img.convert(mode)
    img.save(path)
    return path
