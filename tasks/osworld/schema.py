"""Checking that an OSWorld task file has the shape OSWorld's runner expects.

`problems(data, where)` returns one 'where: field: why' line per mistake and never raises.
It checks structure only; a set-up type, getter or metric this tool does not know is not a
mistake but an unsupported feature (see loader.py), so an unknown `type` passes here.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

_COMMAND_TYPES = ("launch", "execute", "command")


def problems(data: Any, where: str) -> list[str]:
    """Every structural mistake in one task file's parsed JSON."""
    out: list[str] = []

    def bad(field: str, why: str) -> None:
        out.append(f"{where}: {field}: {why}")

    if not isinstance(data, dict):
        bad("(file)", f"a task is a JSON object, not {_kind(data)}")
        return out
    for key in ("id", "instruction"):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            bad(key, "required, a non-empty string")
    if "config" in data:
        _steps(data["config"], "config", bad)
    ev = data.get("evaluator")
    if not isinstance(ev, dict):
        bad("evaluator", "required, an object with func, result, expected, options")
        return out
    _evaluator(ev, bad)
    return out


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null",
            bool: "a boolean"}.get(type(value), "a number" if isinstance(value, Real) else "a value")


def _steps(steps: Any, field: str, bad) -> None:
    if not isinstance(steps, list):
        bad(field, f"a list of set-up steps, not {_kind(steps)}")
        return
    for i, step in enumerate(steps):
        f = f"{field}[{i}]"
        if not isinstance(step, dict):
            bad(f, f"a step is an object with type and parameters, not {_kind(step)}")
            continue
        kind = step.get("type")
        if not isinstance(kind, str) or not kind:
            bad(f"{f}.type", "required, a non-empty string")
            continue
        params = step.get("parameters")
        if not isinstance(params, dict):
            bad(f"{f}.parameters", f"required, an object, not {_kind(params)}")
            continue
        _step_parameters(kind, params, f"{f}.parameters", bad)


def _step_parameters(kind: str, p: dict, f: str, bad) -> None:
    if kind == "download":
        files = p.get("files")
        if not isinstance(files, list) or not files:
            bad(f"{f}.files", "required, a non-empty list of {url, path}")
            return
        for j, item in enumerate(files):
            if not isinstance(item, dict):
                bad(f"{f}.files[{j}]", "an object with url and path")
                continue
            for key in ("url", "path"):
                if not isinstance(item.get(key), str) or not item.get(key):
                    bad(f"{f}.files[{j}].{key}", "required, a non-empty string")
    elif kind == "open":
        if not isinstance(p.get("path"), str) or not p.get("path"):
            bad(f"{f}.path", "required, a non-empty string")
    elif kind in _COMMAND_TYPES:
        cmd = p.get("command")
        ok = (isinstance(cmd, str) and cmd.strip()) or (
            isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd))
        if not ok:
            bad(f"{f}.command", "required, a string or a non-empty list of strings")
        for key in ("stdout", "stderr"):
            if key in p and not isinstance(p[key], str):
                bad(f"{f}.{key}", "a file name (string)")
        if "until" in p and not isinstance(p["until"], dict):
            bad(f"{f}.until", "an object with returncode, stdout or stderr")
        _bool(p, "shell", f, bad)
    elif kind == "sleep":
        s = p.get("seconds")
        if not isinstance(s, Real) or isinstance(s, bool) or s < 0:
            bad(f"{f}.seconds", "required, a number >= 0")
    elif kind in ("activate_window", "close_window"):
        if not isinstance(p.get("window_name"), str) or not p.get("window_name"):
            bad(f"{f}.window_name", "required, a non-empty string")
        _bool(p, "strict", f, bad)
        _bool(p, "by_class", f, bad)
    elif kind == "update_browse_history":
        visits = p.get("history")
        if not isinstance(visits, list):
            bad(f"{f}.history", "required, a list of {url, title, visit_time_from_now_in_seconds}")
            return
        for j, item in enumerate(visits):
            ok = isinstance(item, dict) and isinstance(item.get("url"), str) and isinstance(item.get("title"), str)
            seconds = item.get("visit_time_from_now_in_seconds") if isinstance(item, dict) else None
            if not ok or not isinstance(seconds, Real) or isinstance(seconds, bool):
                bad(f"{f}.history[{j}]", "an object with url, title (strings), visit_time_from_now_in_seconds (number)")
    elif kind in ("chrome_open_tabs", "chrome_close_tabs"):
        key = "urls_to_open" if kind == "chrome_open_tabs" else "urls_to_close"
        urls = p.get(key)
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            bad(f"{f}.{key}", "required, a list of URLs")


def _bool(p: dict, key: str, f: str, bad) -> None:
    # Some OSWorld files write "true" as a string; OSWorld's Python read it as true.
    if key in p and not (isinstance(p[key], bool) or p[key] in ("true", "false")):
        bad(f"{f}.{key}", f"true or false, not {p[key]!r}")


def _evaluator(ev: dict, bad) -> None:
    func = ev.get("func")
    if isinstance(func, str) and func:
        funcs = [func]
        many = False
    elif isinstance(func, list) and func and all(isinstance(x, str) and x for x in func):
        funcs = func
        many = True
    else:
        bad("evaluator.func", "required, a metric name or a non-empty list of them")
        return
    if "conj" in ev and ev["conj"] not in ("and", "or"):
        bad("evaluator.conj", f"'and' or 'or', not {ev['conj']!r}")
    if "postconfig" in ev:
        _steps(ev["postconfig"], "evaluator.postconfig", bad)
    needs_result = any(fn != "infeasible" for fn in funcs)
    for key in ("result", "expected", "options"):
        if key not in ev:
            if key == "result" and needs_result:
                bad("evaluator.result", f"required for metric {funcs[0] if not many else funcs}")
            continue
        value = ev[key]
        if many:
            if not isinstance(value, list):
                bad(f"evaluator.{key}", f"a list of {len(funcs)} (one per func), not {_kind(value)}")
                continue
            if len(value) != len(funcs):
                bad(f"evaluator.{key}", f"{len(value)} entries for {len(funcs)} funcs")
            entries = [(f"evaluator.{key}[{i}]", v) for i, v in enumerate(value)]
        else:
            entries = [(f"evaluator.{key}", value)]
        for field, entry in entries:
            if key == "options":
                if entry is not None and not isinstance(entry, dict):
                    bad(field, f"an object of metric options, not {_kind(entry)}")
            elif entry is None or entry == {}:
                if key == "result" and needs_result and not many:
                    bad(field, "required, a getter object with a type")
            else:
                _getter(entry, field, bad)


def _getter(g: Any, f: str, bad) -> None:
    if not isinstance(g, dict):
        bad(f, f"a getter is an object with a type, not {_kind(g)}")
        return
    if not isinstance(g.get("type"), str) or not g.get("type"):
        bad(f"{f}.type", "required, a getter name")
        return
    if g["type"] in ("vm_file", "cloud_file"):
        path, dest = g.get("path"), g.get("dest")
        if g.get("multi"):
            if not isinstance(path, list) or not all(isinstance(x, str) for x in path):
                bad(f"{f}.path", "with multi, a list of paths")
            elif not isinstance(dest, list) or len(dest) != len(path):
                bad(f"{f}.dest", "with multi, a list of file names as long as path")
            gives = g.get("gives", [0])
            if not isinstance(gives, list) or not all(
                    isinstance(i, int) and isinstance(path, list) and 0 <= i < len(path) for i in gives):
                bad(f"{f}.gives", "a list of indexes into path")
        else:
            if not isinstance(path, str) or not path:
                bad(f"{f}.path", "required, a non-empty string")
            if not isinstance(dest, str) or not dest:
                bad(f"{f}.dest", "required, a file name")
    elif g["type"] in ("vm_command_line", "vm_command_error"):
        cmd = g.get("command")
        if not (isinstance(cmd, str) and cmd) and not (
                isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd)):
            bad(f"{f}.command", "required, a string or a non-empty list of strings")
    elif g["type"] in ("rule", "rules"):
        if "rules" not in g:
            bad(f"{f}.rules", "required")
