"""`gui-agent report OUT` on real runs: the page's structure, its escaping of model text, and
what headless Chromium actually shows (the marks drawn on screenshots, the filters working)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from agent.report.assets import JS, script_hash
from tests.helpers.batch import HOSTILE_THOUGHT, needs_apps, needs_suite_apps
from tests.helpers.cli import gui_agent

pytestmark = [pytest.mark.slow, needs_apps, needs_suite_apps]
MARK = (0xFF, 0x1F, 0x8E)


class Page(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _report(out: Path) -> tuple[Path, str]:
    done = gui_agent("report", str(out))
    assert done.returncode == 0, done.stderr
    page = out / "report" / "index.html"
    assert f"report: {page}" in done.stdout
    return page, page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def suite(mixed_suite):
    run = mixed_suite
    assert run.proc.returncode == 0, run.proc.stderr[-2000:]
    return run, *_report(run.out)


def test_every_task_and_step_is_on_the_page(suite):
    run, path, text = suite
    page = Page(text)
    tasks = page.find("details")
    tasks = [a for a in tasks if "task" in a.get("class", "").split()]
    assert {a["id"] for a in tasks} == set(run.results)
    assert {a["id"]: a["data-outcome"] for a in tasks}["os/os-odd-metric"] == "skipped"
    assert {a["id"]: a["data-outcome"] for a in tasks}["libreoffice_calc/calc-order-totals-wrong"] == "failed"
    images = page.find("img")
    steps = sum(r["steps"] for r in run.results.values() if r["status"] not in ("unsupported", "no_replay"))
    assert len(images) == steps == len([a for a in page.find("svg") if a.get("class") == "overlay"])
    for img in images:  # relative links into the results, every one of them there
        assert img["src"].startswith("../") and (path.parent / img["src"]).resolve().is_file()
    # Chromium form: click, type, tab, ctrl+a, type, click -> two rings, four captions.
    chrome = _task_html(text, "chrome/chrome-signup-form")
    assert chrome.count('class="ring"') == 2 and chrome.count('class="captext"') == 4
    assert "type &quot;Ada Lovelace&quot;" in chrome and "key ctrl+a" in chrome
    # The wrong list: click, type, double click, drag, scroll, right click, esc, ctrl+s.
    marks = _task_html(text, "mousepad/mousepad-list-wrong")
    assert marks.count('class="arrow"') == 2 and ">×2<" in marks and ">right<" in marks
    assert "scroll down 3 at (640, 420)" in marks and "drag from (340, 240) to (520, 262)" in marks


def _task_html(text: str, key: str) -> str:
    part = text[text.index(f'id="{key}"'):]
    return part[:part.index("</details>")]


def test_summary_by_domain_and_the_one_script_allowed(suite):
    run, path, text = suite
    page = Page(text)
    domains = [a["data-domain-filter"] for a in page.find("button") if "data-domain-filter" in a]
    assert domains == ["chrome", "libreoffice_calc", "mousepad", "notes", "os"]
    assert len(page.find("script")) == 1 and page.scripts == [JS]
    (csp,) = [a["content"] for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert f"script-src {script_hash()}" in csp and "default-src 'none'" in csp


def test_files_a_real_batch_wrote_have_no_problems(suite):
    run, path, text = suite
    assert 'id="problems"' not in text and 'class="warn"' not in text and "nan%" not in text
    again = gui_agent("report", str(run.out))
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_model_text_is_escaped(model_batch):
    run = model_batch
    assert run.proc.returncode == 0, run.proc.stderr[-2000:]
    path, text = _report(run.out)
    page = Page(text)
    assert len(page.find("script")) == 1 and page.find("img", src="x") == []
    assert not [(t, k) for t, attrs in page.tags for k in attrs if k.startswith("on")], "an event handler got in"
    assert 'alert("reply")' not in text and "<script>alert" not in text
    escaped = HOSTILE_THOUGHT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert escaped in text
    assert "&lt;script&gt;alert(&quot;instruction&quot;)&lt;/script&gt;" in text


def _chromium(args: list[str], tmp: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_chromium_shows_the_marks_on_the_screenshots(suite, tmp_path):
    run, path, text = suite
    shot = tmp_path / "page.png"
    done = _chromium(["--window-size=1280,1800", "--virtual-time-budget=3000", f"--screenshot={shot}",
                      f"{path.as_uri()}?domain=chrome&open=all"], tmp_path)
    assert shot.is_file(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 500, "the page looks blank"
    marks = sum(n for n, (r, g, b) in colours
                if abs(r - MARK[0]) < 40 and abs(g - MARK[1]) < 40 and abs(b - MARK[2]) < 40)
    assert marks > 100, f"only {marks} pixels of the mark colour"
    # The screenshots themselves loaded (the browser window's blue title bar is in them).
    assert sum(n for n, (r, g, b) in colours if b > 200 and r < 230 and g < 240 and b - r > 15) > 500


def test_the_filters_run_in_the_browser(suite, tmp_path):
    run, path, text = suite
    done = _chromium(["--virtual-time-budget=3000", "--dump-dom", f"{path.as_uri()}?outcome=failed"], tmp_path)
    dom = done.stdout
    tags = re.findall(r'<details class="task[^"]*"[^>]*>', dom)
    assert len(tags) == len(run.results)
    shown = [t for t in tags if " hidden" not in t]
    assert len(shown) == 3 and all('data-outcome="failed"' in t for t in shown)
    assert re.search(r'<span id="shown">3</span>', dom)


def test_report_refuses_a_folder_without_results(tmp_path):
    empty = gui_agent("report", str(tmp_path))
    missing = gui_agent("report", str(tmp_path / "nope"))
    assert (empty.returncode, missing.returncode) == (2, 2)
    assert "no results" in empty.stderr and "no such folder" in missing.stderr
