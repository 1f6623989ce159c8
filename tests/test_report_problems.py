"""`gui-agent report` on results folders with broken files: no traceback, no 'nan%', every
malformed file listed on the page next to its task (file, line, what is wrong), a count at the
top and one line on stderr; exit 2 with one line when there is nothing to report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers.cli import gui_agent

CLICK = {"type": "click", "x": 10, "y": 20, "button": "left", "count": 1}


def step(n: int, **fields) -> str:
    rec = {"step": n, "time": "2026-01-01T00:00:00+00:00", "screenshot": f"step_{n}.png", "raw": "",
           "actions": [CLICK], "action": CLICK, "error": None, "info": {},
           "ms": {"capture": 5.0, "model": 1.0, "execute": 2.0, "settle": 300.0}, "screen_changed": True}
    return json.dumps({**rec, **fields})


def task(out: Path, key: str, *, result=None, score: str | None = "1.0", traj: str | None = None,
         raw_result: str | None = None) -> Path:
    folder = out / key
    folder.mkdir(parents=True)
    if raw_result is not None:
        (folder / "result.json").write_text(raw_result)
    elif result is not None:
        (folder / "result.json").write_text(json.dumps(result))
    if score is not None:
        (folder / "result.txt").write_text(score + "\n")
    if traj is not None:
        (folder / "traj.jsonl").write_text(traj, encoding="utf-8")
        for n in range(traj.count("\n") + 1):
            Image.new("RGB", (64, 40), "white").save(folder / f"step_{n}.png")
    return folder


def report(out: Path) -> tuple[subprocess.CompletedProcess, str]:
    done = gui_agent("report", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done, (out / "report" / "index.html").read_text(encoding="utf-8")


def task_html(page: str, key: str) -> str:
    part = page[page.index(f'<details class="task'):]
    part = part[part.index(f'id="{key}"'):]
    return part[:part.index("</details>")]


def problems_in(html: str) -> list[str]:
    items = re.findall(r'<ul class="problems">(.*?)</ul>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", li)) for block in items for li in re.findall(r"<li>(.*?)</li>", block)]


def count_at_top(page: str) -> int:
    return int(re.search(r'id="problem-count"><b>(\d+)</b>', page).group(1))


def ok_result(**fields) -> dict:
    return {"task_id": "t", "domain": "os", "status": "success", "score": 1.0, "steps": 2, **fields}


def test_malformed_trajectory_lines_are_listed_and_the_rest_is_shown(tmp_path):
    traj = "\n".join([
        step(0),
        step(1, ms="x", actions=5, action=None),
        '{"step": 2, "actions": [',
        "[1, 2]",
        step(4, step="a"),
        step(5, actions=[{"type": "click", "x": "left", "y": 3}, CLICK, 7]),
        "",
        '{"step": 7, "raw": "cut',
    ])
    task(tmp_path, "os/broken", result=ok_result(), traj=traj)
    task(tmp_path, "os/fine", result=ok_result(), traj=step(0) + "\n")
    done, page = report(tmp_path)
    assert done.stderr.strip() == f"warning: 1 file in {tmp_path} had problems (8 in all); the page lists them"
    assert count_at_top(page) == 1 and "nan%" not in page
    broken = task_html(page, "os/broken")
    assert problems_in(broken) == [
        'os/broken/traj.jsonl line 2: "ms" is "x", not an object of numbers (milliseconds)',
        'os/broken/traj.jsonl line 2: "actions" is 5, not a list of actions',
        "os/broken/traj.jsonl line 3: not valid JSON (Expecting value)",
        "os/broken/traj.jsonl line 4: holds a JSON array, not a JSON object",
        'os/broken/traj.jsonl line 5: "step" is "a", not a whole number from 0',
        'os/broken/traj.jsonl line 6: action 1 {"type": "click", "x": "left", "y": 3}: not a valid action: '
        "x: Input should be a valid integer, unable to parse string as an integer",
        "os/broken/traj.jsonl line 6: action 3 7: holds a number, not an action object",
        "os/broken/traj.jsonl line 8: cut off (the run was stopped while writing it)",
    ]
    assert "⚠ 8 problems" in broken
    # What could be read is still shown: the step without a number is numbered by its place.
    assert re.findall(r"<h4>Step (\d+)</h4>", broken) == ["0", "1", "2", "5"]
    assert broken.count('class="ring"') == 3  # step 1's actions were left out, and step 5's bad ones
    assert problems_in(task_html(page, "os/fine")) == []
    top = page[page.index('id="problems"'):page.index("<h2>By domain")]
    assert '<a href="#os/broken">os/broken</a>: traj.jsonl (8 problems)' in top


def test_bad_results_and_scores_never_make_nan(tmp_path):
    task(tmp_path, "os/array", raw_result="[1, 2]", score="0.0")
    task(tmp_path, "os/pending-array", raw_result="[1, 2]", score=None)
    task(tmp_path, "os/string-score", result=ok_result(score="high", status="done"), score="nan")
    task(tmp_path, "os/types", result=ok_result(status=["x"], steps=[1], duration_s="y", timings_ms={"a": "b"},
                                                instruction=5, error={"a": 1}))
    task(tmp_path, "os/not-json", raw_result='{"status": "success", ', score="1")
    done, page = report(tmp_path)
    shown = re.sub(r'<ul class="problems">.*?</ul>', "", page, flags=re.S)  # the problems quote "nan"
    assert not re.search(r"\bnan\b", shown, re.I)
    assert count_at_top(page) == 6
    assert done.stderr.strip() == f"warning: 6 files in {tmp_path} had problems (11 in all); the page lists them"
    assert problems_in(task_html(page, "os/array")) == ["os/array/result.json: holds a JSON array, not a JSON object"]
    # A pending task whose result.json is not an object is still on the page, with its problem.
    assert problems_in(task_html(page, "os/pending-array")) == [
        "os/pending-array/result.json: holds a JSON array, not a JSON object"]
    assert problems_in(task_html(page, "os/string-score")) == [
        'os/string-score/result.json: "score" is "high", not a number from 0 to 1',
        'os/string-score/result.txt: holds "nan", not a score (a number from 0 to 1)']
    assert problems_in(task_html(page, "os/types")) == [
        'os/types/result.json: "status" is ["x"], not a string',
        'os/types/result.json: "instruction" is 5, not a string',
        'os/types/result.json: "error" is {"a": 1}, not a string',
        'os/types/result.json: "steps" is [1], not a whole number from 0',
        'os/types/result.json: "duration_s" is "y", not a number (seconds)',
        'os/types/result.json: "timings_ms" is {"a": "b"}, not an object of numbers (milliseconds)']
    assert problems_in(task_html(page, "os/not-json")) == [
        "os/not-json/result.json line 1: not valid JSON (Expecting property name enclosed in double quotes)"]
    # The totals count what could be read: 2 of 4 finished tasks solved (types and not-json).
    assert re.search(r"<b>50\.0%</b><span>success rate</span>", page)


def test_no_finished_task_shows_a_dash_not_nan(tmp_path):
    task(tmp_path, "os/waiting", result={"task_id": "waiting", "status": "interrupted", "score": 0.0}, score=None)
    (tmp_path / "summary.json").write_text('{"tasks": 0, "finished": 0, "success_rate": NaN, "workers": "x"}')
    done, page = report(tmp_path)
    assert not re.search(r"\bnan\b", page, re.I)
    assert "<b>—</b><span>success rate (no finished tasks)</span>" in page
    # summary.json belongs to no task: its problem is listed in full at the top.
    top = page[page.index('id="problems"'):page.index("<h2>By domain")]
    assert problems_in(top) == ['summary.json: "workers" is "x", not a whole number from 1']


@pytest.mark.parametrize("make", ["missing", "empty", "zero-summary", "file"])
def test_nothing_to_report_is_one_line_and_exit_2(tmp_path, make):
    out = tmp_path / "out"
    if make != "missing":
        out.mkdir()
    if make == "zero-summary":
        (out / "summary.json").write_text('{"tasks": 0, "finished": 0, "success_rate": null}')
    if make == "file":
        out.rmdir()
        out.write_text("not a folder")
    done = gui_agent("report", str(out))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line in (f"error: {out}: no such folder",
                    f"error: {out}: no results here (expected OUT/<domain>/<task_id>/result.json)")


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="needs Chromium")
def test_chromium_shows_the_problems(tmp_path):
    out = tmp_path / "out"
    task(out, "os/broken", result=ok_result(), traj=step(0) + "\n" + step(1, ms="x") + "\n{torn")
    task(out, "os/fine", result=ok_result(), traj=step(0) + "\n")
    report(out)
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    page = (out / "report" / "index.html").as_uri()
    done = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
                           page + "?open=all#os/broken"], capture_output=True, text=True, timeout=60)
    dom = done.stdout
    assert '<span id="shown">2</span>' in dom, done.stderr[-2000:]  # the page's script ran
    broken = re.search(r'<details class="task[^"]*" id="os/broken"[^>]*>', dom).group(0)
    assert " open" in broken and " hidden" not in broken
    assert problems_in(task_html(dom, "os/broken")) == [
        'os/broken/traj.jsonl line 2: "ms" is "x", not an object of numbers (milliseconds)',
        "os/broken/traj.jsonl line 3: cut off (the run was stopped while writing it)"]
