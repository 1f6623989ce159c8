"""One transformers model for many episodes: a model process that workers share over a local socket.

A batch with the transformers backend would otherwise load one copy of the model per worker.
Instead one ModelServer process per machine loads it (agent/batch/model_host.py starts it; on Ray,
one per node) and every worker's SharedBackend sends its requests there. Requests that wait
while the model is busy are answered together by one batched generate(): the prompts are padded
on the left, each row keeps its own grammar (constrained decoding) and its own max_new_tokens.
A request alone takes the very path of TransformersBackend.generate.

Wire format: an 8-byte length, then a pickle, each way. The socket lives in a private folder of
the batch (mode 0700), so only its own processes can reach it.

    python -m agent.models.backends.shared ADDRESS MODEL [OPTIONS_JSON [PARENT_PID]]
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import socket
import struct
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .base import BackendError, Generation, time_left

if TYPE_CHECKING:
    from ..grammars import Grammar

MAX_BATCH = 8
"""Most requests one generate() answers together."""
IDLE_EXIT_S = 120.0
"""The process exits once it has had clients and none has been connected for this long: the
batch that started it is gone (on Ray its actor outlives workers, so this is its end)."""
READY = "ready"
"""The first line the server prints once the model is loaded (then its pid); else 'error: ...'."""


class SharedOptions(BaseModel):
    """Where the model process listens."""

    model_config = ConfigDict(extra="forbid")

    address: str
    """Path of the model process's Unix socket."""
    connect_s: float = Field(30.0, gt=0)
    """How long to keep trying to reach it when the worker starts."""


def _send(sock: socket.socket, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(struct.pack("!Q", len(data)) + data)


def _recv(sock: socket.socket) -> Any:
    head = _exact(sock, 8)
    return pickle.loads(_exact(sock, struct.unpack("!Q", head)[0]))


def _exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise ConnectionError("the model process closed the connection")
        buf += chunk
    return bytes(buf)


class SharedBackend:
    """The worker's side: a Backend whose model runs in the shared model process."""

    name = "shared"

    def __init__(self, model: str, options: SharedOptions):
        self.options, self.model_id = options, model
        deadline = time.monotonic() + options.connect_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(options.address)
                break
            except OSError as exc:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise BackendError(f"cannot reach the shared model process at {options.address}: "
                                       f"{exc.strerror or exc}") from None
                time.sleep(0.2)
        hello = self._ask({"op": "hello"})
        if hello.get("model") != model:
            raise BackendError(f"the shared model process serves {hello.get('model')!r}, not {model!r}")
        self.model_type: str | None = hello.get("model_type")
        self.server_pid: int | None = hello.get("pid")

    def _ask(self, request: dict) -> dict:
        try:
            _send(self.sock, request)
            reply = _recv(self.sock)
        except (OSError, ConnectionError, EOFError, pickle.UnpicklingError) as exc:
            raise BackendError(f"the shared model process is gone ({self.options.address}): {exc}") from None
        if "error" in reply:
            raise BackendError(reply["error"])
        return reply

    def generate(self, messages: list[dict], max_new_tokens: int, *,
                 deadline: float | None = None, grammar: "Grammar | None" = None) -> Generation:
        left = time_left(deadline)
        reply = self._ask({"op": "generate", "messages": messages, "max_new_tokens": max_new_tokens,
                           "left_s": left, "grammar": grammar})
        return reply["generation"]

    def stats(self) -> dict:
        """What the model process has done: requests, generate() calls, the largest batch, its pid."""
        return self._ask({"op": "stats"})


# ---- the model process ----------------------------------------------------------------------

class _Request:
    def __init__(self, body: dict):
        self.body = body
        self.deadline = None if body.get("left_s") is None else time.monotonic() + body["left_s"]
        self.done = threading.Event()
        self.reply: dict = {}


class ModelServer:
    """Loads one TransformersBackend and answers every connection's requests, batching the ones
    that wait together."""

    def __init__(self, model: str, options: dict | None = None):
        from . import make_backend

        self.model = model
        self.backend = make_backend("transformers", model, options or {})
        self.queue: queue.Queue[_Request] = queue.Queue()
        self.requests = self.calls = self.largest = 0
        self.clients, self.had_client, self.idle_since = 0, False, time.monotonic()
        self.lock = threading.Lock()

    def serve(self, address: str) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen(64)
        threading.Thread(target=self._batches, daemon=True).start()
        threading.Thread(target=self._watch_idle, daemon=True).start()
        print(f"{READY} {os.getpid()}", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _watch_idle(self) -> None:
        while True:
            time.sleep(5)
            with self.lock:
                idle = self.had_client and not self.clients and time.monotonic() - self.idle_since > IDLE_EXIT_S
            if idle:
                print(f"no client for {IDLE_EXIT_S:g} s: exiting", file=sys.stderr, flush=True)
                os._exit(0)

    def _connection(self, conn: socket.socket) -> None:
        with self.lock:
            self.clients += 1
            self.had_client = True
        try:
            self._serve_connection(conn)
        finally:
            with self.lock:
                self.clients -= 1
                self.idle_since = time.monotonic()

    def _serve_connection(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    body = _recv(conn)
                except (OSError, ConnectionError, EOFError):
                    return
                op = body.get("op")
                if op == "hello":
                    reply = {"model": self.model, "model_type": self.backend.model_type, "pid": os.getpid()}
                elif op == "stats":
                    reply = {"pid": os.getpid(), "requests": self.requests, "generate_calls": self.calls,
                             "largest_batch": self.largest, "rss_mb": _rss_mb()}
                elif op == "generate":
                    request = _Request(body)
                    self.queue.put(request)
                    request.done.wait()
                    reply = request.reply
                else:
                    reply = {"error": f"unknown request {op!r}"}
                try:
                    _send(conn, reply)
                except OSError:
                    return

    def _batches(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < MAX_BATCH:  # whatever came in while the model was busy goes along
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            self.requests += len(batch)
            self.calls += 1
            self.largest = max(self.largest, len(batch))
            try:
                gens = self._generate(batch)
                for g in gens:  # in the step's record: which process answered, with how many others
                    g.info = {**g.info, "model_pid": os.getpid(), "batch": len(batch)}
                replies = [{"generation": g} for g in gens]
            except BackendError as exc:
                replies = [{"error": str(exc)}] * len(batch)
            except Exception as exc:  # never leave a worker waiting for ever
                replies = [{"error": f"the shared model failed: {type(exc).__name__}: {exc}"}] * len(batch)
            for request, reply in zip(batch, replies):
                request.reply = reply
                request.done.set()

    def _generate(self, batch: list[_Request]) -> list[Generation]:
        if len(batch) == 1:
            b = batch[0].body
            return [self.backend.generate(b["messages"], b["max_new_tokens"], deadline=batch[0].deadline,
                                          grammar=b.get("grammar"))]
        return generate_batch(self.backend, [r.body for r in batch],
                              min((r.deadline for r in batch if r.deadline is not None), default=None))


class _RowGrammars:
    """A logits processor for a batch: each row follows its own grammar processor (or none), and a
    row that has ended (its end token, then padding) is left alone."""

    def __init__(self, processors: list, end_ids: set[int], prompt_len: int):
        self.processors, self.end_ids, self.prompt_len = processors, end_ids, prompt_len
        self.ended = [False] * len(processors)

    def __call__(self, input_ids, scores):
        grown = input_ids.shape[1] > self.prompt_len
        for row, processor in enumerate(self.processors):
            if grown and int(input_ids[row, -1]) in self.end_ids:
                self.ended[row] = True
            if processor is not None and not self.ended[row]:
                processor(input_ids[row:row + 1], scores[row:row + 1])  # masks the row in place
        return scores


def generate_batch(backend, bodies: list[dict], deadline: float | None) -> list[Generation]:
    """One generate() for several requests of a TransformersBackend (see the module's docstring)."""
    from .local import clean_reply

    started = time.perf_counter()
    texts, images = [], []
    for body in bodies:
        chat, imgs = backend.template_messages(body["messages"])
        backend.check_sizes(imgs)
        texts.append(backend.processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True))
        images.extend(imgs)
    tokenizer = backend.processor.tokenizer
    tokenizer.padding_side = "left"  # new tokens of every row start at the same column
    try:
        inputs = backend.processor(text=texts, images=images or None, return_tensors="pt", padding=True,
                                   images_kwargs={"do_resize": False})
    except Exception as exc:
        raise BackendError(f"the processor refused the prompts: {type(exc).__name__}: {exc}") from None
    backend.check_grid(inputs.get("image_grid_thw"), images)
    wants = [int(b["max_new_tokens"]) for b in bodies]
    gen = backend.generation_options(max(wants), deadline)
    prompt_len = int(inputs["input_ids"].shape[1])
    processors = []
    for body in bodies:
        constrainer = backend.constrainer(body.get("grammar"))
        processors.append(constrainer.processor(body["grammar"]) if constrainer is not None else None)
    eos = backend.model.generation_config.eos_token_id
    end_ids = set(eos if isinstance(eos, (list, tuple)) else [eos]) - {None}
    if any(processors):
        from transformers import LogitsProcessorList

        gen["logits_processor"] = LogitsProcessorList([_RowGrammars(processors, end_ids, prompt_len)])
    output = backend.generate_ids(inputs, gen)
    pad = tokenizer.pad_token_id
    ms = round((time.perf_counter() - started) * 1000, 1)
    out = []
    for row, body in enumerate(bodies):
        new = output[row, prompt_len:][:wants[row]].tolist()
        n = next((i + 1 for i, t in enumerate(new) if t in end_ids), len(new))
        while n and new[n - 1] == pad and new[n - 1] not in end_ids:
            n -= 1
        prompt = int(inputs["attention_mask"][row].sum())
        reply = clean_reply(tokenizer.decode(new[:n], skip_special_tokens=False))
        processor = processors[row]
        out.append(Generation(text=reply, prompt_tokens=prompt, completion_tokens=n, latency_ms=ms,
                              constrained=processor is not None,
                              info={"constraint_ms": round(processor.seconds * 1000, 2)} if processor else {}))
    return out


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    address, model = argv[1], argv[2]
    options = json.loads(argv[3]) if len(argv) > 3 else {}
    if len(argv) > 4:  # die with the batch (Linux), as its workers do
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != int(argv[4]):
            return 0
    try:
        server = ModelServer(model, options)
    except Exception as exc:  # BackendError, a missing package: one line for whoever started us
        print(f"error: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}", flush=True)
        return 1
    server.serve(address)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
