"""OSWorld's own evaluator functions, for differential tests against ours.

`reference("metric", "compare_table")` returns OSWorld's function of that name, loaded from the
desktop-env 1.0.2 wheel (PyPI). The wheel is never pip-installed: its declared dependencies pin
torch 2.5 and transformers 4.35. It is downloaded once (`pip download --no-deps`) into a cache
folder ($GUI_AGENT_TEST_CACHE, else ~/.cache/gui-agent-tests/), unzipped, and each module is
loaded by path under a private package name (`_osworld_ref_desktop_env`), so that nothing of it
is importable as `desktop_env` from our code.

OSWorld's modules import libraries at the top that most of their metrics never touch (easyocr,
borb, playwright...). Those in STUBBED that are absent here are replaced, only while one of
its modules is being executed and only for its own import statements, by stubs whose every
use raises `StubUsed`: a metric that reaches a stub fails its test loudly instead of scoring.
Nothing stays in sys.modules under a public name. What decides a compared score is real: the
test environment needs formulas, xmltodict, cssselect, pytz, scikit-image and odfpy besides
our own osworld extra.

Without the wheel (no network, pip failing) the tests skip, saying why; with CI=true they fail.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import threading
import types
import zipfile
from pathlib import Path
from typing import Callable

import pytest

VERSION = "1.0.2"
WHEEL = f"desktop_env-{VERSION}-py3-none-any.whl"
PRIVATE = "_osworld_ref_desktop_env"
_PUBLIC = "desktop_env"
_AREAS = {"metric": "metrics", "getter": "getters"}

SHA256 = "302831c776141a6710cbe8805c7ee67b27362c06be782765ee21ad3bd340f594"
"""Of the wheel as PyPI serves it: the reference is exactly that file."""

# Stubbed when absent, because no compared score goes through them (why, for each):
STUBBED = {
    "easyocr": "OCR in docs.compare_image_text; not compared",
    "borb": "chrome.compare_pdf_images' PDF reader; not compared",
    "imagehash": "chrome.compare_pdf_images; not compared",
    "odf": "docs' .odt readers: only check_highlighted_words, whose test needs odfpy real",
    "skimage": "deltaE/SSIM in docs and gimp: those tests need scikit-image real",
    "pdfplumber": "general.is_gold_text_included_in_pdf; not compared",
    "acoustid": "vlc audio fingerprints; not compared",
    "PyPDF2": "vscode.compare_pdf_content (PDFs inside zips); not compared",
    "playwright": "getters.chrome drives a live browser over CDP; not comparable offline",
    "pydrive": "getters.chrome Google Drive downloads; not comparable offline",
}


class StubUsed(BaseException):
    """An OSWorld function reached a library that is only stubbed here. Not an Exception:
    OSWorld's metrics wrap much in `except Exception: return 0`, which must not turn a stub
    into a score."""


class _Stub(types.ModuleType):
    """A module (and everything in it) that loads fine and raises on any real use."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__path__ = []  # a package, so `from x.y import z` finds submodules

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _stub_object(f"{self.__name__}.{attr}")


def _stub_object(qualname: str):
    def _fail(*_a, **_k):
        raise StubUsed(f"{qualname} is stubbed in the reference loader (absent here)")

    # A class, so module-level `class X(stubbed.Base)` and annotations still work.
    return type(qualname.rsplit(".", 1)[-1], (), {"__new__": lambda cls, *a, **k: _fail(),
                                                  "__qualname__": qualname, "__call__": _fail,
                                                  "__getattr__": lambda self, a: _fail()})


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path during a load: only names no real finder could find."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in STUBBED and _imported_by_osworld():
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Stub(spec.name)

    def exec_module(self, module):
        pass


def _imported_by_osworld() -> bool:
    """Whether the import statement being served is in one of OSWorld's modules: a real
    library probing for an optional dependency must see it absent, not stubbed."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
        frame = frame.f_back
    name = frame.f_globals.get("__name__", "") if frame is not None else ""
    return name.split(".")[0] in (PRIVATE, _PUBLIC) or isinstance(sys.modules.get(name.split(".")[0]), _Stub)


class _TreeFinder(importlib.abc.MetaPathFinder):
    """Maps the private package (always) and `desktop_env` (only during a load) onto the
    unzipped wheel; executing one of its modules opens the loading scope."""

    def __init__(self, root: Path):
        self.root = root
        self.loading = 0

    def find_spec(self, fullname, path=None, target=None):
        top, _, rest = fullname.partition(".")
        if top == PRIVATE:
            pass
        elif top == _PUBLIC and self.loading:
            private = f"{PRIVATE}.{rest}" if rest else PRIVATE
            importlib.import_module(private)  # one module object under both names while loading
            spec = importlib.machinery.ModuleSpec(fullname, _Alias(sys.modules[private]))
            return spec
        else:
            return None
        parts = rest.split(".") if rest else []
        base = self.root.joinpath(_PUBLIC, *parts)
        if (base / "__init__.py").is_file():
            # Packages are empty shells: their __init__ imports every sibling (and its deps).
            spec = importlib.machinery.ModuleSpec(fullname, _EmptyPackage(), is_package=True)
            spec.submodule_search_locations = [str(base)]
            return spec
        file = base.with_suffix(".py")
        if file.is_file():
            return importlib.util.spec_from_file_location(fullname, file, loader=_Scoped(fullname, str(file), self))
        return None


class _Alias(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


class _EmptyPackage(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        pass


class _Scoped(importlib.machinery.SourceFileLoader):
    """Executes one OSWorld module with `desktop_env` aliased and stubs available, then
    removes the alias and the stubs from sys.modules."""

    def __init__(self, fullname, path, finder: _TreeFinder):
        super().__init__(fullname, path)
        self.finder = finder

    def exec_module(self, module):
        with _LOCK:
            outer = self.finder.loading == 0
            before = set(sys.modules) if outer else None
            if outer:
                sys.meta_path.append(_STUBS)
            self.finder.loading += 1
            try:
                super().exec_module(module)
            finally:
                self.finder.loading -= 1
                if outer:
                    sys.meta_path.remove(_STUBS)
                    for name in set(sys.modules) - before:
                        if name.split(".")[0] == _PUBLIC or isinstance(sys.modules[name], _Stub):
                            del sys.modules[name]


_LOCK = threading.RLock()
_STUBS = _StubFinder()
_finder: _TreeFinder | None = None
_problem: str | None = None


def cache_dir() -> Path:
    return Path(os.environ.get("GUI_AGENT_TEST_CACHE") or Path.home() / ".cache" / "gui-agent-tests")


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"OSWorld reference (desktop-env {VERSION}) unavailable: {why}")
    pytest.skip(f"OSWorld reference (desktop-env {VERSION}) unavailable: {why}")


def wheel_root() -> Path:
    """The unzipped wheel (downloaded on first use); skips/fails the test when it cannot be had."""
    global _problem
    if _problem:
        _unavailable(_problem)
    folder = cache_dir() / f"desktop_env-{VERSION}"
    if (folder / _PUBLIC / "evaluators" / "metrics" / "__init__.py").is_file():
        return folder
    wheel = cache_dir() / WHEEL
    if not wheel.is_file():
        cache_dir().mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-d", str(cache_dir()), f"desktop-env=={VERSION}"]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            _problem = f"pip download failed: {exc}"
            _unavailable(_problem)
        if run.returncode != 0 or not wheel.is_file():
            tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            _problem = f"pip download failed: {tail[0]}"
            _unavailable(_problem)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != SHA256:
        _problem = f"{wheel} has sha256 {digest}, not PyPI's {SHA256}; delete it to fetch it again"
        _unavailable(_problem)
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(partial)
    try:
        partial.rename(folder)
    except OSError:  # another process unpacked it first
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def _finder_for_wheel() -> _TreeFinder:
    global _finder
    with _LOCK:
        if _finder is None:
            _finder = _TreeFinder(wheel_root())
            sys.meta_path.insert(0, _finder)
        return _finder


def _defining_module(area_dir: Path, name: str) -> str | None:
    """Which sibling module the area's __init__ imports `name` from (OSWorld's public names)."""
    tree = ast.parse((area_dir / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            if any((alias.asname or alias.name) == name for alias in node.names):
                return node.module
    return None


def reference(kind: str, name: str) -> Callable:
    """OSWorld's function `name` ('metric': evaluators/metrics, 'getter': evaluators/getters),
    exactly as their __init__ exports it."""
    if kind not in _AREAS:
        raise ValueError(f"kind must be one of {sorted(_AREAS)}, not {kind!r}")
    finder = _finder_for_wheel()
    area = _AREAS[kind]
    area_dir = finder.root / _PUBLIC / "evaluators" / area
    module = _defining_module(area_dir, name)
    if module is None:
        raise LookupError(f"OSWorld {VERSION} exports no {kind} named {name!r}")
    mod = importlib.import_module(f"{PRIVATE}.evaluators.{area}.{module}")
    _offline_tldextract()
    return getattr(mod, name)


def _offline_tldextract() -> None:
    """OSWorld's compare_urls calls tldextract.extract, whose default first fetches the public
    suffix list over the network; the tests have none, so the reference gets the same library
    with its bundled list (what it falls back to offline) - the network is the edge."""
    utils = sys.modules.get(f"{PRIVATE}.evaluators.metrics.utils")
    if utils is not None and not isinstance(utils.tldextract, types.SimpleNamespace):
        import tldextract

        offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        utils.tldextract = types.SimpleNamespace(extract=offline)


def has(kind: str, name: str) -> bool:
    """Whether OSWorld 1.0.2 exports `name` (False, not a skip, when the wheel is missing)."""
    try:
        root = _finder_for_wheel().root
    except (OSError, pytest.skip.Exception, pytest.fail.Exception):
        return False
    return _defining_module(root / _PUBLIC / "evaluators" / _AREAS[kind], name) is not None


@pytest.fixture(scope="session")
def osworld_wheel() -> Path:
    """Session fixture: the unzipped desktop-env wheel (skips, or fails under CI=true)."""
    return wheel_root()


# ---- scoring a case by both --------------------------------------------------------------

RAISES = "raises"
"""What a reference score is when OSWorld's function raised (see docs/osworld.md: we score 0)."""


def score_both(kind: str, name: str, *args, **options) -> tuple[float | str, float | str]:
    """(OSWorld's score, ours) for one input. A function that raises gives RAISES, a 0 as each
    side's run records it (OSWorld: no score, never a pass; ours: the checker's 0 with the
    reason); a reference that reaches a stubbed library fails the test instead."""
    from tasks.osworld.registry import GETTERS, METRICS, resolve

    ref = reference(kind, name)
    ours = resolve((METRICS if kind == "metric" else GETTERS)[name])
    # Their logging has format bugs ('%d' given a str): harmless in their harness, an error
    # under pytest's log capture. Their logs are no part of the score.
    logging.disable(logging.CRITICAL)
    try:
        theirs: float | str = float(ref(*args, **options))
    except StubUsed:
        raise
    except Exception:  # OSWorld's run loop records no score: never a pass
        theirs = RAISES
    finally:
        logging.disable(logging.NOTSET)
    try:
        mine: float | str = float(ours(*args, **options))
    except Exception:  # our checker scores a metric that raises 0, keeping the reason
        mine = RAISES
    return theirs, mine


def agree(theirs: float | str, ours: float | str, tol: float = 1e-6) -> bool:
    """Whether the two scores are the same, an exception counting as 0."""
    return abs((0.0 if theirs == RAISES else theirs) - (0.0 if ours == RAISES else ours)) <= tol


def check_case(case_id: str, theirs: float | str, ours: float | str, deliberate: dict[str, str]) -> None:
    """Assert agreement, or, for a case on the allow-list, that the listed difference is real
    (an entry that stopped differing must leave the list)."""
    if case_id in deliberate:
        assert not agree(theirs, ours), f"{case_id} is on the allow-list but now agrees: remove it"
    else:
        assert agree(theirs, ours), f"{case_id}: OSWorld {theirs} vs ours {ours}"
