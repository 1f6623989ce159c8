"""The node side of a batch on Ray: an actor that hosts one batch worker on the node it was placed on.

The actor starts the worker process exactly as the local pool does (pool.WorkerHandle: its own
Xvfb, openbox, HOME, process marker, PR_SET_PDEATHSIG on the actor) and relays its messages to
the batch process, which long-polls `events`. The worker writes its results into a folder on
this node; when a task ends, that task's folder travels back packed in the `done` message, and
the batch process writes it into OUT (ray_pool.unpack), so OUT needs no shared file system.
Task files, --replay and --cache-dir are read where they are: the same paths must exist on every
node (a shared volume or the worker image, see deploy/README.md).

Loaded by Ray's worker processes, so it imports only what a node needs (no ray at module level).
"""

from __future__ import annotations

import io
import os
import queue
import selectors
import shutil
import tarfile
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from .config import BatchConfig
from .model_host import ModelProcess, for_workers, shares_model
from .plan import Planned
from .pool import WorkerHandle

SCRATCH_NOTE = "scratch"
"""File in an actor's folder naming its worker's scratch folder, for whoever cleans up after a dead actor."""
READ_S = 1.0
"""How often the relay thread looks up from the worker's socket (to notice a stop)."""


def pack(folder: Path) -> bytes:
    """A task folder as an uncompressed tar (screenshots are PNGs already), names relative to it."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(folder, arcname=".")
    return buf.getvalue()


def _remove_dead_stages() -> None:
    """Remove the folders of actors on this node whose process is gone (it died with a task in
    hand, and its task went back to the queue)."""
    for stage in Path(tempfile.gettempdir()).glob("gui-agent-ray-*-w*"):
        pid = stage.name.split("-")[3]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            try:  # its worker's scratch folder too: Ray kills an actor's children with it, uncleaned
                shutil.rmtree((stage / SCRATCH_NOTE).read_text().strip(), ignore_errors=True)
            except OSError:
                pass
            shutil.rmtree(stage, ignore_errors=True)


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


MODEL_ACTOR = "gui-agent-model-{token}-{node}"
"""Name of the model actor of one batch on one node (ray_pool kills them all at the end)."""


class NodeModel:
    """The model process of one node, shared by every worker of the batch placed there."""

    def __init__(self, model: str):
        self.folder = Path(tempfile.mkdtemp(prefix="gui-agent-ray-model-"))
        self.process = ModelProcess(model, self.folder / "model.log")
        # Detached, so no worker's end takes it along; it ends with its model process, which
        # exits once no worker has used it for a while (the batch is over, or was killed).
        threading.Thread(target=self._end_with_process, daemon=True).start()

    def _end_with_process(self) -> None:
        self.process.proc.wait()
        for folder in (self.process.folder, self.folder):  # its socket's folder, and its log's
            shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    def address(self) -> str:
        return self.process.address

    def pid(self) -> int:
        return self.process.pid

    def close(self) -> None:
        self.process.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _node_model(cfg: BatchConfig, token: str, node: str) -> str:
    """The socket of this node's model process, starting its actor if no worker here has yet."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    actor = ray.remote(NodeModel).options(
        name=MODEL_ACTOR.format(token=token, node=node), get_if_exists=True, lifetime="detached", num_cpus=0,
        max_concurrency=4, scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False),
    ).remote(cfg.models.model)
    return ray.get(actor.address.remote())


class NodeWorker:
    """One batch worker on this node. Ray calls its methods from several threads at once (a
    long-poll `events` while `assign`, `stop` or `kill` come in), hence the queue and the lock."""

    def __init__(self, cfg: dict, slot: int, gen: int, token: str, node: str = ""):
        self.cfg = BatchConfig.model_validate(cfg)
        self.node = node = node or _node_id()
        self.events_q: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        missing = [str(p) for p in [*self.cfg.paths, self.cfg.replay, self.cfg.cache_dir] if p and not p.exists()]
        _remove_dead_stages()
        self.stage = Path(tempfile.mkdtemp(prefix=f"gui-agent-ray-{os.getpid()}-w{slot}-"))
        self.h: WorkerHandle | None = None
        if missing:
            self.events_q.put([{"ev": "fatal", "error": f"node {node}: no such path here: {', '.join(missing)} "
                                "(task files, --replay and --cache-dir must exist at the same path on every node)"}])
            return
        local = self.cfg.model_copy(update={"out": self.stage / "out"})  # the batch process writes the real OUT
        if shares_model(self.cfg):
            try:
                local = for_workers(local, _node_model(self.cfg, token, node))
            except Exception as exc:  # the model does not load on this node: no task can run
                self.events_q.put([{"ev": "fatal", "error": f"node {node}: {exc}"}])
                return
        self.h = WorkerHandle(local, slot, gen, token, node=node)
        (self.stage / SCRATCH_NOTE).write_text(str(self.h.dirs.scratch))
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()

    def _relay(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.h.chan, selectors.EVENT_READ)
        while True:
            if not sel.select(READ_S):
                continue
            msgs = self.h.chan.read_ready()
            for msg in msgs:
                if msg.get("ev") == "ready":
                    msg["node"] = self.node
                elif msg.get("ev") == "done":
                    folder = self.stage / "out" / msg["key"]
                    if folder.is_dir():
                        msg["files"] = pack(folder)
                        shutil.rmtree(folder, ignore_errors=True)
            if msgs:
                self.events_q.put(msgs)
            if self.h.chan.closed:
                sel.close()
                self.events_q.put([{"ev": "exit", "code": self.h.reap(5), "log": self.h.log_tail()}])
                return

    def events(self, wait_s: float) -> list[dict]:
        """The worker's messages since the last call, waiting up to `wait_s` seconds for the first."""
        out: list[dict] = []
        try:
            out.extend(self.events_q.get(timeout=wait_s))
            while True:
                out.extend(self.events_q.get_nowait())
        except queue.Empty:
            pass
        return out

    def assign(self, item: Planned) -> bool:
        with self.lock:
            local = replace(item, folder=self.stage / "out" / item.folder.parent.name / item.folder.name)
            return self.h.assign(local)

    def stop(self, interrupt: bool) -> None:
        with self.lock:
            if self.h is not None:
                self.h.ask_to_stop(interrupt)

    def kill(self) -> bytes:
        """Kill the worker with everything it started (its deadline passed, or the batch ends);
        its log, for OUT/.workers/<slot>/worker.log on the batch's machine."""
        with self.lock:
            if self.h is not None:
                self.h.kill()
            return self._log_and_remove()

    def close(self) -> bytes:
        """After the worker exited: stop what it left and remove this node's folders; its log."""
        with self.lock:
            if self.h is not None:
                self.h.clean_up()
            return self._log_and_remove()

    def _log_and_remove(self) -> bytes:
        try:
            log = self.h.dirs.log.read_bytes() if self.h is not None else b""
        except OSError:
            log = b""
        shutil.rmtree(self.stage, ignore_errors=True)
        return log
