"""compare_pptx_files: two presentations compared slide by slide, shape by shape, run by run.

Options (`examine_*`, with OSWorld's defaults) switch checks on and off:
on by default  number_of_slides, shape (position and size within approximately_tolerance,
               relative, default 0.005; shapes with no text are exempt), text, indent,
               font_name, font_size, font_bold, font_italic, color_rgb, font_underline,
               strike_through, alignment, run_count, bullets, background_color, note;
off by default title_bottom_position, table_bottom_position, right_position, top_position,
               shape_for_shift_size, image_size, modify_height (checks OSWorld wrote for one
               task each; their fixed slide numbers and EMU limits are kept as written).
The number of shapes on each slide and of paragraphs in each text frame must always match.
Unset bold/italic count as not bold/italic; an unset alignment counts as left.

run_count (upstream OSWorld's option; the 1.0.2 wheel always compares the counts): the number
of runs of each paragraph, in text frames and table cells, must match. Off, runs are paired in
order as far as the shorter paragraph goes and each pair's font is still compared, so text
split into differently formatted runs can still differ. Two blank paragraphs count only their
runs that hold text, whatever the option.
"""

from __future__ import annotations

from typing import Any

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TABLE, _PICTURE, _FREEFORM = 19, 13, 5
_MISSING = object()
_FLAGS_ON = ("number_of_slides", "shape", "text", "indent", "font_name", "font_size", "font_bold",
             "font_italic", "color_rgb", "font_underline", "strike_through", "alignment", "run_count",
             "bullets", "background_color", "note")


class _Differ(Exception):
    """The presentations differ; the message says where (kept for the run's record)."""


def _check(ok: bool, where: str) -> None:
    if not ok:
        raise _Differ(where)


def compare_pptx_files(result: str | None, expected: str | None, **options: Any) -> float:
    """1 when the presentations agree on everything examined (see the module docstring)."""
    from pptx import Presentation

    if not result or not expected:
        return 0.0
    try:
        p1, p2 = Presentation(result), Presentation(expected)
    except Exception:  # not a presentation (python-pptx raises several kinds)
        return 0.0
    on = {k: options.get(f"examine_{k}", k in _FLAGS_ON) for k in _FLAGS_ON + (
        "title_bottom_position", "table_bottom_position", "right_position", "top_position",
        "shape_for_shift_size", "image_size", "modify_height")}
    tol = options.get("approximately_tolerance", 0.005)
    try:
        _check(len(p1.slides) == len(p2.slides) or not on["number_of_slides"], "slide count")
        for n, (s1, s2) in enumerate(zip(p1.slides, p2.slides), start=1):
            _compare_slide(n, s1, s2, on, tol)
    except _Differ:
        return 0.0
    return 1.0


def _near(a: float, b: float, tol: float) -> bool:
    if a == b:
        return True
    if a == 0 or b == 0 or a is None or b is None:
        return False
    return abs(a - b) / max(abs(a), abs(b)) <= tol


def _same_box(a, b, tol) -> bool:
    return all(_near(getattr(a, k), getattr(b, k), tol) for k in ("left", "top", "width", "height"))


def _background(slide) -> Any:
    fill = slide.background.fill
    if fill.type == 1:  # solid
        return fill.fore_color.rgb
    if fill.type == 5:  # inherits the master's
        master = slide.slide_layout.slide_master.background.fill
        return master.fore_color.rgb if master.type == 1 else None
    return None


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text.strip() if slide.has_notes_slide else ""


def _text_shapes(shapes) -> list:
    out = []
    for shape in shapes:
        if hasattr(shape, "text_frame") and hasattr(shape, "text"):
            out.append(shape)
        if hasattr(shape, "shapes"):
            out.extend(_text_shapes(shape.shapes))
    return out


def _compare_slide(n, s1, s2, on, tol) -> None:
    _check(not on["background_color"] or _background(s1) == _background(s2), f"slide {n} background")
    _check(not on["note"] or _notes(s1) == _notes(s2), f"slide {n} notes")
    _check(len(s1.shapes) == len(s2.shapes), f"slide {n} shape count")
    has_runs = False
    for i, (a, b) in enumerate(zip(s1.shapes, s2.shapes), start=1):
        where = f"slide {n} shape {i}"
        _compare_geometry(n, a, b, on, tol, where)
        if a.shape_type == _TABLE and b.shape_type == _TABLE:
            _compare_table(a.table, b.table, on, where)
        if hasattr(a, "text") and hasattr(b, "text") and hasattr(a, "text_frame") and hasattr(b, "text_frame"):
            has_runs |= _compare_text_frame(a, b, on, where)
    if on["bullets"] and has_runs:
        b1, b2 = _bullets(s1), _bullets(s2)
        _check(b1 is None or b2 is None or _same_bullets(b1, b2), f"slide {n} bullets")
    t1, t2 = _text_shapes(s1.shapes), _text_shapes(s2.shapes)
    _check(len(t1) == len(t2), f"slide {n} text shape count")
    if on["alignment"]:
        for a, b in zip(t1, t2):
            _check(not on["text"] or a.text.strip() == b.text.strip(), f"slide {n} text")
            _check(len(a.text_frame.paragraphs) == len(b.text_frame.paragraphs), f"slide {n} paragraphs")
            for pa, pb in zip(a.text_frame.paragraphs, b.text_frame.paragraphs):
                _check(_align(pa) == _align(pb), f"slide {n} alignment")


def _has_text(shape) -> bool:
    return hasattr(shape, "text")


def _compare_geometry(n, a, b, on, tol, where) -> None:
    same = _same_box(a, b, tol)
    if on["title_bottom_position"]:
        if _has_text(a) and _has_text(b) and a.text == b.text:
            _check(not (a.text == "Product Comparison" and (a.top <= b.top or a.top < 3600000)), where)
        else:
            _check(same, where)
    if on["table_bottom_position"]:
        if n == 3 and a.shape_type == _TABLE and b.shape_type == _TABLE:
            _check(not (a.top <= b.top or a.top < 3600000), where)
        else:
            _check(same, where)
    if on["right_position"] and n == 2 and not _has_text(a) and not _has_text(b):
        _check(not (a.left <= b.left or a.left < 4320000), where)
    if on["top_position"] and n == 2 and a.shape_type == _PICTURE and b.shape_type == _PICTURE:
        _check(not (a.top >= b.top or a.top > 1980000), where)
    if on["shape_for_shift_size"] and not same:
        _check(_has_text(a) and _has_text(b) and a.text == b.text == "Elaborate on what you want to discuss.",
               where)
    both_blank = not (getattr(a, "text", "") or "").strip() and not (getattr(b, "text", "") or "").strip()
    _check(same or not on["shape"] or both_blank, f"{where} position/size")
    if on["image_size"]:
        if a.shape_type == _PICTURE and b.shape_type == _PICTURE:
            _check(_near(a.width, b.width, tol) and _near(a.height, b.height, tol), where)
        else:
            _check(same, where)
    if on["modify_height"]:
        if (not _has_text(a) and not _has_text(b)) or (a.shape_type == _FREEFORM and b.shape_type == _FREEFORM):
            _check(_near(a.height, b.height, tol), where)
        else:
            _check(same, where)


def _runs(pa, pb) -> tuple[list, list]:
    """Runs to compare; two blank paragraphs compare only their runs that hold text."""
    if not (pa.text or "").strip() and not (pb.text or "").strip():
        return [r for r in pa.runs if (r.text or "").strip()], [r for r in pb.runs if (r.text or "").strip()]
    return list(pa.runs), list(pb.runs)


def _rgb(font) -> Any:
    try:
        return font.color.rgb
    except AttributeError:  # no colour set, or a theme colour: nothing to compare
        return _MISSING


def _same_flag(x, y) -> bool:
    return x == y or (not x and not y)


def _same_underline(x, y) -> bool:
    if x == y:
        return True
    if x is not None and y is not None:
        return False
    return not (x is True or y is True)


def _compare_runs(ra, rb, on, where, full: bool) -> None:
    """Compare runs pairwise. In table cells (full=False) OSWorld always checked bold, italic
    and underline and never font name, size or strike-through; elsewhere the flags decide."""
    for x, y in zip(ra, rb):
        fx, fy = x.font, y.font
        if full and on["font_name"]:
            _check(fx.name == fy.name, f"{where} font name")
        if full and on["font_size"]:
            _check(fx.size == fy.size, f"{where} font size")
        if on["font_bold"] or not full:
            _check(_same_flag(fx.bold, fy.bold), f"{where} bold")
        if on["font_italic"] or not full:
            _check(_same_flag(fx.italic, fy.italic), f"{where} italic")
        cx, cy = _rgb(fx), _rgb(fy)
        if on["color_rgb"] and cx is not _MISSING and cy is not _MISSING:
            _check(cx == cy, f"{where} colour")
        if on["font_underline"] or not full:
            _check(_same_underline(fx.underline, fy.underline), f"{where} underline")
        if full and on["strike_through"]:
            _check(fx._element.get("strike", "noStrike") == fy._element.get("strike", "noStrike"),
                   f"{where} strike-through")


def _compare_table(t1, t2, on, where) -> None:
    _check(len(t1.rows) == len(t2.rows) and len(t1.columns) == len(t2.columns), f"{where} table size")
    for r in range(len(t1.rows)):
        for c in range(len(t1.columns)):
            c1, c2 = t1.cell(r, c), t2.cell(r, c)
            pa_list, pb_list = c1.text_frame.paragraphs, c2.text_frame.paragraphs
            _check(len(pa_list) == len(pb_list), f"{where} cell {r},{c} paragraphs")
            for pa, pb in zip(pa_list, pb_list):
                ra, rb = _runs(pa, pb)
                _check(len(ra) == len(rb) or not on["run_count"], f"{where} cell {r},{c} runs")
                _compare_runs(ra, rb, on, f"{where} cell {r},{c}", full=False)


def _align(p):
    from pptx.enum.text import PP_ALIGN

    return p.alignment if p.alignment is not None else PP_ALIGN.LEFT


def _compare_text_frame(a, b, on, where) -> bool:
    _check(not on["text"] or a.text.strip() == b.text.strip(), f"{where} text")
    pas, pbs = a.text_frame.paragraphs, b.text_frame.paragraphs
    _check(len(pas) == len(pbs), f"{where} paragraph count")
    any_runs = False
    for pa, pb in zip(pas, pbs):
        _check(not on["alignment"] or _align(pa) == _align(pb), f"{where} alignment")
        _check(not on["text"] or pa.text == pb.text, f"{where} paragraph text")
        la, lb = pa.level or 0, pb.level or 0
        _check(not on["indent"] or la == lb or (la in (0, 1) and lb in (0, 1)), f"{where} indent")
        ra, rb = _runs(pa, pb)
        _check(len(ra) == len(rb) or not on["run_count"], f"{where} run count")
        _compare_runs(ra, rb, on, where, full=True)
        any_runs |= bool(ra and rb)
    return any_runs


def _bullets(slide) -> list[tuple] | None:
    """(level, bullet char, text) of each paragraph with text; None when some text element of
    the slide is empty (an empty run writes <a:t/>): OSWorld joins those texts, fails on the
    missing one and skips the bullet check altogether, so ours skips it too."""
    out = []
    for p in slide._element.iter(f"{_A}p"):
        texts = [t.text for t in p.iter(f"{_A}t")]
        if None in texts:
            return None
        text = "".join(texts)
        if not text.strip():
            continue
        ppr = p.find(f"{_A}pPr")
        char = ppr.find(f"{_A}buChar") if ppr is not None else None
        out.append((ppr.get("lvl") if ppr is not None else None,
                    char.get("char") if char is not None else None, text))
    return out


def _same_bullets(b1: list[tuple], b2: list[tuple]) -> bool:
    """Same texts and bullet characters; levels count only where a bullet shows."""
    if len(b1) != len(b2):
        return False
    for (l1, c1, t1), (l2, c2, t2) in zip(b1, b2):
        if t1 != t2 or c1 != c2:
            return False
        if (c1 or c2) and (l1 or "0") != (l2 or "0"):
            return False
    return True
