"""A real OpenAI-compatible chat-completions server on loopback, answering scripted replies.

The script is a function of what the server received: the request body and the images of the
last user turn, decoded from their data URLs, so a reply can be computed in the pixel space of
the image the model would have seen.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from PIL import Image

# reply(body, images) -> reply text, or (status, body text, headers) for an HTTP error.
Reply = Callable[[dict, list[Image.Image]], "str | tuple[int, str, dict]"]


def decode_images(message: dict) -> list[Image.Image]:
    """The images of one chat message, decoded from data URLs."""
    images = []
    content = message.get("content")
    for part in content if isinstance(content, list) else []:
        if part.get("type") == "image_url":
            url = part["image_url"]["url"]
            images.append(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))
    return images


class ChatServer:
    """`with ChatServer(reply) as server:` then point a client at `server.url`; `server.requests`
    holds every chat-completions request body received, in order (other paths get a 404)."""

    def __init__(self, reply: Reply, delay_s: float = 0.0):
        self.reply, self.delay_s = reply, delay_s
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path.rstrip("/") != "/v1/chat/completions":  # e.g. vLLM's /tokenize
                    return self._send(404, json.dumps({"error": "not found"}), {})
                server.requests.append(body)
                if server.delay_s:
                    threading.Event().wait(server.delay_s)
                users = [m for m in body["messages"] if m["role"] == "user"]
                result = server.reply(body, decode_images(users[-1]) if users else [])
                if isinstance(result, tuple):
                    return self._send(*result)
                answer = {"id": "chatcmpl-test", "object": "chat.completion", "model": body.get("model"),
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": result}}],
                          "usage": {"prompt_tokens": 1000 + len(body["messages"]), "completion_tokens": 7,
                                    "total_tokens": 1007 + len(body["messages"])}}
                self._send(200, json.dumps(answer), {})

            def _send(self, status: int, text: str, headers: dict):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "ChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
