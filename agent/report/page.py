"""The report as one HTML page: totals, a table by domain, then every task, foldable, with its
steps drawn on their screenshots.

Every text from a run (instructions, model replies, errors, ids) goes through `_e` (HTML-escaped,
quotes too); the page's Content-Security-Policy allows no script but its own, no network, and
images from the results folder only, so even a mistake in escaping could not run anything.
"""

from __future__ import annotations

import html
import json
import math
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from .assets import CSS, JS, script_hash
from .collect import ReportData, StepView, TaskView
from .fields import Problem
from .overlay import describe, marker_defs, overlay_svg

OUTCOMES = ("solved", "failed", "skipped", "pending")
_TIMINGS = ("capture", "model", "execute", "settle", "check")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


NO_RATE = "—"
"""Shown for a rate of no finished tasks (never 'nan%')."""


def _pct(value: Any) -> str:
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return NO_RATE
    return f"{value:.1%}"


def _ms(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "-"
    return f"{v / 1000:.1f} s" if v >= 1000 else f"{v:.0f} ms"


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _url(rel: str) -> str:
    """A link from OUT/report/index.html to a file at OUT/<rel>."""
    return "../" + "/".join(quote(part) for part in rel.split("/"))


def render(data: ReportData) -> str:
    s = data.summary
    csp = (f"default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
           f"script-src {script_hash()}; base-uri 'none'; form-action 'none'")
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Results: {_e(data.out.name)}</title><style>{CSS}</style></head><body>",
        marker_defs(), "<main>",
        f"<h1>Results: {_e(data.out.name)}</h1>",
        f'<p class="muted">{_e(_run_line(s))} · report made {made}</p>',
        _cards(s, data), _problems(data), _domains(s), _statuses(s), _skips(s), _filters(data),
        f'<section id="tasks">{"".join(_task(t) for t in data.tasks)}</section>',
        "</main>", f"<script>{JS}</script>", "</body></html>",
    ]
    return "\n".join(parts)


def _run_line(s: dict) -> str:
    bits = [f"policy {s['policy']}" if s.get("policy") else None,
            f"screen {s['screen']}" if s.get("screen") else None,
            f"{s['workers']} worker(s)" if s.get("workers") else None,
            f"started {s['started']}" if s.get("started") else None]
    return " · ".join(b for b in bits if b) or str(s.get("out", ""))


def _cards(s: dict, data: ReportData) -> str:
    rate = "success rate" if s["finished"] else "success rate (no finished tasks)"
    cards = [("tasks", s["tasks"]), ("finished", s["finished"]), ("solved", s["solved"]),
             (rate, _pct(s["success_rate"])), ("rate, skips left out", _pct(s["success_rate_ran"])),
             ("skipped", s["skipped"])]
    if s.get("pending"):
        cards.append(("pending", s["pending"]))
    html_cards = [f"<div class=card><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in cards]
    if data.problems:
        n = len(data.problem_files)
        html_cards.append(f'<div class="card warn" id="problem-count"><b>{n}</b>'
                          f'<span>{"file" if n == 1 else "files"} with problems</span></div>')
    return '<div class="cards">' + "".join(html_cards) + "</div>"


def _problem_list(problems: list[Problem]) -> str:
    items = "".join(f"<li><code>{_e(p.file)}</code>"
                    f"{_e(f' line {p.line}' if p.line else '')}: {_e(p.what)}</li>" for p in problems)
    return f'<ul class="problems">{items}</ul>'


def _problems(data: ReportData) -> str:
    """The files that could not be read as a run writes them: those of no task in full, the
    others as links to their task, where the details are."""
    if not data.problems:
        return ""
    tasks = [t for t in data.tasks if t.problems]
    owned = {p for t in tasks for p in t.problems}
    loose = [p for p in data.problems if p not in owned]
    links = "".join(f'<li><a href="#{_e(t.folder)}">{_e(t.folder)}</a>: '
                    f'{_e(", ".join(sorted({p.file.rsplit("/", 1)[-1] for p in t.problems})))} '
                    f'({_e(_count(len(t.problems), "problem"))})</li>' for t in tasks)
    return ('<section id="problems"><h2>Problems in the results</h2><p class="muted">These files are not '
            "as a run writes them; what could be read is shown, the rest is left out.</p>"
            + (_problem_list(loose) if loose else "") + (f"<ul>{links}</ul>" if links else "") + "</section>")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _domains(s: dict) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("domain", "tasks", "finished", "solved", "skipped", "score",
                                               "success rate", "rate, skips left out"))
    rows = []
    for domain, c in s["by_domain"].items():
        name = f'<button class="link" data-domain-filter="{_e(domain)}">{_e(domain)}</button>'
        rows.append(_row(name, c))
    rows.append(_row("all", s, ' class="total"'))
    return f'<h2>By domain</h2><table class="domains"><tr>{head}</tr>{"".join(rows)}</table>'


def _row(name: str, c: dict, attrs: str = "") -> str:
    cells = [c["tasks"], c["finished"], c["solved"], c["skipped"], f"{c['score']:g}", _pct(c["success_rate"]),
             _pct(c["success_rate_ran"])]
    return f"<tr{attrs}><td>{name}</td>" + "".join(f"<td>{_e(v)}</td>" for v in cells) + "</tr>"


def _statuses(s: dict) -> str:
    chips = "".join(f'<button class="chip" data-status-filter="{_e(k)}">{_e(k)} {_e(v)}</button>'
                    for k, v in s["by_status"].items())
    return f'<h2>By status</h2><div class="chips">{chips or "<span class=muted>no task finished</span>"}</div>'


def _skips(s: dict) -> str:
    if not s.get("skip_reasons"):
        return ""
    items = "".join(f"<li>{_e(n)} × {_e(reason)}</li>" for reason, n in s["skip_reasons"].items())
    return f"<details><summary>Why tasks were skipped</summary><ul>{items}</ul></details>"


def _filters(data: ReportData) -> str:
    def options(name: str, values) -> str:
        opts = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
        return f'<select id="f-{name}" aria-label="{name}"><option value="">any {name}</option>{opts}</select>'

    domains = sorted({t.domain for t in data.tasks})
    statuses = sorted({t.status for t in data.tasks})
    return ('<div class="filters">' + options("outcome", OUTCOMES) + options("domain", domains)
            + options("status", statuses)
            + '<input id="f-text" type="search" placeholder="search id or instruction" aria-label="search">'
            + '<button id="expand">expand all</button><button id="collapse">collapse all</button>'
            + '<button id="reset">clear filters</button>'
            + f'<span class="muted"><span id="shown">{len(data.tasks)}</span> of {len(data.tasks)} tasks</span></div>')


def _task(t: TaskView) -> str:
    r = t.result
    instruction = str(r.get("instruction") or "")
    search = f"{t.domain}/{t.task_id} {r.get('task_id', '')} {instruction}".lower()
    duration = f" · {float(r['duration_s']):.1f} s" if isinstance(r.get("duration_s"), (int, float)) else ""
    head = (f'<summary><span class="badge b-{t.outcome}">{_e(t.status)}</span>'
            f'<span class="score">score {t.score:g}</span><span class="key">{_e(t.folder)}</span>'
            f'<span class="muted">{_e(_steps(len(t.steps)))}{_e(duration)}</span>'
            + (f'<span class="warn">⚠ {_e(_count(len(t.problems), "problem"))}</span>' if t.problems else "") +
            f'<span class="instr">{_e(instruction)}</span></summary>')
    body = [f"<p>{_e(instruction)}</p>", _facts(t)]
    if t.problems:
        body.append('<div class="problems"><b>Problems in this task\'s files</b>'
                    f"{_problem_list(t.problems)}</div>")
    if r.get("error"):
        body.append(f'<pre class="error">{_e(r["error"])}</pre>')
    if t.crash:
        body.append(f"<details><summary>traceback (crash.txt)</summary><pre>{_e(t.crash)}</pre></details>")
    if t.steps:
        body.append('<ol class="steps">' + "".join(_step(st) for st in t.steps) + "</ol>")
    elif t.finished:
        body.append('<p class="muted">no steps were taken</p>')
    return (f'<details class="task o-{t.outcome}" id="{_e(t.folder)}" data-outcome="{t.outcome}" '
            f'data-domain="{_e(t.domain)}" data-status="{_e(t.status)}" data-search="{_e(search)}">'
            f'{head}<div class="body">{"".join(body)}</div></details>')


def _facts(t: TaskView) -> str:
    r = t.result
    timings = r.get("timings_ms") if isinstance(r.get("timings_ms"), dict) else {}
    rows = [("task id", r.get("task_id") or t.task_id), ("status", t.status),
            ("score", f"{t.score:g}" if t.finished else "not finished"), ("steps", r.get("steps")),
            ("duration", f"{r['duration_s']} s" if r.get("duration_s") is not None else None),
            ("set-up", f"{r['setup_s']} s" if r.get("setup_s") is not None else None),
            ("time in", " · ".join(f"{k} {_ms(timings[k])}" for k in _TIMINGS if k in timings) or None),
            ("policy", r.get("policy")), ("worker", _worker(r)), ("source", r.get("source")),
            ("started", r.get("started")), ("ended", r.get("ended"))]
    return '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows
                                          if v not in (None, "")) + "</dl>"


def _worker(r: dict) -> str | None:
    if r.get("worker") is None:
        return None
    return f"{r['worker']} on display {r.get('display')}"


def _step(st: StepView) -> str:
    if st.image and st.size:
        w, h = st.size
        shot = (f'<div class="shot"><a href="{_e(_url(st.image))}" target="_blank" rel="noopener">'
                f'<img src="{_e(_url(st.image))}" width="{w}" height="{h}" loading="lazy" '
                f'alt="screenshot of step {st.index}"></a>{overlay_svg(st.actions, st.size)}</div>')
    else:
        shot = '<div class="noshot">no screenshot</div>'
    acts = "".join(f'<p class="act">{_e(describe(a))}</p>' for a in st.actions) or '<p class="act muted">no action</p>'
    ms = " · ".join(f"{k} {_ms(st.ms[k])}" for k in _TIMINGS if k in st.ms)
    extra = []
    if st.score is not None:
        extra.append(f"check {st.score:g}" if isinstance(st.score, (int, float)) else f"check {st.score}")
    if st.changed is not None:
        extra.append("screen changed" if st.changed else "screen unchanged")
    info = {k: v for k, v in st.info.items() if isinstance(v, (str, int, float, bool))}
    parts = [f"<h4>Step {st.index}</h4>", acts, f'<p class="ms">{_e(ms)}{" · " if ms and extra else ""}'
             f'{_e(" · ".join(extra))}</p>']
    if st.error:
        parts.append(f'<pre class="error">{_e(st.error)}</pre>')
    if st.raw:
        parts.append(f'<div class="muted">model reply</div><pre class="raw">{_e(st.raw)}</pre>')
    if info:
        parts.append(f'<div class="ms">{_e(json.dumps(info, ensure_ascii=False))}</div>')
    return f'<li class="step">{shot}<div class="stepinfo">{"".join(parts)}</div></li>'
