"""One model process per machine for a batch with the transformers backend (see
agent/models/backends/shared.py): started before the workers, which then ask it over a Unix
socket instead of each loading its own copy of the model."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import BatchConfig

LOAD_S = 1800.0
"""Longest wait for the model to load (a large checkpoint from a slow disk)."""


def shares_model(cfg: BatchConfig) -> bool:
    """Whether the batch's workers should share one model process per machine."""
    return cfg.replay is None and cfg.models.model is not None and (cfg.models.backend or "transformers") == "transformers"


def for_workers(cfg: BatchConfig, address: str) -> BatchConfig:
    """The configuration the workers get: the shared backend at `address` instead of their own model."""
    return cfg.model_copy(update={"models": cfg.models.model_copy(update={"backend": "shared", "address": address})})


class ModelProcess:
    """The model process of this machine; `address` is its socket. Raises RuntimeError with the
    process's one-line reason when the model does not load."""

    def __init__(self, model: str, log: Path, options: dict | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix=f"gui-agent-{os.getpid()}-model-", dir=_short_tmp()))
        self.address = str(self.folder / "model.sock")
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        with open(log, "ab") as f:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "agent.models.backends.shared", self.address, model,
                 json.dumps(options or {}), str(os.getpid())],
                stdout=subprocess.PIPE, stderr=f, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        first = self._first_line(LOAD_S)
        with open(log, "a") as f:
            f.write(first + "\n")
        if not first.startswith("ready"):
            self.close()
            raise RuntimeError(f"the model process did not start: {first.removeprefix('error: ') or self._tail()}")
        self.pid = self.proc.pid

    def _first_line(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sel.select(1.0):
                return self.proc.stdout.readline().decode(errors="replace").strip()
            if self.proc.poll() is not None:
                return ""
        return f"error: not loaded within {timeout:g} s"

    def _tail(self) -> str:
        try:
            return " | ".join(self.log.read_text(errors="replace").strip().splitlines()[-3:])
        except OSError:
            return ""

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _short_tmp() -> str:
    base = tempfile.gettempdir()
    return "/tmp" if len(base) > 40 and os.access("/tmp", os.W_OK) else base  # a socket path may not pass 107 bytes
