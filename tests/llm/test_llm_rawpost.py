"""The low-level path: bodies sent as built, one SDK client shared per server."""

from __future__ import annotations

import asyncio
import json

import pytest

from esc_cli.config import Settings
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer

from .llm_helpers import ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_the_body_reaches_the_server_exactly_as_built(backend: str) -> None:
    with FakeServer() as server:
        client = client_for(backend, server)
        request = ask(
            "hello", seed=7, json_schema={"type": "object", "properties": {"a": {"type": "string"}}}
        )
        built = client.backend._params(request)  # type: ignore[attr-defined]

        async def go() -> None:
            try:
                await client.complete(request)
            finally:
                await client.aclose()

        run(go())
    assert json.loads(json.dumps(built)) == server.bodies[0]


def test_roles_on_one_server_share_its_sdk_client() -> None:
    with FakeServer() as server:
        settings = Settings.model_validate({"engine": "openai", "openai_base_url": server.openai_base_url})
        clients = make_clients(settings, ["agent", "seeker"], no_cache=True)

        async def go() -> bool:
            try:
                await asyncio.gather(*(c.complete(ask(c.role)) for c in clients.values()))
                agent, seeker = (c.backend._sdk_client() for c in clients.values())  # type: ignore[attr-defined]
                return bool(agent is seeker)
            finally:
                for c in clients.values():
                    await c.aclose()

        assert run(go())
