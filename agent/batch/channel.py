"""Messages between the batch and a worker: JSON objects, one a line, over a socket pair.

Parent -> worker: {"op": "config", "config"} (first), {"op": "run", "key", "folder", "identity",
"cache_dir", "replay"} and {"op": "stop"}.
Worker -> parent: {"ev": "ready", "display"}, {"ev": "step", "key", "step"},
{"ev": "done", "key", "status", "score", "steps", "error"}, {"ev": "fatal", "error"}.
Each worker has its own socket, so killing one worker can never garble another's messages.
"""

from __future__ import annotations

import json
import socket
from typing import Any


class Channel:
    """One end of a worker's socket pair."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._buf = b""
        self.closed = False

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, msg: dict[str, Any]) -> bool:
        """Send one message; False when the other end is gone."""
        try:
            self.sock.sendall(json.dumps(msg, ensure_ascii=False).encode() + b"\n")
            return True
        except OSError:
            self.closed = True
            return False

    def _pop(self) -> list[dict[str, Any]]:
        *lines, self._buf = self._buf.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def read_ready(self) -> list[dict[str, Any]]:
        """The messages that have arrived, after the socket polled readable. Sets `closed` at
        end of file; a half line stays buffered until its end comes."""
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return self._pop()
        self._buf += data
        return self._pop()

    def recv(self) -> dict[str, Any] | None:
        """Block until one whole message arrives; None at end of file."""
        while True:
            if b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                if line.strip():
                    return json.loads(line)
                continue
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.closed = True
                return None
            self._buf += data

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass
