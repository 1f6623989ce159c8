"""The report page's style sheet and script, inlined so the page is one self-contained file.

The script only filters and folds what the HTML already holds: it never inserts text as HTML.
"""

from __future__ import annotations

import base64
import hashlib

from .overlay import MARK

CSS = """
:root { --ok:#1a7f37; --bad:#cf222e; --skip:#9a6700; --pend:#6e7781; --mark:%(mark)s;
        --bg:#f6f8fa; --card:#fff; --line:#d0d7de; --text:#1f2328; --muted:#57606a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--text); background:var(--bg); }
main { max-width:1280px; margin:0 auto; padding:16px 20px 60px; }
h1 { font-size:22px; margin:4px 0 2px; } h2 { font-size:16px; margin:22px 0 8px; }
.muted { color:var(--muted); } code, pre { font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin:12px 0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:120px; }
.card b { display:block; font-size:22px; } .card span { color:var(--muted); font-size:12px; }
table.domains { border-collapse:collapse; background:var(--card); border:1px solid var(--line); }
table.domains th, table.domains td { padding:4px 10px; border-bottom:1px solid var(--line); text-align:right; }
table.domains th:first-child, table.domains td:first-child { text-align:left; }
table.domains tr.total td { font-weight:600; }
button.link { background:none; border:0; padding:0; color:#0969da; cursor:pointer; font:inherit; }
.chips { display:flex; flex-wrap:wrap; gap:6px; margin:8px 0; }
.chip { border:1px solid var(--line); background:var(--card); border-radius:12px; padding:1px 10px; cursor:pointer; font:inherit; }
.filters { position:sticky; top:0; z-index:5; background:var(--bg); padding:8px 0; display:flex; flex-wrap:wrap; gap:8px; align-items:center; border-bottom:1px solid var(--line); }
.filters select, .filters input, .filters button { font:inherit; padding:3px 6px; }
.filters input { min-width:220px; }
details.task { scroll-margin-top:64px; background:var(--card); border:1px solid var(--line); border-left:5px solid var(--pend); border-radius:6px; margin:8px 0; }
details.task.o-solved { border-left-color:var(--ok); } details.task.o-failed { border-left-color:var(--bad); }
details.task.o-skipped { border-left-color:var(--skip); }
details.task > summary { cursor:pointer; padding:8px 12px; display:flex; flex-wrap:wrap; gap:10px; align-items:baseline; }
details.task[open] > summary { border-bottom:1px solid var(--line); }
.badge { font-weight:600; font-size:12px; border-radius:10px; padding:1px 8px; color:#fff; background:var(--pend); }
.b-solved { background:var(--ok); } .b-failed { background:var(--bad); } .b-skipped { background:var(--skip); }
.key { font-weight:600; } .instr { color:var(--muted); flex-basis:100%%; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.body { padding:10px 14px; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:8px 0; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; overflow-wrap:anywhere; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:6px 8px; margin:4px 0; max-height:320px; overflow:auto; }
pre.error { border-color:var(--bad); color:var(--bad); }
ol.steps { list-style:none; padding:0; margin:10px 0 0; }
li.step { display:grid; grid-template-columns:minmax(0,3fr) minmax(0,2fr); gap:14px; padding:10px 0; border-top:1px solid var(--line); }
@media (max-width:900px) { li.step { grid-template-columns:1fr; } }
.shot { position:relative; line-height:0; border:1px solid var(--line); }
.shot img { width:100%%; height:auto; display:block; }
.shot svg.overlay { position:absolute; inset:0; width:100%%; height:100%%; pointer-events:none; }
.noshot { color:var(--muted); padding:20px; border:1px dashed var(--line); text-align:center; }
.act { font-weight:600; overflow-wrap:anywhere; } .step h4 { margin:0 0 4px; }
.ms { color:var(--muted); font-size:12px; }
svg .ring { fill:rgba(255,31,142,.18); stroke:var(--mark); stroke-width:3; vector-effect:non-scaling-stroke; }
svg .dot { fill:var(--mark); }
svg .arrow { stroke:var(--mark); stroke-width:4; vector-effect:non-scaling-stroke; }
svg .tag { fill:var(--mark); font-weight:700; font-family:sans-serif; paint-order:stroke; stroke:#fff; stroke-width:3px; }
svg .cap { fill:rgba(20,20,20,.78); }
svg .captext { fill:#fff; font-family:ui-monospace,Menlo,Consolas,monospace; white-space:pre; }
.card.warn { border-color:var(--skip); } .card.warn b { color:var(--skip); }
span.warn { font-weight:600; font-size:12px; border-radius:10px; padding:1px 8px; color:#fff; background:var(--skip); }
#problems, div.problems { background:#fff8c5; border:1px solid var(--skip); border-radius:6px; padding:4px 14px; margin:10px 0; }
#problems h2 { margin-top:8px; } ul.problems li { overflow-wrap:anywhere; }
[hidden] { display:none !important; }
""" % {"mark": MARK}

JS = """
(function () {
  var q = function (s) { return document.querySelector(s); };
  var qa = function (s) { return Array.prototype.slice.call(document.querySelectorAll(s)); };
  var tasks = qa('details.task');
  function apply() {
    var o = q('#f-outcome').value, d = q('#f-domain').value, s = q('#f-status').value;
    var t = q('#f-text').value.trim().toLowerCase(), shown = 0;
    tasks.forEach(function (el) {
      var ok = (!o || el.dataset.outcome === o) && (!d || el.dataset.domain === d) &&
               (!s || el.dataset.status === s) && (!t || el.dataset.search.indexOf(t) >= 0);
      el.hidden = !ok;
      if (ok) shown++;
    });
    q('#shown').textContent = String(shown);
  }
  function set(id, value) { q(id).value = value; apply(); q('.filters').scrollIntoView(); }
  qa('.filters select, .filters input').forEach(function (e) { e.addEventListener('input', apply); });
  q('#expand').addEventListener('click', function () { tasks.forEach(function (e) { if (!e.hidden) e.open = true; }); });
  q('#collapse').addEventListener('click', function () { tasks.forEach(function (e) { e.open = false; }); });
  q('#reset').addEventListener('click', function () {
    ['#f-outcome', '#f-domain', '#f-status', '#f-text'].forEach(function (id) { q(id).value = ''; });
    apply();
  });
  qa('[data-status-filter]').forEach(function (b) {
    b.addEventListener('click', function () { set('#f-status', b.getAttribute('data-status-filter')); });
  });
  qa('[data-domain-filter]').forEach(function (b) {
    b.addEventListener('click', function () { set('#f-domain', b.getAttribute('data-domain-filter')); });
  });
  var params = new URLSearchParams(location.search);
  ['outcome', 'domain', 'status', 'text'].forEach(function (k) { if (params.get(k)) q('#f-' + k).value = params.get(k); });
  if (params.get('open') === 'all') tasks.forEach(function (e) { e.open = true; });
  if (location.hash) {
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.tagName === 'DETAILS') el.open = true;
  }
  apply();
})();
"""


def script_hash(script: str = JS) -> str:
    """The CSP source that allows exactly this inline script and no other ('sha256-...')."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"
