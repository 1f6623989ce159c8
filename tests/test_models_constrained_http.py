"""The openai backend sends each step's grammar, finds out once whether the server honours it,
and tells a server that never answered from one that went away."""

from __future__ import annotations

import json
import re
import socket

import pytest
from PIL import Image

from agent.models import build_policy
from agent.models.backends import BackendError
from tests.doubles.openai_server import ChatServer

CALL = '<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [10, 20]}}\n</tool_call>'


def screen():
    return Image.new("RGB", (640, 400), (200, 210, 220))


def policy_for(server, **options):
    return build_policy("served", backend="openai", family="qwen2.5-vl", base_url=server.url, check_resize=False,
                        **options)


def test_each_request_carries_the_steps_grammar():
    with ChatServer(lambda body, images: CALL) as server:
        decision = policy_for(server).decide("Click.", screen(), [])
    regex = server.requests[0]["structured_outputs"]["regex"]
    assert re.fullmatch(regex, CALL) and decision.info["constrained"] is True
    assert not re.fullmatch(regex, CALL.replace("[10, 20]", "[10, 99999]"))  # bounded to the image


def test_a_server_that_refuses_the_field_is_asked_without_it():
    def reply(body, images):
        if "structured_outputs" in body:
            return 400, json.dumps({"error": {"message": "Unknown field: structured_outputs"}}), {}
        return CALL

    with ChatServer(reply) as server:
        policy = policy_for(server)
        first = policy.decide("Click.", screen(), [])
        second = policy.decide("Click.", screen(), [])
    assert (first.info["constrained"], second.info["constrained"]) == (False, False)
    assert ["structured_outputs" in r for r in server.requests] == [True, False, False]


def test_a_server_that_ignores_the_field_is_not_sent_it_again():
    prose = "Sure, I will click it. " + CALL  # parses, but no constrained reply looks like this
    with ChatServer(lambda body, images: prose) as server:
        policy = policy_for(server)
        first = policy.decide("Click.", screen(), [])
        second = policy.decide("Click.", screen(), [])
    assert [a.type for a in first.actions] == ["click"] and first.info["constrained"] is False
    assert ["structured_outputs" in r for r in server.requests] == [True, False]
    assert second.info["constrained"] is False


def test_turned_off_it_is_never_sent():
    with ChatServer(lambda body, images: CALL) as server:
        policy_for(server, constrained=False).decide("Click.", screen(), [])
    assert "structured_outputs" not in server.requests[0]


def test_a_server_that_never_answered_is_given_up_on_in_first_contact_s():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    policy = build_policy("served", backend="openai", family="qwen2.5-vl", base_url=f"http://127.0.0.1:{port}/v1",
                          backoff_s=0.05, first_contact_s=0.3, patience_s=600)
    with pytest.raises(BackendError, match=r"cannot reach the model server .*it never answered; first_contact_s=0.3"):
        policy.decide("x", screen(), [])
