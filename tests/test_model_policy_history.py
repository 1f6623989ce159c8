"""ModelPolicy shows earlier screenshots from its own episode store, as the family's window says,
and reset() starts a new episode; through the real openai backend and a loopback server."""

from PIL import Image

from agent.models import build_policy
from agent.steps import StepResult
from tests.doubles.openai_server import ChatServer, decode_images

REPLY = "Thought: wait.\nAction: wait()"


def shades(server):
    """The red value of every image each request carried (each screenshot is one flat colour)."""
    return [[image.getpixel((0, 0))[0] for m in body["messages"] for image in decode_images(m)]
            for body in server.requests]


def screen(shade: int) -> Image.Image:
    return Image.new("RGB", (640, 480), (shade, 0, 0))


def test_history_images_come_from_the_episode_and_reset_forgets_them():
    with ChatServer(lambda body, images: REPLY) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url, history_images=3)
        history = []
        for index, shade in enumerate((10, 20, 30, 40)):
            decision = policy.decide("Wait.", screen(shade), history)
            history.append(StepResult(index=index, actions=decision.actions, raw_text=decision.raw_text))
        # Three screenshots a prompt at most: the two before this step's, then this step's.
        assert shades(server) == [[10], [10, 20], [10, 20, 30], [20, 30, 40]]
        policy.reset()
        policy.decide("Wait.", screen(50), history)  # a history the new episode has no screenshots of
        assert shades(server)[-1] == [50]
        policy.decide("Wait.", screen(60), [])  # an empty history starts a new episode too
        policy.decide("Wait.", screen(70), history[:1])
        assert shades(server)[-2:] == [[60], [60, 70]]


def test_the_window_defaults_to_the_familys():
    with ChatServer(lambda body, images: REPLY) as server:
        policy = build_policy("ui-tars-7b", backend="openai", base_url=server.url)
        assert policy.history_images == policy.family.history_images == 2
        history = []
        for index, shade in enumerate((10, 20, 30)):
            decision = policy.decide("Wait.", screen(shade), history)
            history.append(StepResult(index=index, actions=decision.actions, raw_text=decision.raw_text))
        assert shades(server) == [[10], [10, 20], [20, 30]]
