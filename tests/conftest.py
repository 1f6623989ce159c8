"""Fixtures: one private Xvfb for the whole session, the fake ADB server, the batches several
modules look at; offline model hubs, no real adb. Plain helpers live in tests/helpers/."""

from __future__ import annotations

import os

import pytest

from tests.helpers.tk import SCREEN, TkApp

# Nothing in the tests may reach a model hub or start a real adb server.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ADBUTILS_ADB_PATH", "/bin/false")


# ---- the desktop -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def xvfb_display():
    """A private X display (tests.helpers.tk.SCREEN, 1280x800) for the session; DISPLAY points at it."""
    from drivers.desktop.xvfb import VirtualDisplay

    with VirtualDisplay(*SCREEN) as vd:
        os.environ.update(vd.env())
        yield vd.display


@pytest.fixture(scope="session")
def desktop(xvfb_display):
    """The real desktop driver on the session display (pyautogui serves one display per process)."""
    from drivers.desktop import DesktopDriver

    with DesktopDriver(display=xvfb_display) as driver:
        yield driver


@pytest.fixture
def tk_app(xvfb_display, tmp_path):
    """The Tk test app on the session display, logging its events under tmp_path."""
    app = TkApp(tmp_path / "tk-events.jsonl")
    yield app
    app.close()


# ---- a phone ---------------------------------------------------------------------------------

@pytest.fixture
def fake_adb(monkeypatch):
    """A running FakeAdbServer with one phone, serial 'emulator-5554'; the environment points at it."""
    from tests.doubles.fake_adb import FakeAdbServer, FakePhone, adb_env

    with FakeAdbServer(FakePhone("emulator-5554")) as server:
        for key, value in adb_env(server.port).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("ANDROID_SERIAL", raising=False)
        yield server


@pytest.fixture
def phone(fake_adb):
    """The fixture server's one phone (a FakePhone)."""
    return fake_adb.phones["emulator-5554"]


@pytest.fixture
def android(fake_adb):
    """A real AndroidDriver on the fake phone, with no pauses (IME settle, reconnect backoff)."""
    from drivers.android import AndroidDriver

    with AndroidDriver(reconnect_backoff_s=0.01) as driver:
        driver.ime_settle_s = 0.0
        yield driver


# ---- batches that several test modules look at -------------------------------------------------

@pytest.fixture(scope="session")
def mixed_suite(tmp_path_factory):
    """The repository suite plus wrong, skipped and uncached tasks, in one batch of two workers
    (tests.helpers.batch.run_mixed_suite); run once for the batch and report tests."""
    from tests.helpers.batch import run_mixed_suite

    return run_mixed_suite(tmp_path_factory.mktemp("mixed"))


@pytest.fixture(scope="session")
def model_batch(tmp_path_factory):
    """A batch whose model is served by a loopback OpenAI-compatible server and whose texts carry
    HTML (tests.helpers.batch.run_model_batch); run once for the batch and report tests."""
    from tests.helpers.batch import run_model_batch

    return run_model_batch(tmp_path_factory.mktemp("model"))
