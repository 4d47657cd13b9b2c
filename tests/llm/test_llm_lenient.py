"""Lenient, checked reading of model JSON, and the JSON-mode fallback against the fake server."""

from __future__ import annotations

import asyncio
import json

import pytest

from esc_cli.errors import BackendError
from esc_cli.llm.fake_server import FakeServer
from esc_cli.llm.lenient import ReplyError, coerce, loads_lenient, read_reply

from .llm_helpers import ask, client_for, run

SCHEMA = {
    "type": "object",
    "properties": {
        "strategy": {"type": "string", "enum": ["Question", "Reflection of feelings"]},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["calm", "upset"]}},
        "reply": {"type": "string"},
    },
    "required": ["strategy", "reply"],
}


@pytest.mark.parametrize(
    "text",
    [
        '{"reply": "one\ntwo\tthree"}',
        'Sure, here you go: {"reply": "one\\ntwo\\tthree"} -- anything else?',
        'Here:\n```json\n{"reply": "one\\ntwo\\tthree"}\n```\nDone.',
        '```\n{"reply": "one\ntwo\tthree"}\n```',
    ],
)
def test_control_characters_prose_and_fences_are_read(text: str) -> None:
    assert loads_lenient(text) == {"reply": "one\ntwo\tthree"}


def test_a_reply_with_no_json_names_why() -> None:
    with pytest.raises(ReplyError, match=r"^not valid JSON: Expecting value at line 1 column 1$"):
        loads_lenient("I would rather talk about it.")
    with pytest.raises(ReplyError, match=r"^the reply is empty$"):
        loads_lenient("  \n")


def test_enum_values_off_by_case_or_spacing_are_mended_and_nothing_else() -> None:
    data = {"strategy": "reflection  of FEELINGS ", "tags": ["Calm", " upset"], "reply": "question"}
    assert coerce(data, SCHEMA) == {
        "strategy": "Reflection of feelings",
        "tags": ["calm", "upset"],
        "reply": "question",  # not an enum field: left as written
    }
    assert read_reply(json.dumps({"strategy": "QUESTION", "reply": "ok"}), SCHEMA)["strategy"] == "Question"


def test_every_schema_error_is_named_for_the_repair() -> None:
    with pytest.raises(ReplyError) as caught:
        read_reply('{"strategy": "Advice", "tags": ["calm", 3]}', SCHEMA)
    assert str(caught.value) == (
        "at $: 'reply' is a required property; at $.strategy: 'Advice' is not one of "
        "['Question', 'Reflection of feelings']; at $.tags[1]: 3 is not of type 'string'; "
        "at $.tags[1]: 3 is not one of ['calm', 'upset']"
    )


def test_concurrent_first_calls_make_one_probe_and_the_mode_is_remembered() -> None:
    notes: list[str] = []
    with FakeServer(refuse_json_schema=400, latency=0.05) as server:
        client = client_for("openai", server, concurrency=8)
        client.backend.modes.notify = notes.append  # type: ignore[attr-defined]

        async def many() -> None:
            await asyncio.gather(
                *(client.complete_json(ask(f"hi {n}", json_schema=SCHEMA)) for n in range(12))
            )
            await client.aclose()

        run(many())
    kinds = [(b.get("response_format") or {}).get("type") for b in server.bodies]
    assert kinds.count("json_schema") == 1 and kinds.count("json_object") == 12
    # The calls that waited for the probe then run side by side, not one at a time behind the lock.
    assert server.max_in_flight >= 7
    assert notes == [
        f"JSON mode for {server.openai_base_url}: json_object (json_schema refused: HTTP 400; 1 extra call in this run)"
    ]


def test_a_server_refusing_both_json_modes_falls_back_to_the_prompt() -> None:
    with FakeServer(refuse_json_schema=422, refuse_json_object=True) as server:
        client = client_for("openai", server)
        data = run(client.complete_json(ask(json_schema=SCHEMA)))
        assert data["strategy"] == "Question"
        run(client.complete_json(ask("again", json_schema=SCHEMA)))
        run(client.aclose())
    kinds = [(b.get("response_format") or {}).get("type") for b in server.bodies]
    assert kinds == ["json_schema", "json_object", None, None]


def test_auth_errors_are_not_taken_for_a_json_mode_refusal() -> None:
    with FakeServer(api_key="right-key-123456") as server:
        client = client_for("openai", server)
        with pytest.raises(BackendError, match=r"refused the call \(401 unauthorized\)"):
            run(client.complete_json(ask(json_schema=SCHEMA)))
        run(client.aclose())
    assert server.requests == 1


def test_the_progress_status_shows_calls_in_flight_and_their_mean_time() -> None:
    from esc_cli.cli.output import call_status

    with FakeServer(latency=0.3) as server:
        client = client_for("openai", server, concurrency=4)
        status = call_status([client, client, None])
        seen: list[str] = []

        async def three() -> None:
            calls = [asyncio.create_task(client.complete(ask(f"hi {n}"))) for n in range(3)]
            await asyncio.sleep(0.15)
            seen.append(status())
            await asyncio.gather(*calls)
            await client.aclose()

        run(three())
    assert seen == ["3 calls in flight, mean 0.0s"]
    flying, mean = status().split(", mean ")
    assert flying == "0 calls in flight" and 0.3 <= float(mean.removesuffix("s")) < 1.0
