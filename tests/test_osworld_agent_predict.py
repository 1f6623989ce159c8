"""OSWorldAgent end to end, as OSWorld's lib_run_single drives it: reset(logger), then
predict(instruction, obs) with PNG bytes, for every family, against a real loopback
OpenAI-compatible server with scripted replies (exact code strings) and tiny random-weight
checkpoints through the real transformers backend (whatever they write, the strings are safe).
Among the replies: a bare `wait` tool call and quotes to type, which OSWorld's reference Qwen and
UI-TARS agents crash on or mistype."""

import io
import json
import logging

import pytest
from PIL import Image

from agent.harness import OSWorldAgent
from agent.harness.pyautogui_code import DONE, FAIL, WAIT
from agent.models.families import FAMILIES
from drivers.actions import parse_action
from tests.doubles.openai_server import ChatServer
from tests.doubles import tiny_qwen
from tests.test_osworld_agent_code import calls

SCREEN = (1920, 1080)
TEXT = 'it\'s "ok" \\ done'
CLICK = "import pyautogui\npyautogui.click(960, 540, button='left', clicks=1, interval=0)"
WRITE = "import pyautogui\npyautogui.write('it\\x27s \\x22ok\\x22 \\x5c done')"


def obs(color=(40, 80, 120), size=SCREEN) -> dict:
    """An observation as OSWorld's DesktopEnv gives it: the screenshot as PNG bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return {"screenshot": buffer.getvalue(), "accessibility_tree": None, "terminal": None, "instruction": "x"}


def tool_call(arguments: dict, action_line: bool) -> str:
    call = "<tool_call>\n" + json.dumps({"name": "computer_use", "arguments": arguments}) + "\n</tool_call>"
    return ('Action: "Do it."\n' + call) if action_line else call


def script(family: str):
    """Replies of a model of `family`: click the screen's centre, type TEXT, a bare wait, done."""
    asked = []

    def reply(body, images):
        step = len(asked) % 4  # a fifth request (after reset) starts over
        asked.append(body)
        w, h = images[-1].size  # the image the model saw: absolute coordinates are in its pixels
        escaped = TEXT.replace("\\", "\\\\").replace("'", "\\'")
        match family:
            case "qwen2.5-vl" | "qwen3-vl":
                centre = [w // 2, h // 2] if family == "qwen2.5-vl" else [499.5, 499.5]
                return [tool_call({"action": "left_click", "coordinate": centre}, family == "qwen3-vl"),
                        tool_call({"action": "type", "text": TEXT}, family == "qwen3-vl"),
                        tool_call({"action": "wait"}, False),  # no Action line: the reference agents' IndexError
                        tool_call({"action": "terminate", "status": "success"}, False)][step]
            case "ui-tars-1.5":
                point = f"click(point='<point>{w // 2} {h // 2}</point>')"
            case "ui-tars":
                point = "click(start_box='(500,500)')"
            case "qwen2-vl":
                point = "click(<|box_start|>(490,490),(510,510)<|box_end|>)"
        return [f"Thought: the centre.\nAction: {point}", f"Thought: type it.\nAction: type(content='{escaped}')",
                "Action: wait()", "Action: finished()"][step]
    return reply


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_gives_the_exact_code_through_a_served_model(family, caplog):
    with ChatServer(script(family)) as server:
        agent = OSWorldAgent(f"served-{family}", backend="openai", family=family, base_url=server.url)
        logger = logging.getLogger("desktopenv.experiment.test")
        caplog.set_level(logging.INFO, logger=logger.name)
        agent.reset(logger)
        got = [agent.predict("Type it in the middle.", obs(color=(i * 40, 0, 0))) for i in range(4)]
        assert [actions for _, actions in got] == [[CLICK], [WRITE], [WAIT], [DONE]]
        assert all(isinstance(response, str) and response for response, _ in got)
        assert "wait" in got[2][0] and "Action" not in got[2][0] if family.startswith("qwen2.5") else True
        # Its own history: the family's window of two screenshots.
        assert [images_in(r) for r in server.requests] == [1, 2, 2, 2]
        assert [len(step.actions) for step in agent.history] == [1, 1, 1, 1]
        agent.reset(logger, vm_ip="10.0.0.2")  # newer OSWorld scripts pass the VM's address too
        assert agent.history == [] and agent.predict("Again.", obs())[1] == [CLICK]
        assert images_in(server.requests[-1]) == 1  # a new task starts without the last one's screens
    assert any("step 1:" in r.getMessage() for r in caplog.records if r.name == logger.name)


def images_in(request: dict) -> int:
    return sum(1 for m in request["messages"] for p in (m["content"] if isinstance(m["content"], list) else [])
               if p.get("type") == "image_url")


@pytest.mark.parametrize("family", ["qwen2.5-vl", "qwen3-vl"])
def test_what_the_reference_qwen_agents_crash_on_or_mistype(family):
    """Their parse_response raises IndexError on a reply that is only a wait (or terminate) tool
    call, and writes typewrite('it's'), a SyntaxError in the VM."""
    replies = iter([tool_call({"action": "wait"}, False), tool_call({"action": "type", "text": "it's"}, False),
                    tool_call({"action": "key", "keys": ["'", "ctrl"]}, False),
                    tool_call({"action": "terminate"}, False)])
    with ChatServer(lambda body, images: next(replies)) as server:
        agent = OSWorldAgent(f"served-{family}", backend="openai", family=family, base_url=server.url)
        agent.reset()
        got = [agent.predict("x", obs())[1] for _ in range(4)]
    assert got == [[WAIT], ["import pyautogui\npyautogui.write('it\\x27s')"],
                   ["import pyautogui\npyautogui.hotkey('\\x27', 'ctrl', interval=0.02)"], [DONE]]


def test_unusable_replies_are_fed_back_and_end_the_task_with_done_after_three():
    replies = iter(["wait", "I would click the button.", "Action: wait()", "clicking", "no", "still no"])
    with ChatServer(lambda body, images: next(replies)) as server:
        agent = OSWorldAgent("ui-tars-1.5-7b", backend="openai", base_url=server.url)
        agent.reset()
        got = [agent.predict("Press OK.", obs()) for _ in range(6)]
    assert [actions for _, actions in got] == [[], [], [WAIT], [], [], [DONE]]
    assert [r for r, _ in got][0] == "wait"  # a bare word: a format error, never a crash
    assert agent.history[0].error.startswith("format error:")
    assert "could not be used" in json.dumps(server.requests[1]) or "format error" in json.dumps(server.requests[1])


def test_infeasible_and_call_user_say_fail_and_end_the_step():
    replies = iter([tool_call({"action": "terminate", "status": "failure"}, False)])
    with ChatServer(lambda body, images: next(replies)) as server:
        agent = OSWorldAgent("qwen2.5-vl-7b", backend="openai", base_url=server.url)
        agent.reset()
        assert agent.predict("Do the impossible.", obs())[1] == [FAIL]
    actions = [parse_action(a) for a in ({"type": "call_user", "message": "help"}, {"type": "click", "x": 1, "y": 1})]
    assert agent.codes(actions, SCREEN) == ([FAIL], None)


def test_a_refused_action_stops_the_step_and_is_told_to_the_model():
    replies = iter(["Action: click(point='<point>10 10</point>')", "Action: finished()"])
    with ChatServer(lambda body, images: next(replies)) as server:
        agent = OSWorldAgent("ui-tars-1.5-7b", backend="openai", base_url=server.url)
        agent.reset()
        agent.predict("x", obs())
        # What our environment would have refused: the rest of a step after a refusal is dropped.
        actions = [parse_action(a) for a in ({"type": "click", "x": 5, "y": 5}, {"type": "button", "name": "home"},
                                             {"type": "click", "x": 6, "y": 6})]
        codes, error = agent.codes(actions, SCREEN)
        assert len(codes) == 1 and error == "action refused: a desktop has no 'home' button; use a key action instead"
        assert calls(codes[0]) == [("pyautogui.click", [5, 5], {"button": "left", "clicks": 1, "interval": 0})]


def test_bad_arguments_are_one_line_errors():
    with pytest.raises(ValueError, match="give a model name or a policy"):
        OSWorldAgent()
    with pytest.raises(ValueError, match="unknown model family 'gpt'"):
        OSWorldAgent("m", backend="openai", family="gpt", base_url="http://127.0.0.1:9/v1")
    with ChatServer(lambda body, images: "Action: wait()") as server:
        agent = OSWorldAgent("ui-tars-1.5-7b", backend="openai", base_url=server.url)
        for bad in ({}, {"screenshot": None}, {"screenshot": b"not a png"}):
            with pytest.raises(ValueError, match=r"obs\['screenshot'\]") as info:
                agent.predict("x", bad)
            assert "\n" not in str(info.value)
        with pytest.raises(ValueError, match="max_format_errors must be at least 1"):
            OSWorldAgent(policy=agent.policy, max_format_errors=0)


# --- tiny random-weight checkpoints, run locally ---------------------------------------------------

CASES = tiny_qwen.FAMILY_CASES


@pytest.fixture(scope="module")
def checkpoints(tiny_checkpoints):
    return tiny_checkpoints


@pytest.mark.slow
@pytest.mark.parametrize("arch, family", CASES)
def test_tiny_local_models_give_only_safe_code(checkpoints, arch, family):
    agent = OSWorldAgent(checkpoints[arch], family=family, max_pixels=256 * 28 * 28, max_new_tokens=96,
                         max_format_errors=10)
    agent.reset(None)
    for step in range(3):
        response, actions = agent.predict("Press OK.", obs(size=(1280, 720)))
        assert isinstance(response, str) and isinstance(actions, list)
        for code in actions:
            assert code in (WAIT, DONE, FAIL) or calls(code)
        if actions and actions[-1] in (DONE, FAIL):
            break
    assert len(agent.history) == step + 1
