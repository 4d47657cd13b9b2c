"""Structured output: validated against the schema, repaired once, or reported in one line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from esc_cli.errors import BackendError
from esc_cli.llm.client import ModelClient
from esc_cli.llm.fake_server import FakeServer
from esc_cli.llm.scripted import ScriptedBackend
from esc_cli.llm.structured import ReplyError, minimal_instance, parse_json_text, parse_reply

from .llm_helpers import BACKENDS, MODELS, ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"reply": {"type": "string"}, "strategy": {"enum": ["Question", "Reflection of feelings"]}},
    "required": ["reply", "strategy"],
    "additionalProperties": False,
}


def _scripted(replies: list[Any]) -> tuple[FakeServer, list[Any]]:
    queue = list(replies)
    return FakeServer(reply=lambda body: queue.pop(0)), queue


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reply_that_fails_the_schema_is_repaired_once(backend: str) -> None:
    good = {"reply": "That sounds hard.", "strategy": "Reflection of feelings"}
    server, _ = _scripted(['{"reply": "hi", "strategy": "Advice"}', json.dumps(good)])
    with server:
        client = client_for(backend, server)
        completion = run(client.complete(ask(json_schema=SCHEMA)))
        assert completion.data == good
        assert server.requests == 2
        repair = server.bodies[1]["messages"]
        assert repair[-2] == {"role": "assistant", "content": '{"reply": "hi", "strategy": "Advice"}'}
        assert repair[-1]["content"].startswith(
            "Your reply did not match the JSON Schema: at $.strategy: 'Advice' is not one of"
        )
        assert [row.calls for row in client.ledger.rows()] == [2]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_second_failure_is_reported_in_one_line(backend: str) -> None:
    server, _ = _scripted(["I feel you.", '{"reply": 3}'])
    with server:
        client = client_for(backend, server)
        with pytest.raises(BackendError) as caught:
            run(client.complete(ask(json_schema=SCHEMA)))
        assert server.requests == 2  # one repair, no more
    assert str(caught.value) == (
        f"{backend} {MODELS[backend]} (agent): the reply does not match the JSON schema, even after one "
        "repair: at $: 'strategy' is a required property; at $.reply: 3 is not of type 'string' (try a "
        "stronger model, or check that the prompt asks for this shape)"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_schema_is_sent_and_echo_replies_fit_it(backend: str, server: FakeServer) -> None:
    client = client_for(backend, server)
    data = run(client.complete_json(ask(json_schema=SCHEMA)))
    assert data == {"reply": "x", "strategy": "Question"}
    body = server.bodies[0]
    if backend == "openai":
        assert body["response_format"]["json_schema"]["schema"] == SCHEMA
        assert "JSON Schema" in body["messages"][0]["content"]
    else:
        assert "JSON Schema" in body["system"][0]["text"]


def test_scripted_backend_replies_in_order_then_by_handler() -> None:
    backend = ScriptedBackend(["first", {"reply": "a", "strategy": "Question"}], handler=lambda r: "later")
    client = ModelClient(backend, role="agent")
    assert run(client.complete(ask())).text == "first"
    assert run(client.complete_json(ask(json_schema=SCHEMA))) == {"reply": "a", "strategy": "Question"}
    assert run(client.complete(ask())).text == "later"
    assert backend.pending == 0 and len(backend.requests) == 3
    assert backend.requests[0].role == "agent"


def test_scripted_backend_without_replies_says_so() -> None:
    client = ModelClient(ScriptedBackend())
    with pytest.raises(BackendError, match=r"^scripted backend: no reply queued for call 1 \(enqueue"):
        run(client.complete(ask()))


def test_parsing_tolerates_a_code_fence_and_names_the_place_of_an_error() -> None:
    assert parse_json_text('```json\n{"a": 1}\n```') == {"a": 1}
    with pytest.raises(ReplyError, match=r"^not valid JSON: Expecting value at line 1 column 1$"):
        parse_json_text("sure! here it is")
    with pytest.raises(ReplyError, match=r"^at \$\.items\[1\]: 'x' is not of type 'integer'$"):
        parse_reply(
            '{"items": [1, "x"]}', {"type": "object", "properties": {"items": {"items": {"type": "integer"}}}}
        )


def test_minimal_instance_fits_its_schema() -> None:
    for schema in (
        SCHEMA,
        {"type": "array", "items": {"type": "number"}, "minItems": 2},
        {"type": ["null", "boolean"]},
    ):
        parse_reply(json.dumps(minimal_instance(schema)), schema)
