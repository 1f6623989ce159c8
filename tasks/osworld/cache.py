"""The local cache of files OSWorld tasks download, since workers may have no internet.

A file for URL u is looked for in the cache folder, in this order:

1. `<cache>/<sha256(u)>/<any single file>`   the canonical layout (`add()` writes it, keeping
   the file's own name so a person can see what is there);
2. `<cache>/<sha256(u)>`                      a flat file named by the hash alone;
3. `<cache>/<host>/<path>`                    a mirror as `wget -x` lays it out, e.g.
   `huggingface.co/datasets/xlangai/ubuntu_osworld_file_cache/resolve/main/os/<id>/setup.sh`.

sha256(u) is the hex digest of the URL's UTF-8 bytes, exactly as the task file writes it.
`gui-agent cache` (agent/commands/cache.py) lists what a suite misses, adds files, and on a
connected machine downloads them (`fetch()`).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable
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
        # a `.part` is a download still under way (fetch), never the file itself
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".part")]
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


class FetchError(Exception):
    """A download that failed; the message is one line saying why."""


CHUNK = 1 << 16


def fetch(cache_dir: Path | str, url: str, progress: Callable[[int, int | None], None] | None = None,
          timeout: float = 60.0) -> Path:
    """Download `url` into the cache (canonical layout) and return its path.

    The bytes go to `<name>.part` beside the target and are renamed into place only when
    complete, so a reader never sees half a file; a `.part` left by an interrupted download is
    resumed with an HTTP Range request (restarted when the server ignores it). `progress(done,
    total)` is called as bytes arrive (total None when the server does not say)."""
    import http.client
    import urllib.error
    import urllib.request

    target = canonical_path(cache_dir, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "gui-agent-cache"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        reply = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the part is already whole
            part.replace(target)
            return target
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"cannot connect: {getattr(exc, 'reason', exc)}") from None
    with reply:
        resumed = have and reply.status == 206
        if not resumed:
            have = 0
        length = reply.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else None
        done = have
        try:
            with open(part, "ab" if resumed else "wb") as out:
                while chunk := reply.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
        except (OSError, http.client.HTTPException) as exc:  # the connection dropped: keep the part to resume later
            raise FetchError(f"interrupted after {done} bytes ({exc}); run again to resume") from None
    if total is not None and done != total:
        raise FetchError(f"incomplete: {done} of {total} bytes; run again to resume")
    part.replace(target)
    return target


def missing(cache_dir: Path | str, urls: Iterable[str]) -> list[str]:
    """The URLs, each once and in order, whose file the cache does not hold."""
    return [u for u in dict.fromkeys(urls) if find_cached(cache_dir, u) is None]


if __name__ == "__main__":  # the command this module used to be: say where it went, do not succeed silently
    import sys

    print("error: listing and adding cache files is now `gui-agent cache PATH... --cache-dir DIR` "
          "(gui-agent cache --help)", file=sys.stderr)
    sys.exit(2)
