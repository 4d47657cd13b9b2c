"""Bounded concurrency: the server never sees more calls in flight than the gate allows."""

from __future__ import annotations

import asyncio
import time

import pytest

from esc_cli.config import Settings
from esc_cli.llm.client import ModelClient
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer

from .llm_helpers import BACKENDS, ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


async def _burst(clients: list[ModelClient], calls: int) -> None:
    await asyncio.gather(*(clients[i % len(clients)].complete(ask(f"call {i}")) for i in range(calls)))
    for client in clients:
        await client.aclose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_never_sees_more_than_n_in_flight(backend: str) -> None:
    # Latency long enough that every slot fills even on a loaded machine: the limit must be reached.
    with FakeServer(latency=0.15) as server:
        run(_burst([client_for(backend, server, concurrency=5)], calls=30))
        assert server.requests == 30
        assert server.max_in_flight == 5  # reached, never passed


def test_roles_on_one_server_share_one_gate() -> None:
    with FakeServer(latency=0.15) as server:
        settings = Settings.model_validate(
            {"engine": "openai", "openai_base_url": server.openai_base_url, "concurrency": 3}
        )
        clients = make_clients(settings, ["agent", "seeker", "labeller"], no_cache=True)
        assert clients["agent"].gate is clients["seeker"].gate is clients["labeller"].gate
        run(_burst(list(clients.values()), calls=30))
        assert server.max_in_flight == 3
        rows = clients["agent"].ledger.rows()
        assert {row.role for row in rows} == {"agent", "seeker", "labeller"}
        assert sum(row.calls for row in rows) == 30


def test_a_client_survives_several_event_loops(server: FakeServer) -> None:
    client = client_for("openai", server, concurrency=2)
    for _ in range(3):  # each asyncio.run is a new loop; the SDK pool and semaphore follow it
        run(_burst([client], calls=4))
    assert server.requests == 12


def test_the_fake_server_takes_more_than_100_connections_at_once() -> None:
    # A latency of a second leaves the client time to open all 120 connections on a loaded machine
    # (at 0.3 s the first calls could finish before the last were sent, and the test failed under load).
    with FakeServer(latency=1.0) as server:
        started = time.perf_counter()
        run(_burst([client_for("openai", server, concurrency=120)], calls=120))
        elapsed = time.perf_counter() - started
        assert server.max_in_flight == 120
    assert elapsed < 1.9  # all at once: in two batches it would take at least two latencies
