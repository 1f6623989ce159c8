"""The link to one phone through an ADB server: device choice, shell calls, reconnects.

Everything the Android driver sends to the phone goes through `AdbLink`. Commands are
strings for the phone's `sh -c`; callers build them with `shlex.quote` on every argument
(see drivers.android.text), so nothing a model writes is ever read as shell syntax.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from ..base import DriverError, require

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5037


@dataclass(frozen=True)
class ShellResult:
    """What a shell command on the phone said: exit status, stdout and stderr as text."""

    rc: int
    out: str
    err: str = ""


def server_address() -> tuple[str, int]:
    """The ADB server named by ANDROID_ADB_SERVER_HOST / ANDROID_ADB_SERVER_PORT (127.0.0.1:5037)."""
    host = os.environ.get("ANDROID_ADB_SERVER_HOST") or DEFAULT_HOST
    raw_port = os.environ.get("ANDROID_ADB_SERVER_PORT") or str(DEFAULT_PORT)
    try:
        port = int(raw_port)
    except ValueError:
        raise DriverError(f"ANDROID_ADB_SERVER_PORT={raw_port!r} is not a port number") from None
    return host, port


def choose_serial(devices: list[tuple[str, str]], serial: str | None) -> str:
    """Pick the device to drive from (serial, state) pairs as `adb devices` lists them.

    With a serial: that device, which must be in state 'device'. Without: the only one.
    Raises DriverError naming the serials (and --serial) when the choice is impossible.
    """
    listing = ", ".join(f"{s} ({st})" for s, st in devices) or "none"
    if serial:
        states = {s: st for s, st in devices}
        if serial not in states:
            raise DriverError(f"no Android device with serial {serial!r}; connected: {listing}")
        if states[serial] != "device":
            hint = " (accept the USB debugging prompt on the phone)" if states[serial] == "unauthorized" else ""
            raise DriverError(f"device {serial!r} is {states[serial]}, not ready{hint}")
        return serial
    ready = [s for s, st in devices if st == "device"]
    if not ready:
        raise DriverError(f"no Android device is connected and ready (adb devices: {listing}); "
                          "plug one in with USB debugging on, or `adb connect HOST:PORT`")
    if len(ready) > 1:
        raise DriverError(f"several Android devices are connected ({', '.join(ready)}); "
                          "choose one with --serial SERIAL")
    return ready[0]


class AdbLink:
    """One phone behind an ADB server, with bounded reconnects.

    `call(what, fn)` runs fn(device); when the transport fails (device unplugged, adb
    server restarted) it waits `backoff_s * 2**i` seconds, looks for the device again and
    retries, `reconnect_attempts` times at most, then raises DriverError.
    Commands that died half way may run twice on a retry; every command we send is
    idempotent or a single input event, so that is the lesser harm.
    """

    command_timeout_s = 30.0
    """Socket timeout for one shell command, seconds."""

    def __init__(self, serial: str | None, *, reconnect_attempts: int = 3, backoff_s: float = 0.25):
        adbutils = require("adbutils", "android")
        self._errors: tuple[type[BaseException], ...] = (adbutils.AdbError, OSError, EOFError)
        self.host, self.port = server_address()
        self.reconnect_attempts = max(0, int(reconnect_attempts))
        self.backoff_s = backoff_s
        self.client = adbutils.AdbClient(host=self.host, port=self.port)
        serial = serial or os.environ.get("ANDROID_SERIAL") or None
        self.serial = choose_serial(self._list(), serial)
        self.device = self.client.device(self.serial)
        self._v2: bool | None = None
        self._tport: bool | None = None

    def _list(self) -> list[tuple[str, str]]:
        try:
            return [(i.serial, i.state) for i in self.client.list()]
        except self._errors as exc:
            raise DriverError(
                f"cannot reach the ADB server at {self.host}:{self.port} ({exc}); start it with "
                "`adb start-server` or point ANDROID_ADB_SERVER_HOST/ANDROID_ADB_SERVER_PORT at it"
            ) from None

    def _present(self) -> bool:
        try:
            return any(s == self.serial and st == "device" for s, st in self._list())
        except DriverError:
            return False

    def call(self, what: str, fn: Callable[[Any], T]) -> T:
        """Run fn(adbutils device), reconnecting on transport errors; DriverError when lost."""
        last: BaseException | None = None
        for attempt in range(self.reconnect_attempts + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
                if not self._present():
                    continue
                self.device = self.client.device(self.serial)
            try:
                return fn(self.device)
            except self._errors as exc:
                last = exc
        raise DriverError(
            f"lost the Android device {self.serial!r} during {what} ({last}); "
            f"gave up after {self.reconnect_attempts} reconnect attempts"
        )

    def _transport(self, timeout: float):
        """A socket switched to this device's transport. adbutils asks the server its version
        on a second connection before every command; we ask once."""
        conn = self.client.make_connection(timeout=timeout)
        try:
            if self._tport is None:
                self._tport = self.client.server_version() >= 41
            if self._tport:
                conn.send_command(f"host:tport:serial:{self.serial}")
                conn.check_okay()
                conn.read_exact(8)  # transport id
            else:
                conn.send_command(f"host:transport:{self.serial}")
                conn.check_okay()
        except BaseException:
            conn.conn.close()
            raise
        return conn

    def shell(self, cmd: str, *, timeout: float | None = None) -> ShellResult:
        """Run `cmd` in the phone's sh; exit status from the shell v2 protocol where the phone has it."""
        timeout = timeout or self.command_timeout_s

        def run(device) -> ShellResult:
            if self._v2 is None:
                self._v2 = "shell_v2" in device.get_features().split(",")
            if not self._v2:  # Android before 7: adbutils appends `; echo EXIT:$?` for the status
                r = device.shell2(cmd, timeout=timeout, rstrip=False)
                return ShellResult(r.returncode, r.output, "")
            conn = self._transport(timeout)
            try:
                conn.send_command("shell,v2:" + cmd)
                conn.check_okay()
                return _read_shell_v2(conn)
            finally:
                conn.conn.close()

        return self.call(cmd.split(" ", 1)[0] or "shell", run)

    def exec_out(self, cmd: str, *, timeout: float = 60.0) -> bytes:
        """Run `cmd` through the `exec:` service (raw bytes, no pty, as `adb exec-out`)."""

        def run(device) -> bytes:
            conn = self._transport(timeout)
            try:
                conn.send_command("exec:" + cmd)
                conn.check_okay()
                return _read_all(conn.conn)
            finally:
                conn.conn.close()

        return self.call(cmd, run)

    def close(self) -> None:
        """Nothing stays open between calls; kept for symmetry."""


def _read_shell_v2(conn) -> ShellResult:
    """Read shell v2 packets (id byte, u32 length, data: 1 stdout, 2 stderr, 3 exit) to the exit."""
    out, err = bytearray(), bytearray()
    while True:
        head = conn.read_exact(5)  # EOFError when the device vanished mid-command
        kind, length = head[0], int.from_bytes(head[1:5], "little")
        data = conn.read_exact(length) if length else b""
        if kind == 1:
            out += data
        elif kind == 2:
            err += data
        elif kind == 3:
            return ShellResult(data[0] if data else 255, out.decode("utf-8", "replace"),
                               err.decode("utf-8", "replace"))


def _read_all(sock) -> bytes:
    """Read a socket to its end in large chunks (a 1080x2400 frame is ~10 MB)."""
    chunks = []
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
