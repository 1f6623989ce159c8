"""A fake ADB server on loopback that speaks the real ADB host protocol.

The real adbutils client talks to it end to end: `host:version`, `host:devices[-l]`,
`host:tport:serial:S` / `host:transport:S`, `host-serial:S:features|get-state`, then on the
device `shell:`, `shell,v2:` (framed stdout/stderr/exit), `exec:` (as `adb exec-out`) and
`sync:` (STAT, SEND, RECV). Each device is a FakePhone (phone.py) whose tools are in
commands.py. Every device request is recorded in `log`; `drop()` makes a device
vanish (at once, or half way through its next reply) and `restore()` brings it back.

Use it as a context manager, or through the `fake_adb` fixture (tests/conftest.py), which
also points ANDROID_ADB_SERVER_PORT at it and sets ADBUTILS_ADB_PATH=/bin/false so adbutils
can never start a real adb server.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

from .commands import run_line
from .phone import FakePhone
from .sync import recv_exact as _recv_exact
from .sync import serve_sync

FEATURES = "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,apex,abb,fixed_push_symlink_timestamp,abb_exec"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        server: FakeAdbServer = self.server.owner  # type: ignore[attr-defined]
        server._serve(self.request)


class FakeAdbServer:
    """A threaded loopback server on a free port; `phones` maps serial -> FakePhone."""

    def __init__(self, *phones: FakePhone):
        self.phones: dict[str, FakePhone] = {p.serial: p for p in phones}
        self.log: list[tuple[str | None, str]] = []
        self._cut_next: set[str] = set()
        self._drop_on: dict[str, str] = {}
        self._live: dict[str, list[socket.socket]] = {}
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.allow_reuse_address = True
        self._server.server_bind()
        self._server.server_activate()
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "FakeAdbServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what tests do ---------------------------------------------------------------------
    def add(self, phone: FakePhone) -> FakePhone:
        self.phones[phone.serial] = phone
        return phone

    def drop(self, serial: str, *, mid_reply: bool = False) -> None:
        """The device disappears now, or half way through the reply to its next request."""
        with self._lock:
            if mid_reply:
                self._cut_next.add(serial)
                return
            self.phones[serial].present = False
            for sock in self._live.pop(serial, []):
                _close(sock)

    def drop_on(self, serial: str, fragment: str) -> None:
        """The device vanishes, unanswered, when a command containing `fragment` reaches it."""
        with self._lock:
            self._drop_on[serial] = fragment

    def restore(self, serial: str) -> None:
        with self._lock:
            self._cut_next.discard(serial)
            self._drop_on.pop(serial, None)
            self.phones[serial].present = True

    def requests(self, serial: str | None = None) -> list[str]:
        """Requests received, for one device (its services) or the host (serial None)."""
        return [req for s, req in self.log if s == serial]

    # --- the protocol ------------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        serial: str | None = None
        try:
            while True:
                request = _read_request(sock)
                if request is None:
                    return
                with self._lock:
                    self.log.append((serial, request))
                if serial is None:
                    serial = self._host(sock, request)
                    if serial == "":
                        return
                    continue
                self._device(sock, self.phones[serial], request)
                return
        except (ConnectionError, OSError):
            return
        finally:
            with self._lock:
                for socks in self._live.values():
                    if sock in socks:
                        socks.remove(sock)
            _close(sock)

    def _present(self, serial: str) -> bool:
        phone = self.phones.get(serial)
        return bool(phone and phone.present)

    def _host(self, sock: socket.socket, req: str) -> str | None:
        """Answer a host request; returns the serial a transport request bound, '' to hang up."""
        if req == "host:version":
            sock.sendall(b"OKAY" + _block("0029"))
            return ""
        if req in ("host:devices", "host:devices-l"):
            long = req.endswith("-l")
            lines = "".join(
                f"{p.serial}\t{p.state}" + (" product:fake model:Fake_Phone device:fake transport_id:1" if long else "")
                + "\n" for p in self.phones.values() if p.present)
            sock.sendall(b"OKAY" + _block(lines))
            return ""
        for prefix in ("host:tport:serial:", "host:transport:"):
            if req.startswith(prefix):
                serial = req[len(prefix):]
                if not self._present(serial):
                    sock.sendall(_fail(f"device '{serial}' not found"))
                    return ""
                sock.sendall(b"OKAY" + (struct.pack("<Q", 1) if "tport" in prefix else b""))
                with self._lock:
                    self._live.setdefault(serial, []).append(sock)
                return serial
        if req.startswith("host-serial:"):
            serial, _, what = req[len("host-serial:"):].rpartition(":")
            if not self._present(serial):
                sock.sendall(_fail(f"device '{serial}' not found"))
            elif what == "features":
                sock.sendall(b"OKAY" + _block(FEATURES))
            elif what == "get-state":
                sock.sendall(b"OKAY" + _block(self.phones[serial].state))
            else:
                sock.sendall(_fail(f"unknown host service {what}"))
            return ""
        sock.sendall(_fail(f"unknown host service {req}"))
        return ""

    def _device(self, sock: socket.socket, phone: FakePhone, req: str) -> None:
        service, _, arg = req.partition(":")
        if service == "sync":
            sock.sendall(b"OKAY")
            serve_sync(sock, phone)
            return
        if service not in ("shell", "shell,v2", "exec"):
            sock.sendall(_fail(f"unknown device service {service}"))
            return
        fragment = self._drop_on.get(phone.serial)
        if fragment is not None and fragment in arg:
            self.drop(phone.serial)  # unplugged before this command ran: no answer at all
            return
        with phone.lock:
            phone.commands.append(arg)
        rc, out, err = run_line(phone, arg)
        sock.sendall(b"OKAY")
        if service == "shell,v2":
            payload = b"".join(_packet(i, d) for i, d in ((1, out), (2, err)) if d) + _packet(3, bytes([rc & 0xFF]))
        else:
            payload = out + err
        if phone.serial in self._cut_next:  # vanish half way through this reply
            with self._lock:
                self._cut_next.discard(phone.serial)
            sock.sendall(payload[: max(1, len(payload) // 2)])
            self.drop(phone.serial)
            return
        sock.sendall(payload)


def _read_request(sock: socket.socket) -> str | None:
    head = _recv_exact(sock, 4)
    if head is None:
        return None
    body = _recv_exact(sock, int(head, 16))
    return None if body is None else body.decode("utf-8")


def _block(text: str) -> bytes:
    data = text.encode("utf-8")
    return f"{len(data):04x}".encode() + data


def _fail(message: str) -> bytes:
    return b"FAIL" + _block(message)


def _packet(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + struct.pack("<I", len(data)) + data


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def adb_env(port: int) -> dict[str, str]:
    """Environment that sends adbutils (and our CLI) to the fake and never to a real adb."""
    return {"ANDROID_ADB_SERVER_HOST": "127.0.0.1", "ANDROID_ADB_SERVER_PORT": str(port),
            "ADBUTILS_ADB_PATH": "/bin/false"}
