"""The fake phone's side of the adb `sync:` protocol (what `adb push` / `adb pull` use)."""

from __future__ import annotations

import socket
import stat
import struct
import time

from .phone import FakePhone


def recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf



def serve_sync(sock: socket.socket, phone: FakePhone) -> None:
    """Answer sync requests (STAT, SEND, RECV; QUIT ends) until the client hangs up."""
    while True:
        head = recv_exact(sock, 8)
        if head is None:
            return
        cmd, length = head[:4], struct.unpack("<I", head[4:])[0]
        if cmd == b"QUIT":
            return
        path = recv_exact(sock, length).decode()
        with phone.lock:
            phone.commands.append(f"sync {cmd.decode()} {path}")
        if cmd == b"STAT":
            if path in phone.files:
                sock.sendall(b"STAT" + struct.pack("<III", stat.S_IFREG | 0o644, len(phone.files[path]), int(time.time())))
            elif path in phone.dirs:
                sock.sendall(b"STAT" + struct.pack("<III", stat.S_IFDIR | 0o771, 4096, int(time.time())))
            else:
                sock.sendall(b"STAT" + struct.pack("<III", 0, 0, 0))
        elif cmd == b"SEND":
            target = path.rsplit(",", 1)[0]
            data = b""
            while True:
                chunk_head = recv_exact(sock, 8)
                kind, n = chunk_head[:4], struct.unpack("<I", chunk_head[4:])[0]
                if kind == b"DONE":
                    break
                data += recv_exact(sock, n)
            with phone.lock:
                phone.files[target] = data
            sock.sendall(b"OKAY" + struct.pack("<I", 0))
        elif cmd == b"RECV":
            if path not in phone.files:
                msg = b"No such file or directory"
                sock.sendall(b"FAIL" + struct.pack("<I", len(msg)) + msg)
            else:
                data = phone.files[path]
                for i in range(0, len(data), 65536):
                    sock.sendall(b"DATA" + struct.pack("<I", len(data[i:i + 65536])) + data[i:i + 65536])
                sock.sendall(b"DONE" + struct.pack("<I", 0))
        else:
            return
