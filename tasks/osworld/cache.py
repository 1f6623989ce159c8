"""The local cache of files OSWorld tasks download, since workers may have no internet.

A file for URL u is looked for in the cache folder, in this order:

1. `<cache>/<sha256(u)>/<any single file>`   the canonical layout (`add()` writes it, keeping
   the file's own name so a person can see what is there);
2. `<cache>/<sha256(u)>`                      a flat file named by the hash alone;
3. `<cache>/<host>/<path>`                    a mirror as `wget -x` lays it out, e.g.
   `huggingface.co/datasets/xlangai/ubuntu_osworld_file_cache/resolve/main/os/<id>/setup.sh`.

sha256(u) is the hex digest of the URL's UTF-8 bytes, exactly as the task file writes it.
`gui-agent cache` (agent/commands/cache.py) lists what a suite misses and adds files.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse


def url_key(url: str) -> str:
    """The cache key of a URL: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def url_file_name(url: str) -> str:
    """The file name a URL names (its last path segment, percent-decoded), or 'download'."""
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])
    return name or "download"


def find_cached(cache_dir: Path | str | None, url: str) -> Path | None:
    """The cached file for `url`, or None when the cache does not hold it."""
    if not cache_dir:
        return None
    root = Path(cache_dir)
    key = url_key(url)
    folder = root / key
    if folder.is_dir():
        files = [p for p in folder.iterdir() if p.is_file()]
        named = folder / url_file_name(url)
        if named.is_file():
            return named
        if len(files) == 1:
            return files[0]
    elif folder.is_file():
        return folder
    parsed = urlparse(url)
    if parsed.netloc and parsed.path:
        mirror = root / parsed.netloc / unquote(parsed.path).lstrip("/")
        if mirror.is_file() and root.resolve() in mirror.resolve().parents:
            return mirror
    return None


def canonical_path(cache_dir: Path | str, url: str) -> Path:
    """Where `add()` puts the file for `url`."""
    return Path(cache_dir) / url_key(url) / url_file_name(url)


def add(cache_dir: Path | str, url: str, source: Path | str) -> Path:
    """Copy `source` into the cache as the file for `url`; returns its cached path."""
    target = canonical_path(cache_dir, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target


def missing(cache_dir: Path | str, urls: Iterable[str]) -> list[str]:
    """The URLs, each once and in order, whose file the cache does not hold."""
    return [u for u in dict.fromkeys(urls) if find_cached(cache_dir, u) is None]


if __name__ == "__main__":  # the command this module used to be: say where it went, do not succeed silently
    import sys

    print("error: listing and adding cache files is now `gui-agent cache PATH... --cache-dir DIR` "
          "(gui-agent cache --help)", file=sys.stderr)
    sys.exit(2)
