"""The low-level path: bodies sent as built, SDK clients shared per server, lanes opened only when full."""

from __future__ import annotations

import asyncio
import json
from contextlib import ExitStack

import pytest

from esc_cli.config import Settings
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer
from esc_cli.llm.rawpost import LANE_CONNECTIONS, Lanes

from .llm_helpers import ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


class Closable:
    closed = 0

    async def close(self) -> None:
        Closable.closed += 1


def test_lanes_open_only_when_the_open_ones_are_full() -> None:
    made: list[Closable] = []

    def factory() -> Closable:
        made.append(Closable())
        return made[-1]

    lanes: Lanes[Closable] = Lanes(3, factory)
    with ExitStack() as stack:
        first = [stack.enter_context(lanes.take()) for _ in range(LANE_CONNECTIONS)]
        assert len(made) == 1 and all(c is made[0] for c in first)
        second = stack.enter_context(lanes.take())
        assert len(made) == 2 and second is made[1]
    # Everything returned: the next call goes to the first lane again, and no lane is opened.
    with lanes.take() as again:
        assert again is made[0] and len(made) == 2
    with ExitStack() as stack:
        for _ in range(4 * LANE_CONNECTIONS):
            stack.enter_context(lanes.take())
        assert len(made) == 3  # never more than the lanes asked for
    asyncio.run(lanes.close())
    assert Closable.closed == 3


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
