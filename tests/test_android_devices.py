"""Choosing a device, reaching the server, and losing the device mid-run."""

from __future__ import annotations

import socket
import time

import numpy as np
import pytest

from drivers.actions import parse_action
from drivers.base import DriverError
from tests.doubles.fake_adb import FakeAdbServer, adb_env
from tests.doubles.fake_adb.phone import FakePhone


@pytest.fixture
def three(monkeypatch):
    phones = [FakePhone("emulator-5554"), FakePhone("R58M123ABC"), FakePhone("192.168.1.7:5555")]
    with FakeAdbServer(*phones) as server:
        for k, v in adb_env(server.port).items():
            monkeypatch.setenv(k, v)
        monkeypatch.delenv("ANDROID_SERIAL", raising=False)
        yield server


def tap(driver, x=1, y=2):
    driver.execute(parse_action({"type": "click", "x": x, "y": y}))


def test_several_devices_need_a_serial(three):
    from drivers.android import AndroidDriver

    with pytest.raises(DriverError, match="several.*emulator-5554.*R58M123ABC.*192.168.1.7:5555.*--serial"):
        AndroidDriver()


def test_serial_picks_the_device(three):
    from drivers.android import AndroidDriver

    with AndroidDriver(serial="R58M123ABC") as driver:
        tap(driver, 3, 4)
        assert driver.serial == "R58M123ABC"
    assert three.phones["R58M123ABC"].events == [("tap", 3, 4)]
    assert three.phones["emulator-5554"].events == [] and three.phones["emulator-5554"].commands == []
    assert "host:tport:serial:R58M123ABC" in three.requests()


def test_android_serial_env(three, monkeypatch):
    from drivers.android import AndroidDriver

    monkeypatch.setenv("ANDROID_SERIAL", "192.168.1.7:5555")
    with AndroidDriver() as driver:
        assert driver.serial == "192.168.1.7:5555"


def test_unknown_serial_names_the_connected_ones(three):
    from drivers.android import AndroidDriver

    with pytest.raises(DriverError, match="no Android device with serial 'nope'.*emulator-5554"):
        AndroidDriver(serial="nope")


def test_unauthorized_device(fake_adb, phone):
    from drivers.android import AndroidDriver

    phone.state = "unauthorized"
    with pytest.raises(DriverError, match="unauthorized.*USB debugging"):
        AndroidDriver(serial=phone.serial)
    with pytest.raises(DriverError, match="no Android device is connected and ready"):
        AndroidDriver()


def test_no_device(monkeypatch):
    from drivers.android import AndroidDriver

    with FakeAdbServer() as server:
        for k, v in adb_env(server.port).items():
            monkeypatch.setenv(k, v)
        with pytest.raises(DriverError, match="no Android device is connected"):
            AndroidDriver()


def test_no_server_is_a_driver_error_and_starts_no_adb(monkeypatch):
    from drivers.android import AndroidDriver

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for k, v in adb_env(port).items():
        monkeypatch.setenv(k, v)
    with pytest.raises(DriverError, match=f"cannot reach the ADB server at 127.0.0.1:{port}"):
        AndroidDriver()


def test_env_host_and_port_are_used(fake_adb, phone, monkeypatch):
    from drivers.android import AndroidDriver

    monkeypatch.setenv("ANDROID_ADB_SERVER_PORT", "not-a-port")
    with pytest.raises(DriverError, match="ANDROID_ADB_SERVER_PORT"):
        AndroidDriver()


def test_device_lost_mid_run_gives_up_after_bounded_reconnects(fake_adb, phone):
    from drivers.android import AndroidDriver

    with AndroidDriver(reconnect_attempts=3, reconnect_backoff_s=0.05) as driver:
        driver.screenshot()
        tap(driver)
        fake_adb.drop(phone.serial)
        listed_before = fake_adb.requests().count("host:devices")
        t = time.monotonic()
        with pytest.raises(DriverError, match="lost the Android device 'emulator-5554'.*3 reconnect attempts"):
            tap(driver, 5, 6)
        took = time.monotonic() - t
    assert fake_adb.requests().count("host:devices") - listed_before == 3  # one look per attempt
    assert 0.05 + 0.1 + 0.2 <= took < 3.0  # backoff 0.05, 0.1, 0.2 s, then it stops
    assert phone.events[-1] == ("tap", 1, 2)


def test_device_back_within_the_attempts_recovers(fake_adb, phone):
    import threading

    from drivers.android import AndroidDriver

    with AndroidDriver(reconnect_attempts=4, reconnect_backoff_s=0.1) as driver:
        fake_adb.drop(phone.serial)
        threading.Timer(0.15, fake_adb.restore, args=(phone.serial,)).start()
        tap(driver, 7, 8)
    assert phone.events[-1] == ("tap", 7, 8)


def test_device_lost_half_way_through_a_frame(fake_adb, phone):
    from drivers.android import AndroidDriver

    with AndroidDriver(reconnect_attempts=2, reconnect_backoff_s=0.01) as driver:
        fake_adb.drop(phone.serial, mid_reply=True)
        with pytest.raises(DriverError, match="lost the Android device"):
            driver.screenshot()
    assert phone.commands[-1] == "screencap"  # it never decided the phone 'has no raw form'


def test_truncated_frame_then_back_is_retried(fake_adb, phone):
    import threading

    from drivers.android import AndroidDriver

    with AndroidDriver(reconnect_attempts=4, reconnect_backoff_s=0.1) as driver:
        fake_adb.drop(phone.serial, mid_reply=True)
        threading.Timer(0.3, fake_adb.restore, args=(phone.serial,)).start()
        shot = driver.screenshot()
    assert np.array_equal(np.asarray(shot), np.asarray(phone.screen))
    assert "screencap -p" not in phone.commands
