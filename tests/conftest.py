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


# ---- a real vLLM server (the `vllm` tests: `pytest -m vllm`, after `bash scripts/vllm_cpu.sh`) ---------

def pytest_collection_modifyitems(config, items):
    """The `vllm` tests run only when asked for: a -m expression that names vllm (`-m vllm`).
    Otherwise they are deselected, so `pytest -q` neither starts vLLM nor needs it installed."""
    if "vllm" in (config.option.markexpr or ""):
        return
    chosen = [item for item in items if item.get_closest_marker("vllm") is None]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("vllm")])
        items[:] = chosen


def _vllm_unavailable(reason: str):
    """Fail in CI (CI=true: a server that cannot start is a failure there), else skip."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory) -> dict[str, str]:
    """{arch: path} of a tiny random-weight checkpoint per architecture (tiny_qwen.ARCHES),
    built once per session for every module that runs one locally."""
    from tests.doubles import tiny_qwen

    root = tmp_path_factory.mktemp("tiny")
    return {arch: str(tiny_qwen.build(root, arch)) for arch in tiny_qwen.ARCHES}


@pytest.fixture(scope="session")
def tiny_served(tmp_path_factory):
    """build(arch) -> a tiny checkpoint of `arch` that vLLM's CPU kernels serve (head_dim 32),
    built once per session."""
    from tests.doubles import tiny_qwen
    from tests.doubles.vllm_server import INSTALL, vllm_python

    if vllm_python() is None:
        _vllm_unavailable(f"vLLM is not installed: run `{INSTALL}` (about 2-5 minutes, 3.5 GB)")
    folder, built = tmp_path_factory.mktemp("served-models"), {}

    def build(arch: str):
        if arch not in built:
            built[arch] = tiny_qwen.build(folder, arch, hidden_size=128, max_positions=32768)
        return built[arch]

    return build


@pytest.fixture(scope="session")
def start_vllm(tiny_served, tmp_path_factory):
    """start(arch, **VllmServer options) -> a started VllmServer of a tiny `arch` checkpoint;
    every server started is stopped at the end of the session (or earlier by its user)."""
    from tests.doubles.vllm_server import VllmServer, VllmStartError

    servers, logs = [], tmp_path_factory.mktemp("vllm-logs")

    def start(arch: str = "qwen2_5_vl", **options):
        server = VllmServer(tiny_served(arch), log=logs / f"{arch}-{len(servers)}.log", **options)
        servers.append(server)
        try:
            return server.start()
        except VllmStartError as exc:  # installed but not starting: a failure, locally too
            pytest.fail(str(exc), pytrace=False)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def vllm_qwen25(start_vllm):
    """A vLLM server of a tiny Qwen2.5-VL checkpoint, as docs/models.md deploys one for us: two
    images a prompt, a 16k context, and its max_pixels set (VLLM_MAX_PIXELS) to what the client
    will send. Tests that stop it start it again."""
    from tests.helpers.vllm import VLLM_MAX_PIXELS

    return start_vllm("qwen2_5_vl", images=2, max_model_len=16384, max_pixels=VLLM_MAX_PIXELS)
