"""`gui-agent cache --fetch` against a real HTTP server on loopback, and `check --json`
counting what can run."""

from __future__ import annotations

import json

from tasks.osworld.cache import FetchError, canonical_path, fetch, find_cached
from tests.doubles.file_server import FileServer
from tests.helpers.cli import gui_agent
from tests.helpers.osworld import task_dict, write_json

DATA = bytes(range(256)) * 2000  # 512 kB, several chunks


def _suite(tmp_path, urls):
    data = task_dict("d")
    data["config"] = [{"type": "download", "parameters": {"files": [
        {"url": u, "path": f"/home/user/f{i}"} for i, u in enumerate(urls)]}}]
    return write_json(tmp_path / "suite" / "os" / "d.json", data)


def test_fetch_downloads_what_is_missing_and_then_nothing_is(tmp_path):
    with FileServer({"/a/My%20File.xlsx": DATA, "/b.txt": b"hello"}) as server:
        urls = [server.url + "/a/My%20File.xlsx", server.url + "/b.txt"]
        suite, cache = _suite(tmp_path, urls), tmp_path / "cache"
        out = gui_agent("cache", str(suite), "--cache-dir", str(cache), "--fetch")
        assert out.returncode == 0, out.stderr
        assert out.stderr.splitlines()[-1] == "2 resources, 2 fetched, 0 failed"
        assert find_cached(cache, urls[0]).read_bytes() == DATA
        assert find_cached(cache, urls[0]).name == "My File.xlsx"
        assert find_cached(cache, urls[1]).read_bytes() == b"hello"
        assert not list(cache.rglob("*.part"))
        again = gui_agent("cache", str(suite), "--cache-dir", str(cache))
        assert (again.returncode, again.stdout) == (0, "")


def test_each_failure_is_one_line_and_the_exit_is_1(tmp_path):
    with FileServer({"/ok.bin": b"ok"}) as server:
        urls = [server.url + "/gone.bin", server.url + "/ok.bin", "http://127.0.0.1:9/refused.bin"]
        out = gui_agent("cache", str(_suite(tmp_path, urls)), "--cache-dir", str(tmp_path / "c"), "--fetch")
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert out.returncode == 1
    assert errors[0] == f"error: {urls[0]}: HTTP 404 Not Found"
    assert errors[1].startswith(f"error: {urls[2]}: cannot connect: ")
    assert len(errors) == 2
    assert out.stderr.splitlines()[-1] == "3 resources, 1 fetched, 2 failed"
    assert find_cached(tmp_path / "c", urls[1]).read_bytes() == b"ok"
    assert "Traceback" not in out.stderr


def test_an_interrupted_download_resumes_where_it_stopped(tmp_path):
    with FileServer({"/big.bin": DATA}) as server:
        url = server.url + "/big.bin"
        server.cut_after["/big.bin"] = 100_000
        try:
            fetch(tmp_path, url)
            raise AssertionError("the cut download should have failed")
        except FetchError as exc:
            assert "run again to resume" in str(exc)
        part = canonical_path(tmp_path, url).with_name("big.bin.part")
        assert part.stat().st_size == 100_000 and find_cached(tmp_path, url) is None
        seen = []
        path = fetch(tmp_path, url, progress=lambda done, total: seen.append((done, total)))
        assert path.read_bytes() == DATA and not part.exists()
        assert server.ranges[-1] == "bytes=100000-"
        assert seen[-1] == (len(DATA), len(DATA)) and seen[0][0] > 100_000


def test_fetch_with_add_is_refused(tmp_path):
    out = gui_agent("cache", "--cache-dir", str(tmp_path), "--add", "https://h/a", "x", "--fetch")
    assert (out.returncode, out.stderr) == (2, "error: --add and --fetch do not go together\n")


def test_check_json_counts_an_all_supported_suite_as_runnable(tmp_path):
    """A suite of one task per newly supported getter/metric/step kind is all runnable; beside
    it, a task with an unknown metric and one with unsafe sudo are valid but not runnable."""
    suite = tmp_path / "suite"
    tasks = {
        "rel": dict(func="check_direct_json_object", result={"type": "rule", "rules": {"expected": {}}},
                    expected={"type": "rule_relativeTime", "rules": {"relativeTime": {"from": "tomorrow"},
                                                                     "expected": {"time": "{Year}"}}}),
        "html": dict(func="check_direct_json_object",
                     result={"type": "active_tab_html_parse", "category": "class", "class_singleObject": {"c": "k"}},
                     expected={"type": "rule", "rules": {"expected": {"k": "v"}}}),
        "audio": dict(func="compare_audios", result={"type": "audio_in_slide", "ppt_file_path": "/home/user/a.pptx",
                                                      "slide_index": 0, "dest": "a.mp3"},
                      expected={"type": "vm_file", "path": "/home/user/b.mp3", "dest": "b.mp3"}),
        "vlc": dict(func="is_vlc_playing", result={"type": "vlc_playing_info", "dest": "s.xml"},
                    expected={"type": "rule", "rules": {"type": "file_name", "file_name": "a.mp4"}}),
        "epub": dict(func=["compare_epub", "compare_htmls"],
                     result=[{"type": "vm_file", "path": "/home/user/a.epub", "dest": "a.epub"},
                             {"type": "vm_file", "path": "/home/user/a.html", "dest": "a.html"}],
                     expected=[{"type": "vm_file", "path": "/home/user/b.epub", "dest": "b.epub"},
                               {"type": "vm_file", "path": "/home/user/b.html", "dest": "b.html"}]),
        "a11y": dict(func="check_accessibility_tree", result={"type": "accessibility_tree"},
                     expected={"type": "rule", "rules": [{"xpath": "//frame"}]}),
    }
    for name, evaluator in tasks.items():
        write_json(suite / "ok" / f"{name}.json", task_dict(name, **evaluator))
    sudo = task_dict("sudo")
    sudo["config"] = [{"type": "execute", "parameters": {
        "command": "echo {CLIENT_PASSWORD} | sudo -S apt-get update && echo {CLIENT_PASSWORD} | sudo -S apt-get "
                   "install -y jq", "shell": True}}]
    write_json(suite / "ok" / "sudo.json", sudo)
    history = task_dict("history")
    history["config"] = [{"type": "update_browse_history", "parameters": {"history": [
        {"url": "https://a.org/", "title": "A", "visit_time_from_now_in_seconds": 60}]}}]
    write_json(suite / "ok" / "history.json", history)
    out = gui_agent("check", str(suite / "ok"), "--json")
    assert (out.returncode, json.loads(out.stdout.splitlines()[-1])) == \
        (0, {"tasks": 8, "valid": 8, "runnable": 8, "unsupported": {}}), out.stderr

    write_json(suite / "no" / "unknown.json", task_dict("unknown", func="no_such_metric"))
    rooted = task_dict("rooted")
    rooted["config"] = [{"type": "execute", "parameters": {"command": "echo x | sudo -S rm -rf /opt/x",
                                                           "shell": True}}]
    write_json(suite / "no" / "rooted.json", rooted)
    out = gui_agent("check", str(suite), "--json")
    assert json.loads(out.stdout.splitlines()[-1]) == {
        "tasks": 10, "valid": 10, "runnable": 8, "unsupported": {"config:sudo": 1, "metric:no_such_metric": 1}}
