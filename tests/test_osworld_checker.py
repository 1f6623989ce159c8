"""Whole OSWorld tasks: set-up from the cache, the agent's work, postconfig, getters, metrics,
conj and infeasible, on real files and real commands."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.actions import Done, Wait
from tasks.osworld import load_osworld
from tasks.osworld.chrome import profile_dir
from tasks.osworld.getters import apps, browser, commands, files
from tasks.osworld.paths import eval_dir
from tasks.task import CheckError, MissingResource
from tests.helpers.osworld import cache_put, make_ctx, make_xlsx, task_dict, write_json

GOLD = "https://example.org/cache/calc/gold.xlsx"
START = "https://example.org/cache/calc/start.xlsx"
ROWS = [["Item", "Qty"], ["pen", 2], ["ink", 3]]


def run_setup(task, ctx):
    for step in task.setup:
        step.run(ctx)


@pytest.fixture
def ctx(tmp_path):
    c = make_ctx(tmp_path)
    yield c
    c.close()


@pytest.fixture
def calc_task(tmp_path, ctx):
    """An OSWorld-format spreadsheet task whose files sit in the context's cache."""
    cache_put(ctx, START, make_xlsx(tmp_path / "start.xlsx", ROWS[:2]))
    cache_put(ctx, GOLD, make_xlsx(tmp_path / "gold.xlsx", ROWS))
    data = task_dict("calc1", func="compare_table",
                     result={"type": "vm_file", "path": "/home/user/Desktop/order.xlsx", "dest": "order.xlsx"},
                     expected={"type": "cloud_file", "path": GOLD, "dest": "order_gold.xlsx"},
                     options={"rules": [{"type": "sheet_data", "sheet_idx0": 0, "sheet_idx1": "EI0"}]})
    data["config"] = [{"type": "download", "parameters": {"files": [
        {"url": START, "path": "/home/user/Desktop/order.xlsx"}]}}]
    [task] = load_osworld(write_json(tmp_path / "tasks" / "libreoffice_calc" / "calc1.json", data))
    return task


def test_a_solved_spreadsheet_task_scores_1_and_an_unsolved_one_0(calc_task, ctx, tmp_path):
    run_setup(calc_task, ctx)
    desk = Path(ctx.env["HOME"]) / "Desktop" / "order.xlsx"
    assert calc_task.checker.score(ctx) == 0.0  # as set up: one row missing
    make_xlsx(desk, ROWS)  # what the agent would have done in Calc
    assert calc_task.checker.score(ctx) == 1.0
    assert (eval_dir(ctx) / "order_gold.xlsx").is_file()  # copies under their dest names
    assert ctx.extra["osworld_metrics"][-1] == {"func": "compare_table", "score": 1.0}
    desk.unlink()
    assert calc_task.checker.score(ctx) == 0.0  # no result file


def test_missing_files_stop_the_task_before_it_starts(calc_task, ctx):
    shutil.rmtree(ctx.cache_dir)
    ctx.cache_dir.mkdir()
    with pytest.raises(MissingResource) as err:
        run_setup(calc_task, ctx)
    assert err.value.url in (START, GOLD)
    with pytest.raises(CheckError, match="expected file not in the cache"):
        calc_task.checker.score(ctx)


def _task(tmp_path, **evaluator):
    [task] = load_osworld(write_json(tmp_path / "t" / "os" / "x.json", task_dict("x", **evaluator)))
    assert task.unsupported == []
    return task


def cmd(text):
    return {"type": "vm_command_line", "command": text, "shell": True}


def rule(value):
    return {"type": "rule", "rules": {"expected": value}}


def test_postconfig_runs_before_the_getters(tmp_path, ctx):
    task = _task(tmp_path, func="exact_match", result=cmd("cat ~/saved.txt"), expected=rule("saved\n"),
                 postconfig=[{"type": "execute", "parameters": {
                     "command": ["python", "-c", "open('/home/user/saved.txt', 'w').write('saved\\n')"]}},
                             {"type": "sleep", "parameters": {"seconds": 0.1}}])
    assert task.checker.score(ctx) == 1.0


@pytest.mark.parametrize("conj,values,score", [
    ("and", ["a", "b"], 1.0), ("and", ["a", "z"], 0.0), ("or", ["z", "b"], 1.0), ("or", ["y", "z"], 0.0)])
def test_conj_and_or(tmp_path, ctx, conj, values, score):
    task = _task(tmp_path, func=["exact_match", "exact_match"], conj=conj,
                 result=[cmd("printf a"), cmd("printf b")], expected=[rule(v) for v in values])
    assert task.checker.score(ctx) == score


def test_and_averages_partial_scores(tmp_path, ctx):
    (Path(ctx.env["HOME"]) / "a.txt").write_text("kitten")
    task = _task(tmp_path, func=["exact_match", "fuzzy_match"], result=[cmd("printf a"), cmd("cat a.txt")],
                 expected=[rule("a"), rule("sitting")])
    score = task.checker.score(ctx)
    assert 0.5 < score < 1.0


def test_infeasible_scores_only_a_declared_failure(tmp_path, ctx):
    [task] = load_osworld(write_json(tmp_path / "i.json", {"id": "i", "instruction": "fly", "evaluator": {
        "func": "infeasible"}}))
    assert task.checker.score(ctx) == 0.0
    ctx.decided.append(Done(status="success"))  # what the episode decided, last action last
    assert task.checker.score(ctx) == 0.0
    ctx.decided.append(Done(status="failure", message="cannot be done"))
    assert task.checker.score(ctx) == 1.0
    feasible = _task(tmp_path, func="exact_match", result=cmd("printf x"), expected=rule("x"))
    assert feasible.checker.score(ctx) == 0.0  # giving up on a feasible task scores 0
    ctx.decided.append(Wait())
    assert feasible.checker.score(ctx) == 1.0


def test_a_metric_that_fails_is_a_check_error_with_its_reason(tmp_path, ctx):
    make_xlsx(Path(ctx.env["HOME"]) / "a.xlsx", ROWS)
    task = _task(tmp_path, func="check_json", result={"type": "vm_file", "path": "/home/user/a.xlsx", "dest": "a"},
                 expected={"type": "rule", "rules": {"expect": [{"key": ["k"], "method": "bogus", "ref": 1}]}})
    (Path(ctx.env["HOME"]) / "a.xlsx").write_text('{"k": 1}')
    with pytest.raises(CheckError, match="check_json: ValueError: unknown rule method 'bogus'"):
        task.checker.score(ctx)


def test_command_and_file_getters(tmp_path, ctx):
    home = Path(ctx.env["HOME"])
    assert commands.vm_command_line(ctx, {"command": ["python", "-c", "print(2 + 2)"]}) == "4\n"
    assert commands.vm_command_error(ctx, {"command": "echo oops >&2", "shell": True}) == "oops\n"
    assert commands.vm_command_line(ctx, {"command": ["no-such-program-xyz"]}) is None
    assert commands.rule(ctx, {"type": "rule", "rules": {"a": 1}}) == {"a": 1}
    (home / "Desktop" / "cpjpg").mkdir(parents=True)
    (home / "Desktop" / "cpjpg" / "a.jpg").write_bytes(b"x")
    tree = files.list_directory(ctx, {"path": "/home/user/Desktop/cpjpg"})
    assert tree == {"type": "directory", "name": "cpjpg", "children": [{"type": "file", "name": "a.jpg"}]}
    make_xlsx(home / "t.xlsx", ROWS)
    assert files.content_from_vm_file(ctx, {"path": "/home/user/t.xlsx", "file_type": "xlsx",
                                            "file_content": "last_row"}) == ["ink", "3"]
    (home / "a.txt").write_text("A")
    got = files.vm_file(ctx, {"path": ["/home/user/a.txt", "/home/user/none.txt", "/home/user/a.txt"],
                              "dest": ["a1.txt", "none.txt", "a2.txt"], "multi": True, "gives": [0, 1]})
    assert got == [str(eval_dir(ctx) / "a1.txt"), None] and (eval_dir(ctx) / "a2.txt").is_file()


def test_execute_stdout_is_read_back_by_cache_file(tmp_path, ctx):
    task = _task(tmp_path, func="check_list", result={"type": "cache_file", "path": "diff.out"},
                 expected={"type": "rule", "rules": {"expect": ["^same$"], "unexpect": ["differ"]}},
                 postconfig=[{"type": "execute", "parameters": {"command": "echo same", "shell": True,
                                                                "stdout": "diff.out"}}])
    assert task.checker.score(ctx) == 1.0


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_terminal_output_reads_the_tasks_tmux_terminal(ctx):
    assert commands.vm_terminal_output(ctx, {}) is None
    sock = str(Path(ctx.env["HOME"]) / commands.TMUX_SOCKET)
    subprocess.run(["tmux", "-S", sock, "new-session", "-d", "-x", "80", "-y", "10", "sh"], env=ctx.env, check=True)
    try:
        subprocess.run(["tmux", "-S", sock, "send-keys", "echo 43 132", "Enter"], env=ctx.env, check=True)
        for _ in range(50):
            out = commands.vm_terminal_output(ctx, {}) or ""
            if out.count("43 132") >= 2:
                break
            subprocess.run(["sleep", "0.1"])
        assert out.rstrip().endswith("43 132") or "43 132\n" in out
    finally:
        subprocess.run(["tmux", "-S", sock, "kill-server"], env=ctx.env)


def test_screen_size_comes_from_the_display(ctx, xvfb_display):
    ctx.env["DISPLAY"] = xvfb_display
    assert commands.vm_screen_size(ctx, {}) == {"width": 1280, "height": 800}


@pytest.mark.slow
def test_browser_profile_getters(ctx):
    default = profile_dir(ctx) / "Default"
    default.mkdir(parents=True)
    (default / "Preferences").write_text(json.dumps({
        "enable_do_not_track": True, "profile": {"name": "Work"}, "session": {"restore_on_startup": 5},
        "default_search_provider_data": {"template_url_data": {"short_name": "Bing"}},
        "webkit": {"webprefs": {"default_font_size": 20}},
        "extensions": {"settings": {"abc": {"path": "/home/user/ext", "manifest": {"name": "Helper"}}}}}))
    (default / "Bookmarks").write_text(json.dumps({"roots": {"bookmark_bar": {"children": []}}}))
    with sqlite3.connect(default / "History") as conn:
        conn.execute("create table urls (url text, title text, last_visit_time int)")
        conn.execute("insert into urls values ('https://a.org', 'A', 1)")
    assert browser.enable_do_not_track(ctx, {}) == "true" and browser.enable_safe_browsing(ctx, {}) == "false"
    assert browser.profile_name(ctx, {}) == "Work" and browser.default_search_engine(ctx, {}) == "Bing"
    assert browser.new_startup_page(ctx, {}) == "true"
    assert browser.data_delete_automacally(ctx, {}) == "false"
    assert browser.chrome_font_size(ctx, {}) == {"default_font_size": 20}
    assert browser.find_unpacked_extension_path(ctx, {}) == ["/home/user/ext"]
    assert browser.find_installed_extension_name(ctx, {}) == ["Helper"]
    assert browser.bookmarks(ctx, {}) == {"bookmark_bar": {"children": []}}
    assert browser.history(ctx, {"dest": "History"}) == [("https://a.org", "A", 1)]
    assert browser.cookie_data(ctx, {"dest": "Cookies"}) is None
    assert browser.open_tabs_info(ctx, {}) == []  # no browser running


def test_app_settings_getters(ctx):
    home = Path(ctx.env["HOME"])
    (home / ".config" / "vlc").mkdir(parents=True)
    (home / ".config" / "vlc" / "vlcrc").write_text("qt-bgcone=0\n")
    assert Path(apps.vlc_config(ctx, {"dest": "vlcrc"})).read_text() == "qt-bgcone=0\n"
    assert apps.gimp_config_file(ctx, {"file_name": "gimprc", "dest": "gimprc"}) is None


def test_scoring_never_imports_what_it_does_not_use(tmp_path):
    path = write_json(tmp_path / "x.json", task_dict("x", result=cmd("printf x"), expected=rule("x")))
    code = ("import sys; from tasks.osworld import load_osworld; from tasks.task import TaskContext; "
            f"t = load_osworld({str(path)!r})[0]; import tempfile, pathlib; d = pathlib.Path(tempfile.mkdtemp()); "
            "c = TaskContext(workdir=d, env={'HOME': str(d), 'PATH': '/usr/bin:/bin'}); print(t.checker.score(c)); "
            "print([m for m in ('pandas', 'openpyxl', 'docx', 'pptx', 'pypdf') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["1.0", "[]"]
