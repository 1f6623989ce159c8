"""The per-step client paths bench/step_overhead.py times, and the real screen they look at.

- `OpenAIPath`: one step of the openai backend as the agent runs it: capture, then the real
  `ModelPolicy.decide` (the one smart resize, the family's prompt with the history images, the
  request body as `OpenAIBackend.payload()` builds it, encoded to the bytes httpx would send,
  parsing the reply), then a pointer move. Only the network is left out: `InstantServer`
  answers at once, so the time is all client.
- `LocalPath`: the transformers backend's client side: capture, the same resize and prompt, then
  the checkpoint's own processor (chat template, image processor told not to resize) up to the
  tensors it hands to generate(), which is not run; then parse and move. The checkpoint is a tiny
  random-weight one (tests/doubles/tiny_qwen.py): the processor's work does not depend on the
  weights.
- `show_app`: a real app on the display, so the pixels compress and resample like a desktop's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from agent.models.backends.openai_compat import OpenAIBackend, OpenAIOptions
from agent.models.model_policy import ModelPolicy, PolicyConfig
from agent.models.parsers import parse
from agent.steps import StepResult
from drivers.actions import Key, Move

INSTRUCTION = "Sum column B into cell B62 and save the sheet."


class InstantServer(OpenAIBackend):
    """The openai backend with the network replaced by an instant answer: the body is built and
    encoded exactly as for a real request (httpx's own Request), then nothing is sent."""

    def __init__(self, model: str, options: dict, reply: str):
        options = {"base_url": "http://127.0.0.1:9/v1", **options}  # the discard port: nothing listens
        if "check_resize" in OpenAIOptions.model_fields:  # it would ask a real server's /tokenize
            options.setdefault("check_resize", False)
        super().__init__(model, OpenAIOptions(**options))
        self.reply, self.body_bytes = reply, 0

    def _post(self, body: dict, deadline: float | None = None) -> dict:
        request = self._httpx.Request("POST", self.url, json=body, headers=self._client.headers)
        self.body_bytes = len(request.content)
        return {"choices": [{"message": {"content": self.reply}}], "usage": {}}


def act(driver, actions) -> None:
    """The act part of a step: a pointer move to where the parsed action points."""
    for action in actions:
        driver.execute(Move(x=action.x, y=action.y))


class OpenAIPath:
    """One episode of the openai backend's client path; `step()` returns its parts in ms."""

    def __init__(self, driver, family, max_pixels: int | None, options: dict, policy: dict):
        self.driver, self.family = driver, family
        backend = InstantServer("bench", options, family.example_reply)
        self.policy = ModelPolicy(backend, PolicyConfig(family=family.name, max_pixels=max_pixels, **policy))
        self.history: list[StepResult] = []

    def step(self) -> dict[str, float]:
        t0 = time.perf_counter()
        shot = self.driver.screenshot()
        t1 = time.perf_counter()
        decision = self.policy.decide(INSTRUCTION, shot, self.history)
        t2 = time.perf_counter()
        act(self.driver, decision.actions)
        t3 = time.perf_counter()
        self.history.append(StepResult(len(self.history), decision.actions, decision.raw_text))
        image, request = decision.info["preprocess_ms"], decision.info["latency_ms"]
        return {"capture": (t1 - t0) * 1000, "model_image": image, "request_body": request,
                "prompt_and_parse": (t2 - t1) * 1000 - image - request, "act": (t3 - t2) * 1000,
                "body_kb": self.policy.backend.body_bytes / 1024}


class OverlappedPath(OpenAIPath):
    """The openai path as the loop runs it: the screenshot is the one settling returned, and the
    policy prepared it (resize, encoding) while settling confirmed the quiet time (drivers.settle's
    on_quiet -> ModelPolicy.prefetch). The step's own time is one capture (settling's last grab
    is the observation), decide, act; the settling wait and the work done inside it are reported
    apart (`settle_wait`, `overlapped`), not in the step."""

    def __init__(self, driver, family, max_pixels: int | None, options: dict, policy: dict, settle_cfg):
        super().__init__(driver, family, max_pixels, options, policy)
        self.settle_cfg, self.shot = settle_cfg, None

    def step(self) -> dict[str, float]:
        from drivers.settle import settle

        if self.shot is None:  # the first observation: nothing settled before it
            self.shot = self.driver.screenshot()
        t0 = time.perf_counter()
        self.driver.screenshot()  # the capture a step needs (settling's last grab), timed alike
        t1 = time.perf_counter()
        decision = self.policy.decide(INSTRUCTION, self.shot, self.history)
        t2 = time.perf_counter()
        act(self.driver, decision.actions)
        t3 = time.perf_counter()
        settled = settle(self.driver.screenshot, self.shot, self.settle_cfg, on_quiet=self.policy.prefetch)
        t4 = time.perf_counter()
        self.shot = settled.frame
        self.history.append(StepResult(len(self.history), decision.actions, decision.raw_text))
        image, request = decision.info["preprocess_ms"], decision.info["latency_ms"]
        return {"capture": (t1 - t0) * 1000, "model_image": image, "request_body": request,
                "prompt_and_parse": (t2 - t1) * 1000 - image - request, "act": (t3 - t2) * 1000,
                "body_kb": self.policy.backend.body_bytes / 1024, "settle_wait": (t4 - t3) * 1000,
                "overlapped": decision.info.get("prefetch_ms") or 0.0}


class LocalPath:
    """One episode of the transformers backend's client path, up to the processor's tensors."""

    def __init__(self, driver, family, max_pixels: int | None, backend, policy: dict):
        self.driver, self.family, self.backend = driver, family, backend
        self.policy = ModelPolicy(backend, PolicyConfig(family=family.name, max_pixels=max_pixels, **policy))
        self.history: list[StepResult] = []
        self.past: list = []

    def step(self) -> dict[str, float]:
        t0 = time.perf_counter()
        shot = self.driver.screenshot()
        t1 = time.perf_counter()
        image, frame = self.policy.prepare(shot)
        t2 = time.perf_counter()
        k = self.policy.history_images
        messages = self.family.prompt.messages("desktop", INSTRUCTION, self.history, self.past, image,
                                               history_images=k)
        processor = self.backend.processor
        chat, images = self.backend.template_messages(messages)  # as generate() does, line by line
        text = processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        inputs = processor(text=[text], images=images, return_tensors="pt", images_kwargs={"do_resize": False})
        t3 = time.perf_counter()
        actions = parse(self.family.example_reply, self.family, frame)
        act(self.driver, actions)
        t4 = time.perf_counter()
        self.past.append(image)
        self.history.append(StepResult(len(self.history), actions, self.family.example_reply))
        return {"capture": (t1 - t0) * 1000, "model_image": (t2 - t1) * 1000, "processor": (t3 - t2) * 1000,
                "parse_and_act": (t4 - t3) * 1000, "tokens": int(inputs["input_ids"].shape[1])}


def local_backend(family, folder: Path):
    """The real TransformersBackend on a tiny checkpoint of the family's architecture."""
    from agent.models.backends.local import TransformersBackend
    from tests.doubles import tiny_qwen

    return TransformersBackend(str(tiny_qwen.build(folder, family.architectures[0].model_type)))


def _wait_for_screen(driver, blank, timeout_s: float = 60.0) -> None:
    """Until the screen differs from `blank` and then stays still for 1.5 s."""
    from drivers.settle import SettleConfig, changed_pixels, settle

    deadline = time.monotonic() + timeout_s
    while changed_pixels(driver.screenshot(), blank) < 10_000:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not show a window")
        time.sleep(0.2)
    settle(driver.screenshot, None, SettleConfig(quiet_s=1.5, timeout_s=timeout_s))


def show_app(app: str, env: dict[str, str], driver, folder: Path) -> subprocess.Popen | None:
    """Start `app` ("calc": LibreOffice Calc with a 60x12 sheet, "mousepad": a text file, "none":
    the bare black screen) on the display and wait until it has drawn and settled."""
    if app == "none":
        return None
    blank = driver.screenshot()
    if app == "calc":
        data = folder / "orders.csv"
        data.write_text("\n".join(",".join([f"item{r}"] + [f"{r * c + 0.5}" for c in range(1, 12)])
                                  for r in range(60)))
        argv = ["soffice", f"-env:UserInstallation=file://{tempfile.mkdtemp(dir=folder)}", "--calc",
                "--norestore", str(data)]
    elif app == "mousepad":
        data = folder / "note.txt"
        data.write_text("\n".join(f"Line {i}: The quick brown fox jumps over the lazy dog. Grüße, 世界 & $(whoami)"
                                  for i in range(60)))
        argv = ["mousepad", str(data)]
    else:
        raise ValueError(f"unknown app {app!r}: calc, mousepad or none")
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for_screen(driver, blank)
    if app == "calc":  # the CSV import dialog: accept it, then let the sheet draw
        driver.execute(Key(keys=["enter"]))
        time.sleep(1.0)
        _wait_for_screen(driver, blank)
    return proc


def stop_app(proc: subprocess.Popen | None) -> None:
    """End the app's process group (it was started in a session of its own)."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
