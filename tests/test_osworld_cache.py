"""The local file cache: its three layouts, adding files, and `gui-agent cache` listing what a
suite misses."""

from __future__ import annotations

import hashlib

import pytest

from tasks.osworld.cache import add, canonical_path, find_cached, url_key
from tests.helpers.cli import gui_agent
from tests.helpers.osworld import task_dict, write_json

URL = "https://huggingface.co/datasets/x/resolve/main/os/abc/My%20File.xlsx"


def test_key_is_the_sha256_of_the_url():
    assert url_key(URL) == hashlib.sha256(URL.encode()).hexdigest()


def test_the_three_layouts(tmp_path):
    assert find_cached(tmp_path, URL) is None and find_cached(None, URL) is None
    flat = tmp_path / url_key(URL)
    flat.write_bytes(b"flat")
    assert find_cached(tmp_path, URL) == flat
    flat.unlink()
    mirror = tmp_path / "huggingface.co/datasets/x/resolve/main/os/abc/My File.xlsx"
    mirror.parent.mkdir(parents=True)
    mirror.write_bytes(b"mirror")
    assert find_cached(tmp_path, URL) == mirror
    placed = add(tmp_path, URL, mirror)
    assert placed == canonical_path(tmp_path, URL) == tmp_path / url_key(URL) / "My File.xlsx"
    assert find_cached(tmp_path, URL) == placed  # the canonical layout comes first


def test_the_command_lists_missing_urls_and_adds_files(tmp_path):
    data = task_dict("d")
    data["config"] = [{"type": "download", "parameters": {"files": [
        {"url": URL, "path": "/home/user/a.xlsx"}, {"url": URL + "2", "path": "/home/user/b.xlsx"}]}}]
    suite = write_json(tmp_path / "suite" / "os" / "d.json", data)
    cache = tmp_path / "cache"
    out = gui_agent("cache", str(suite), "--cache-dir", str(cache))
    assert out.returncode == 1  # the listing worked; the cache is not complete
    assert out.stdout.splitlines() == [f"{URL}\t{canonical_path(cache, URL)}",
                                       f"{URL}2\t{canonical_path(cache, URL + '2')}"]
    assert out.stderr == "2 resources, 2 missing\n"
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"x")
    added = gui_agent("cache", "--cache-dir", str(cache), "--add", URL, str(src))
    assert (added.returncode, added.stdout) == (0, f"{canonical_path(cache, URL)}\n")
    assert gui_agent("cache", str(suite), "--cache-dir", str(cache)).stdout == f"{URL}2\t{canonical_path(cache, URL + '2')}\n"
    gui_agent("cache", "--cache-dir", str(cache), "--add", URL + "2", str(src))
    done = gui_agent("cache", str(tmp_path / "suite"), "--cache-dir", str(cache))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "2 resources, 0 missing\n")


@pytest.mark.parametrize("args, error", [
    ([], "error: give task files or folders to list what they need, or --add URL FILE"),
    (["--add", URL, "absent.xlsx"], "error: --add: absent.xlsx: no such file"),
    (["--add", "not a url", "a.xlsx"], "error: --add: 'not a url' is not a URL like https://host/path"),
    (["--add", URL, "a.xlsx", "suite"], "error: --add takes no task files; list what is missing in a second call"),
    (["absent.json"], "error: absent.json: no such file or folder"),
])
def test_input_mistakes_are_one_line_and_exit_2(tmp_path, args, error):
    (tmp_path / "a.xlsx").write_bytes(b"x")
    out = gui_agent("cache", "--cache-dir", "cache", *args, cwd=tmp_path)
    assert (out.returncode, out.stderr.splitlines()[0]) == (2, error), out.stderr
    assert "Traceback" not in out.stderr


def test_a_broken_task_file_is_named_and_the_rest_still_listed(tmp_path):
    data = task_dict("d")
    data["config"] = [{"type": "download", "parameters": {"files": [{"url": URL, "path": "/home/user/a.xlsx"}]}}]
    write_json(tmp_path / "suite" / "os" / "d.json", data)
    write_json(tmp_path / "suite" / "os" / "broken.json", {**task_dict("broken"), "instruction": 3})
    out = gui_agent("cache", str(tmp_path / "suite"), "--cache-dir", str(tmp_path / "cache"))
    assert out.returncode == 2
    assert out.stdout.startswith(URL + "\t")
    assert "broken.json" in out.stderr.splitlines()[0]
