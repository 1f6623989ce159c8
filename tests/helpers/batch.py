"""Helpers for the batch and report tests: task files written on the spot (ours and OSWorld's),
recorded trajectories, the real `gui-agent batch` in a child process, and what it left behind.
The two batches several test modules look at are session fixtures (tests/conftest.py) built
by `run_mixed_suite` and `run_model_batch`."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tasks" / "suites" / "desktop-basics"
MARKER = "GUI_AGENT_BATCH_SLOT"

needs_apps = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("Xvfb", "mousepad", "xdotool")),
    reason="needs xvfb, xdotool and mousepad (scripts/setup.sh installs them)")
needs_suite_apps = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("chromium", "libreoffice")),
    reason="needs chromium and libreoffice-calc (scripts/setup.sh installs them)")


# ---- writing tasks and trajectories -------------------------------------------------------

def write_yaml(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_replay(folder: Path, task_id: str, actions: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{task_id}.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in actions), encoding="utf-8")
    return path


def mousepad_task(folder: Path, task_id: str, text: str, *, domain: str = "notes", setup: list | None = None,
                  instruction: str | None = None, max_steps: int = 8) -> Path:
    """A YAML task: Mousepad opens $WORKDIR/<id>.txt; solved when the file holds exactly `text`."""
    return write_yaml(folder / f"{task_id}.yaml", {
        "id": task_id, "domain": domain, "instruction": instruction or f"Write {text!r} and save.",
        "setup": [*(setup or []), {"launch": ["mousepad", f"$WORKDIR/{task_id}.txt"]},
                  {"wait_window": f"{task_id}.txt"}],
        "checker": {"file": f"$WORKDIR/{task_id}.txt", "equals": text},
        "limits": {"max_steps": max_steps, "max_seconds": 60},
    })


def typing(text: str, pause_s: float = 0.0) -> list[dict]:
    """Click into the editor, type, (pause,) save."""
    actions = [{"type": "click", "x": 640, "y": 420}, {"type": "type", "text": text}]
    if pause_s:
        actions.append({"type": "wait", "seconds": pause_s})
    return actions + [{"type": "key", "keys": ["ctrl", "s"]}]


def copy_suite(dest: Path) -> tuple[Path, Path]:
    """The repository's desktop-basics suite copied to dest/suite (tasks and cache) and its
    recorded trajectories to dest/replay."""
    shutil.copytree(SUITE, dest / "suite", ignore=shutil.ignore_patterns("replay", "*.md"))
    shutil.copytree(SUITE / "replay", dest / "replay")
    return dest / "suite", dest / "replay"


def osworld_variant(source: Path, dest: Path, new_id: str, **changes) -> Path:
    """A copy of an OSWorld task file under another id (and other fields)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    data.update(id=new_id, **changes)
    return write_json(dest, data)


def yaml_variant(source: Path, dest: Path, new_id: str) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["id"] = new_id
    return write_yaml(dest, data)


# ---- running the batch --------------------------------------------------------------------

def batch_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "agent.cli", "batch", *args]


def child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DISPLAY", None)  # the batch must need no display of ours
    return env


def run_batch(*args: str, timeout: float = 240, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the batch to its end; the result also carries the batch process id as `.pid`."""
    proc = subprocess.Popen(batch_argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(), cwd=cwd)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the batch ran over {timeout} s:\n{err[-3000:]}") from None
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    done.pid = proc.pid
    return done


def start_batch(*args: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as f:
        return subprocess.Popen(batch_argv(*args), stdout=f, stderr=subprocess.STDOUT, env=child_env(), cwd=ROOT)


def results(out: Path) -> dict[str, dict]:
    """'domain/task' -> result.json plus `final` (result.txt exists) and `txt` (its score)."""
    found = {}
    for path in sorted(out.glob("*/*/result.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        txt = path.parent / "result.txt"
        body["final"] = txt.exists()
        body["txt"] = float(txt.read_text()) if txt.exists() else None
        found[f"{path.parent.parent.name}/{path.parent.name}"] = body
    return found


def leftovers(batch_pid: int) -> list[int]:
    """Processes still marked as started by the batch process `batch_pid` (workers, Xvfb, apps)."""
    want = f"{MARKER}={batch_pid}-".encode()
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            env = Path(f"/proc/{entry.name}/environ").read_bytes()
            state = Path(f"/proc/{entry.name}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z" and any(v.startswith(want) for v in env.split(b"\0")):
            pids.append(int(entry.name))
    return pids


def scratch_left(batch_pid: int) -> list[Path]:
    """Temporary folders of the batch process `batch_pid`'s workers that are still there."""
    import tempfile

    return [p for base in {Path(tempfile.gettempdir()), Path("/tmp")} for p in base.glob(f"gui-agent-{batch_pid}-w*")]


def wait_until(predicate, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=timeout)


# ---- one mixed batch shared by the suite and report tests ----------------------------------

class SuiteRun:
    """The result of `run_mixed_suite`: where it went and what the command said."""

    def __init__(self, root: Path, out: Path, proc: subprocess.CompletedProcess, seconds: float):
        self.root, self.out, self.proc, self.seconds = root, out, proc, seconds
        self.results = results(out)


def run_mixed_suite(root: Path) -> SuiteRun:
    """The repository suite with its recorded trajectories, plus tasks written here: wrong
    trajectories (YAML and OSWorld compare_table), an infeasible task answered as feasible, an
    OSWorld task whose file is not in the cache, one with a metric we lack, and one with no
    trajectory; all in one batch of two workers, in the folder `root`."""
    suite, replay = copy_suite(root)
    extra = root / "suite"
    # Wrong trajectories of real tasks: the checkers must say 0.
    yaml_variant(SUITE / "mousepad/list.yaml", extra / "mousepad/list-wrong.yaml", "mousepad-list-wrong")
    write_replay(replay, "mousepad-list-wrong", [  # also every kind of mark the report draws
        {"type": "click", "x": 640, "y": 420}, {"type": "type", "text": "milk\nbred\n"},
        {"type": "click", "x": 400, "y": 240, "count": 2}, {"type": "drag", "x": 340, "y": 240, "to_x": 520, "to_y": 262},
        {"type": "scroll", "x": 640, "y": 420, "direction": "down", "amount": 3},
        {"type": "click", "x": 640, "y": 420, "button": "right"}, {"type": "key", "keys": ["esc"]},
        {"type": "key", "keys": ["ctrl", "s"]}])
    osworld_variant(SUITE / "libreoffice_calc/order-totals.json", extra / "libreoffice_calc/wrong.json",
                    "calc-order-totals-wrong")
    right = [json.loads(line) for line in (SUITE / "replay/calc-order-totals.jsonl").read_text().splitlines()]
    write_replay(replay, "calc-order-totals-wrong",  # sums instead of products
                 [{**a, "text": a["text"].replace("*", "+")} if a["type"] == "type" else a for a in right])
    # An infeasible task the agent claims to have done.
    osworld_variant(SUITE / "os/infeasible-font.json", extra / "os/infeasible-claimed.json", "os-infeasible-claimed")
    write_replay(replay, "os-infeasible-claimed", [{"type": "done", "status": "success"}])
    # Skips: a file the cache lacks, a metric we lack, a task with no trajectory.
    osworld_variant(SUITE / "libreoffice_calc/order-totals.json", extra / "libreoffice_calc/uncached.json",
                    "calc-uncached", config=[{"type": "download", "parameters": {"files": [
                        {"url": "https://files.example.invalid/absent.xlsx", "path": "/home/user/absent.xlsx"}]}}])
    write_replay(replay, "calc-uncached", [{"type": "wait", "seconds": 0.1}])
    osworld_variant(SUITE / "os/infeasible-font.json", extra / "os/odd-metric.json", "os-odd-metric",
                    evaluator={"func": "compare_quantum_states", "result": {"type": "vm_file", "path": "/x",
                                                                          "dest": "x"}, "expected": None})
    write_replay(replay, "os-odd-metric", [{"type": "wait", "seconds": 0.1}])
    mousepad_task(extra / "notes", "notes-no-replay", "never typed")
    out = root / "out"
    t0 = time.monotonic()
    proc = run_batch(str(suite), "--out", str(out), "--replay", str(replay), "--workers", "2")
    return SuiteRun(root, out, proc, time.monotonic() - t0)


# ---- a batch driven by a served model (a real loopback OpenAI-compatible server) -------------

HOSTILE_THOUGHT = 'I will type it. </pre><script>alert("reply")</script><img src=x onerror="alert(1)">'
# No '<' in typed text: pyautogui types it as '>' on X (a driver matter, reported separately).
HOSTILE_TEXT = 'x > y & "q" \\ end'
HOSTILE_INSTRUCTION = 'Type x > y & "q" \\ end, then save. <script>alert("instruction")</script>'


def _model_reply(turn: int) -> str:
    """The served model's reply to its `turn`-th request (0-based): type, save, finish."""
    call = [{"action": "type", "text": HOSTILE_TEXT}, {"action": "key", "keys": ["ctrl", "s"]},
            {"action": "terminate", "status": "success"}][min(turn, 2)]
    thought = HOSTILE_THOUGHT if turn == 0 else "Saving."
    return f'{thought}\n<tool_call>\n{json.dumps({"name": "computer_use", "arguments": call})}\n</tool_call>'


class ModelRun:
    def __init__(self, out: Path, proc: subprocess.CompletedProcess, requests: list[dict]):
        self.out, self.proc, self.requests = out, proc, requests
        self.results = results(out)


def run_model_batch(root: Path) -> ModelRun:
    """One YAML task whose instruction and model replies carry HTML, run by `batch --model` over
    the openai backend, in the folder `root`."""
    from tests.doubles.openai_server import ChatServer

    mousepad_task(root / "tasks", "hostile-text", HOSTILE_TEXT, domain="web_text", instruction=HOSTILE_INSTRUCTION)
    out = root / "out"
    turns = itertools.count()  # the server asks once per request, in order
    with ChatServer(lambda body, images: _model_reply(next(turns))) as server:
        proc = run_batch(str(root / "tasks"), "--out", str(out), "--model", "served-qwen", "--backend", "openai",
                         "--family", "qwen2.5-vl", "--base-url", server.url, "--api-key", "test-key",
                         "--max-pixels", "200000", "--max-new-tokens", "77", "--history-images", "1")
    return ModelRun(out, proc, server.requests)
