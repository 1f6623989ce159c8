"""The openai backend against a real loopback server: exact clicks in a real Tk app for every
family, retries with backoff, and one-line errors when the server is away."""

import json
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from agent import status
from agent.models import build_policy
from agent.models.backends import BackendError
from agent.models.families import FAMILIES, get_family
from agent.models.resize import model_size
from agent.runner import run_task
from drivers.settle import SettleConfig
from tasks.load import load_yaml_task
from tests.doubles.openai_server import ChatServer, decode_images
from tests.helpers.tk import SCREEN

pytestmark = pytest.mark.slow

# A white screen with one 8x8 magenta square far from the centre; it logs every click's position.
TARGET = (1187, 731, 8)
APP = textwrap.dedent(f"""
    import json, sys, tkinter as tk
    log = sys.argv[1]
    def write(**e):
        with open(log, "a") as f: f.write(json.dumps(e) + "\\n")
    root = tk.Tk(); root.geometry("{SCREEN[0]}x{SCREEN[1]}+0+0"); root.configure(bg="white")
    x, y, s = {TARGET}
    square = tk.Frame(root, bg="#ff00ff", width=s, height=s); square.place(x=x, y=y)
    square.bind("<Button-1>", lambda e: write(event="click", target="square", x=e.x_root, y=e.y_root))
    root.bind("<Button-1>", lambda e: write(event="click", target="background", x=e.x_root, y=e.y_root))
    root.after(200, lambda: write(event="ready"))
    root.mainloop()
""")


@pytest.fixture(scope="module")
def square_app(xvfb_display, tmp_path_factory):
    folder = tmp_path_factory.mktemp("square")
    (folder / "app.py").write_text(APP)
    log = folder / "events.jsonl"
    proc = subprocess.Popen([sys.executable, str(folder / "app.py"), str(log)])
    deadline = time.monotonic() + 20
    while not (log.exists() and "ready" in log.read_text()):
        assert time.monotonic() < deadline and proc.poll() is None, "the square app did not start"
        time.sleep(0.05)
    time.sleep(0.3)
    yield log
    proc.terminate()
    proc.wait(timeout=5)


def find_square(image):
    """Centroid of the magenta pixels, in pixels of the image the server received."""
    px, xs, ys = image.load(), [], []
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = px[x, y]
            if r - g > 100 and b - g > 100:
                xs.append(x)
                ys.append(y)
    assert xs, "no target in the image"
    return sum(xs) / len(xs), sum(ys) / len(ys)


def scripted_reply(family):
    """A perfect model of `family`: points at the square in the coordinates that family writes."""
    def reply(body, images):
        if len([m for m in body["messages"] if m["role"] == "assistant"]):
            return '<tool_call>{"name": "computer_use", "arguments": {"action": "terminate", "status": "success"}}'
        (cx, cy), (w, h) = find_square(images[-1]), images[-1].size
        match family:
            case "qwen2.5-vl":
                return ('<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", '
                        f'"coordinate": [{round(cx)}, {round(cy)}]}}}}\n</tool_call>')
            case "qwen3-vl":
                return ('Thought: The square is there.\nAction: "Click the square."\n<tool_call>\n{"name": '
                        f'"computer_use", "arguments": {{"action": "left_click", "coordinate": [{round(cx / w * 999)}, '
                        f'{round(cy / h * 999)}]}}}}\n</tool_call>')
            case "ui-tars":
                x, y = round(cx / w * 1000), round(cy / h * 1000)
                return f"Thought: click it\nAction: click(start_box='<|box_start|>({x},{y})<|box_end|>')"
            case "ui-tars-1.5":
                return f"Thought: click it\nAction: click(point='<point>{round(cx)} {round(cy)}</point>')"
            case "qwen2-vl":
                x, y = cx / w * 1000, cy / h * 1000
                box = f"<|box_start|>({round(x - 3)},{round(y - 2)}),({round(x + 3)},{round(y + 2)})<|box_end|>"
                return f"Thought: the square.\nAction: click({box})"
    return reply


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("shrink", [False, True])
def test_a_served_model_clicks_exactly(family, shrink, square_app, desktop, tmp_path):
    fam = get_family(family)
    max_pixels = 300 * fam.factor ** 2 if shrink else None
    square_app.write_text("")
    task_path = tmp_path / "task.yaml"
    task_path.write_text(json.dumps({"id": f"square-{family}", "domain": "models", "instruction": "Click the square.",
                                     "checker": {"file": str(square_app), "contains": '"target": "square"'},
                                     "limits": {"max_steps": 3}}))
    with ChatServer(scripted_reply(family)) as server:
        policy = build_policy(f"served-{family}", backend="openai", family=family, base_url=server.url,
                              max_pixels=max_pixels)
        result = run_task(load_yaml_task(task_path), desktop, policy, tmp_path / "out",
                          settle_cfg=SettleConfig(quiet_s=0.1, timeout_s=2))
    assert (result.status, result.score) == (status.SUCCESS, 1.0)
    clicks = [json.loads(line) for line in square_app.read_text().splitlines()]
    centre = (TARGET[0] + TARGET[2] / 2, TARGET[1] + TARGET[2] / 2)
    assert clicks and abs(clicks[0]["x"] - centre[0]) <= 2.5 and abs(clicks[0]["y"] - centre[1]) <= 2.5
    sent = server.requests[0]
    size = model_size(*SCREEN, fam, max_pixels=max_pixels)
    user = next(m for m in sent["messages"] if m["role"] == "user" and decode_images(m))
    assert [image.size for image in decode_images(user)] == [size]  # the one resize, nothing more
    assert user["content"][-1]["image_url"]["url"].startswith("data:image/png;base64,")
    if family == "qwen2.5-vl":
        assert f"The screen's resolution is {size[0]}x{size[1]}." in sent["messages"][0]["content"]
    traj = json.loads((tmp_path / f"out/models/square-{family}/traj.jsonl").read_text().splitlines()[0])
    assert traj["info"]["model_size"] == list(size) and traj["info"]["completion_tokens"] == 7


def test_retries_429_and_5xx_with_backoff():
    answers = [(429, '{"error": "slow down"}', {"Retry-After": "0.2"}), (503, "overloaded", {}),
               (502, "bad gateway", {}), "Action: wait()"]
    stamps = []

    def reply(body, images):
        stamps.append(time.monotonic())
        return answers[len(stamps) - 1]

    with ChatServer(reply) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, backoff_s=0.05, retries=3)
        from PIL import Image
        decision = policy.decide("Wait.", Image.new("RGB", (640, 480)), [])
    assert [a.type for a in decision.actions] == ["wait"] and len(stamps) == 4
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.05 and gaps[2] >= 0.1  # Retry-After, then doubling


def test_gives_up_with_one_line_after_retries_and_does_not_retry_client_errors():
    from PIL import Image
    with ChatServer(lambda body, images: (500, "boom", {})) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, backoff_s=0.01, retries=2)
        with pytest.raises(BackendError, match=r"HTTP 500: boom \(gave up after 3 tries\)") as info:
            policy.decide("x", Image.new("RGB", (64, 64)), [])
        assert len(server.requests) == 3 and "\n" not in str(info.value)
    with ChatServer(lambda body, images: (400, '{"error": "bad model"}', {})) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, backoff_s=0.01)
        with pytest.raises(BackendError, match="HTTP 400"):
            policy.decide("x", Image.new("RGB", (64, 64)), [])
        assert len(server.requests) == 1


def test_unreachable_server_and_timeouts_are_one_line_errors():
    from PIL import Image
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    policy = build_policy("qwen2.5-vl-7b", backend="openai", base_url=f"http://127.0.0.1:{port}/v1",
                          retries=1, backoff_s=0.01)
    with pytest.raises(BackendError, match=f"cannot reach the model server at http://127.0.0.1:{port}/v1") as info:
        policy.decide("x", Image.new("RGB", (64, 64)), [])
    assert "\n" not in str(info.value)
    with ChatServer(lambda body, images: "Action: wait()", delay_s=1.0) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, timeout_s=0.2, retries=0)
        with pytest.raises(BackendError, match="within the timeout"):
            policy.decide("x", Image.new("RGB", (64, 64)), [])


def test_family_must_be_known_before_connecting():
    with pytest.raises(ValueError, match="pass --family"):
        build_policy("my-private-model", backend="openai", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="unknown model family"):
        build_policy("x", backend="openai", family="gpt-4v")
    with pytest.raises(ValueError, match="--backend openai"):
        build_policy("Qwen/Qwen2.5-VL-7B-Instruct", base_url="http://127.0.0.1:9/v1")
