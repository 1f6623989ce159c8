"""The local file cache: its three layouts, adding files, and listing what a suite misses."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from osworld_fixtures import task_dict, write_json

from tasks.osworld.cache import add, canonical_path, find_cached, url_key

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
    run = [sys.executable, "-m", "tasks.osworld.cache", "--cache", str(cache)]
    out = subprocess.run(run + [str(suite)], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stdout.splitlines() == [f"{URL}\t{canonical_path(cache, URL)}",
                                       f"{URL}2\t{canonical_path(cache, URL + '2')}"]
    assert "2 resources, 2 missing" in out.stderr
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"x")
    for url in (URL, URL + "2"):
        subprocess.run(run + ["--add", url, str(src)], check=True, capture_output=True)
    assert subprocess.run(run + [str(suite)], capture_output=True, text=True).returncode == 0
