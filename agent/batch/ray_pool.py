"""The batch's workers on a Ray cluster: one actor per worker (ray_node.NodeWorker), spread over the nodes.

The engine drives a RayPool exactly as it drives the local pool. Each handle keeps one long-poll
`events` call in flight; `poll` waits on all of them with ray.wait. A finished task's folder
arrives packed in its `done` message and is written here, into OUT, before the engine reads it:
unpacked beside its place and renamed into it, so result.txt appears with everything else or
not at all. An actor that dies (its node lost, or killed) marks its handle `lost`: the engine
puts its task back in the queue; a replacement actor is placed on a live node.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tarfile
import time
from pathlib import Path

from .config import BatchConfig
from .plan import Planned
from .pool import BUSY, IDLE, STARTING
from .ray_node import MODEL_ACTOR
from .results import stamp

LONG_POLL_S = 2.0
"""How long one `events` call waits on the node for the worker's next message."""
CALL_S = 30.0
"""Longest wait for an actor to answer a kill at a deadline or at the end."""
INSTALL_HINT = "pip install 'gui-agent[ray]'"


def import_ray():
    """Ray, or ImportError with the install hint."""
    try:
        import ray
    except ImportError:
        raise ImportError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def unpack(data: bytes, folder: Path) -> None:
    """Write a task folder that came back from a node into `folder` (in OUT), atomically: it is
    unpacked into a temporary sibling folder and renamed into place."""
    incoming = folder.parent / f".incoming-{folder.name}-{secrets.token_hex(4)}"
    incoming.mkdir(parents=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
            tar.extractall(incoming, filter="data")  # no absolute paths, no '..', no devices
        if folder.exists():  # the batch cleared it when the task was handed out; anything here is stale
            shutil.rmtree(folder)
        incoming.rename(folder)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _unreachable(address: str) -> str | None:
    """Why nothing answers at a host:port address (ray.init would retry it for minutes), else None."""
    import socket

    if address == "auto" or "://" in address and not address.startswith("ray://"):
        return None
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return "not an address: expected HOST:PORT, ray://HOST:PORT or auto"
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"
    return None


class RayHandle:
    """The batch's handle on one NodeWorker actor; the same fields and methods as pool.WorkerHandle."""

    def __init__(self, pool: "RayPool", slot: int, gen: int):
        self.pool, self.slot, self.gen = pool, slot, gen
        self.state = STARTING
        self.display: str | None = None
        self.node: str | None = None
        self.item: Planned | None = None
        self.deadline = 0.0
        self.assigned, self.assigned_stamp = 0.0, ""
        self.started = time.monotonic()
        self.step = 0
        self.closed = self.lost = self.ended = False
        self.code: int | None = None
        self.tail = ""
        self.actor = pool.actor_cls.options(num_cpus=pool.cfg.ray_cpus, scheduling_strategy="SPREAD").remote(
            pool.cfg_json, slot, gen, pool.token)
        self.ref = self.actor.events.remote(LONG_POLL_S)

    @property
    def waits_for_room(self) -> bool:
        """Not placed on a node yet: the cluster has no free --ray-cpus for it (or is starting it)."""
        return self.node is None

    def take(self, msgs: list[dict]) -> list[dict]:
        """Messages from the node, with finished folders written into OUT and the node noted."""
        for msg in msgs:
            ev = msg.get("ev")
            if ev == "ready":
                self.node = msg.get("node")
            elif ev == "done" and "files" in msg:
                data = msg.pop("files")
                if self.item is not None and msg.get("key") == self.item.key:
                    unpack(data, self.item.folder)
            elif ev == "exit":
                self.closed, self.code, self.tail = True, msg.get("code"), msg.get("log") or ""
        return [m for m in msgs if m.get("ev") != "exit"]

    def assign(self, item: Planned) -> bool:
        self.item, self.state, self.step = item, BUSY, 0
        self.assigned, self.assigned_stamp = time.monotonic(), stamp()
        self.deadline = self.assigned + item.timeout_s
        self.actor.assign.remote(item)  # an actor that died shows in its next events call
        return True

    def facts(self) -> dict:
        return {"worker": self.slot, "node": self.node, "display": self.display, "started": self.assigned_stamp,
                "duration_s": round(time.monotonic() - self.assigned, 3)}

    @property
    def log_path(self) -> str:
        return f"{self.pool.cfg.workers_dir / str(self.slot) / 'worker.log'} (it ran on node {self.node})"

    def release(self) -> Planned | None:
        item, self.item, self.state = self.item, None, IDLE
        return item

    def ask_to_stop(self, interrupt: bool) -> None:
        self.actor.stop.remote(interrupt)

    def kill(self) -> None:
        self._end(self.actor.kill)

    def clean_up(self) -> None:
        self._end(self.actor.close)

    def _end(self, method) -> None:
        """Have the actor stop its worker (unless its node is lost), keep the worker's log in
        OUT/.workers/<slot>/worker.log as a local worker's, then end the actor."""
        ray = self.pool.ray
        if not self.lost and not self.ended:
            self.ended = True
            try:  # an actor Ray never placed would not answer: a short wait, then the kill below
                log = ray.get(method.remote(), timeout=CALL_S if self.node else 2.0)
            except Exception:  # the actor or its node is gone already: nothing of ours is left to stop
                log = b""
            if log:
                path = self.pool.cfg.workers_dir / str(self.slot) / "worker.log"
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "ab") as f:
                    f.write(f"--- worker {self.slot}.{self.gen} on node {self.node}\n".encode() + log)
        try:
            ray.kill(self.actor)
        except Exception:
            pass

    def reap(self, timeout: float) -> int | None:
        return self.code

    def log_tail(self, lines: int = 3) -> str:
        if self.node is None and not self.tail:
            return (f"Ray placed no worker: does the cluster have {self.pool.cfg.ray_cpus:g} free CPUs "
                    "(--ray-cpus) on a node? See `ray status`")
        return self.tail


class RayPool:
    """Workers as actors on the nodes of the Ray cluster at `cfg.ray`."""

    def __init__(self, cfg: BatchConfig, token: str):
        from .engine import BatchAborted

        try:
            self.ray = ray = import_ray()
        except ImportError as exc:
            raise BatchAborted(str(exc)) from None
        from .ray_node import NodeWorker

        self.cfg, self.token = cfg, token
        self.cfg_json = cfg.model_dump(mode="json")
        if not ray.is_initialized():
            if (why := _unreachable(cfg.ray)) is not None:
                raise BatchAborted(f"--ray {cfg.ray}: cannot connect to the cluster: {why}")
            try:
                # Workers' own output stays in their logs on the nodes, as it does locally.
                ray.init(address=cfg.ray, log_to_driver=False, logging_level="warning")
            except Exception as exc:  # no cluster there, a version mismatch: one line, exit 2
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise BatchAborted(f"--ray {cfg.ray}: cannot connect to the cluster: {first}") from None
            self.owns_ray = True
        else:
            self.owns_ray = False
        self.actor_cls = ray.remote(max_concurrency=4, max_restarts=0)(NodeWorker)
        self.handles: dict[object, RayHandle] = {}

    def start(self, slot: int, gen: int) -> RayHandle:
        h = RayHandle(self, slot, gen)
        self.handles[h.ref] = h
        return h

    def poll(self, timeout: float) -> list[tuple[RayHandle, list[dict]]]:
        if not self.handles:
            time.sleep(timeout)
            return []
        ray = self.ray
        refs = list(self.handles)
        ready, _ = ray.wait(refs, num_returns=1, timeout=timeout)
        if ready:
            ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        out = []
        for ref in ready:
            h = self.handles.pop(ref)
            try:
                msgs = h.take(ray.get(ref))
            except Exception as exc:  # the actor died: its node was lost, or it was killed
                h.closed = h.lost = True
                h.tail = (str(exc).strip().splitlines() or [""])[0]
                msgs = []
            if not h.closed:
                h.ref = h.actor.events.remote(LONG_POLL_S)
                self.handles[h.ref] = h
            out.append((h, msgs))
        return out

    def _close_models(self) -> None:
        """Stop the model actors of this batch (detached, so a worker's end never takes them along)."""
        ray = self.ray
        prefix = MODEL_ACTOR.format(token=self.token, node="")
        try:
            named = ray.util.list_named_actors(all_namespaces=True)
        except Exception:
            return
        for entry in named:
            if not entry["name"].startswith(prefix):
                continue
            try:
                actor = ray.get_actor(entry["name"], namespace=entry["namespace"])
            except Exception:
                continue
            try:
                ray.get(actor.close.remote(), timeout=CALL_S)
            except Exception:
                pass
            try:
                ray.kill(actor)
            except Exception:
                pass

    def forget(self, h: RayHandle) -> None:
        self.handles.pop(h.ref, None)

    def close(self) -> None:
        for h in list(self.handles.values()):
            h.kill()
        self.handles.clear()
        self._close_models()
        if self.owns_ray:
            self.ray.shutdown()
