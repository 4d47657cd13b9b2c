"""Batch mode against the fake server's batch APIs, through the real anthropic and openai SDKs over HTTP.

Each test runs a few "dialogues" (concurrent members of a BatchRound) and reads what the server saw:
how many batches, how many requests in them, and what came back.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from esc_cli.errors import BackendError
from esc_cli.llm.accounting import Ledger
from esc_cli.llm.base import Completion, Usage
from esc_cli.llm.batch import BatchRound, custom_id, enable_batch
from esc_cli.llm.batch_journal import BatchJournal, read_journal
from esc_cli.llm.client import ModelClient
from esc_cli.llm.fake_server import FakeServer

from .llm_helpers import BACKENDS, SleepRecorder, ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


def batched_client(
    backend: str, server: FakeServer, journal: Path | None = None, cache: Path | None = None
) -> tuple[ModelClient, BatchRound]:
    client = client_for(backend, server, cache_path=cache, sleeps=SleepRecorder())
    round_ = BatchRound(BatchJournal(journal), poll=0.02, retry=client.retry)
    enable_batch([client], round_)
    return client, round_


async def dialogues(client: ModelClient, round_: BatchRound, texts: list[str], turns: int = 1) -> list[str]:
    """Each text is one dialogue of `turns` sequential calls; returns the last reply of each."""
    round_.join(len(texts))

    async def one(text: str) -> str:
        with round_.member():
            reply = ""
            for turn in range(turns):
                reply = (await client.complete(ask(f"{text} turn {turn}"))).text
            return reply

    try:
        return list(await asyncio.gather(*(one(t) for t in texts)))
    finally:
        await client.aclose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_step_of_all_dialogues_is_one_batch(backend: str) -> None:
    with FakeServer(batch_delay=0.05) as server:
        client, round_ = batched_client(backend, server)
        replies = run(dialogues(client, round_, [f"d{i}" for i in range(6)], turns=3))
        stats = server.stats()
    assert replies == [f"echo: d{i} turn 2" for i in range(6)]
    # Three sequential calls in each of six dialogues: three batches of six, no single calls at all.
    assert (stats["batches"], stats["batched_requests"], stats["requests"]) == (3, 18, 0)
    assert len(round_.stats.submitted) == 3 and round_.stats.requests == 18
    rows = client.ledger.rows()
    assert rows[0].calls == 18 and rows[0].batch_calls == 18


@pytest.mark.parametrize("backend", BACKENDS)
def test_partial_failures_retry_in_the_next_batch_and_a_4xx_is_final(backend: str) -> None:
    with FakeServer() as server:
        # In the first batch: request 2 errors with a 500, request 3 expires; both must be retried.
        server.add_batch_faults(["ok", "errored", "expired", "ok"])
        client, round_ = batched_client(backend, server)
        replies = run(dialogues(client, round_, ["a", "b", "c", "d"]))
        stats = server.stats()
    assert replies == ["echo: a turn 0", "echo: b turn 0", "echo: c turn 0", "echo: d turn 0"]
    assert (stats["batches"], stats["batched_requests"]) == (2, 6)

    with FakeServer() as server:
        server.add_batch_faults(["invalid"])
        client, round_ = batched_client(backend, server)
        with pytest.raises(BackendError) as caught:
            run(dialogues(client, round_, ["only"]))
    assert "400 bad request" in str(caught.value) and "injected invalid" in str(caught.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_expired_batch_is_sent_again(backend: str) -> None:
    with FakeServer() as server:
        server.expire_next_batches(1)
        client, round_ = batched_client(backend, server)
        replies = run(dialogues(client, round_, ["x", "y"]))
        stats = server.stats()
    assert replies == ["echo: x turn 0", "echo: y turn 0"]
    assert (stats["batches"], stats["batched_requests"]) == (2, 4)


def test_identical_requests_in_one_step_go_out_once() -> None:
    with FakeServer() as server:
        client, round_ = batched_client("anthropic", server)
        replies = run(dialogues(client, round_, ["same", "same", "other"]))
        stats = server.stats()
    assert replies == ["echo: same turn 0", "echo: same turn 0", "echo: other turn 0"]
    assert (stats["batches"], stats["batched_requests"]) == (1, 2)
    # The duplicate is accounted as a cached call: it cost nothing more.
    assert (client.ledger.rows()[0].calls, client.ledger.rows()[0].cached_calls) == (3, 1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_run_resumes_by_polling_its_journaled_batch(backend: str, tmp_path: Path) -> None:
    journal = tmp_path / "run" / "batches.jsonl"
    texts = ["p", "q", "r"]
    with FakeServer(batch_delay=0.6) as server:

        async def killed() -> None:
            client, round_ = batched_client(backend, server, journal)
            task = asyncio.ensure_future(dialogues(client, round_, texts))
            while server.stats()["batches"] == 0:
                await asyncio.sleep(0.01)
            task.cancel()  # the run dies while its batch is processing
            with pytest.raises(asyncio.CancelledError):
                await task

        run(killed())
        entries = read_journal(journal.parent)
        assert len(entries) == 1 and len(entries[0].ids) == 3
        client, round_ = batched_client(backend, server, journal)
        replies = run(dialogues(client, round_, texts))
        stats = server.stats()
    assert replies == [f"echo: {t} turn 0" for t in texts]
    # Nothing was submitted twice: the second run found the batch in the journal and polled it.
    assert stats["batches"] == 1 and round_.stats.resumed == [entries[0].batch] and not round_.stats.submitted


def test_a_torn_journal_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "batches.jsonl"
    good = {"batch": "b1", "provider": "openai", "server": "", "model": "m", "ids": ["x"]}
    path.write_text(json.dumps(good) + "\n" + '{"batch": "b2", "provi', encoding="utf-8")
    journal = BatchJournal(path)
    assert journal.find("openai", "", "x") == "b1" and [e.batch for e in journal.entries] == ["b1"]


def test_batched_results_are_cached_like_single_calls(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    with FakeServer() as server:
        client, round_ = batched_client("openai", server, cache=cache)
        run(dialogues(client, round_, ["one", "two"]))
        # The same requests, single calls this time: answered from the cache, nothing sent.
        single = client_for("openai", server, cache_path=cache)
        replies = run(_complete_all(single, ["one turn 0", "two turn 0"]))
        stats = server.stats()
    assert [r.cached for r in replies] == [True, True]
    assert (stats["batches"], stats["requests"]) == (1, 0)


async def _complete_all(client: ModelClient, texts: list[str]) -> list[Completion]:
    try:
        return [await client.complete(ask(t)) for t in texts]
    finally:
        await client.aclose()


def test_a_call_outside_any_dialogue_is_a_batch_of_its_own() -> None:
    with FakeServer() as server:
        client, _round = batched_client("anthropic", server)
        reply = run(_complete_all(client, ["alone"]))
        stats = server.stats()
    assert reply[0].text == "echo: alone" and stats["batches"] == 1


def test_the_ledger_charges_the_batch_rate_and_shows_the_saving() -> None:
    ledger = Ledger()
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000)
    ledger.record("agent", "anthropic", "claude-sonnet-4-6", Completion(text="a", usage=usage))
    ledger.record("seeker", "anthropic", "claude-sonnet-4-6", Completion(text="a", usage=usage, batch=True))
    single, batch = sorted(ledger.rows(), key=lambda r: r.role)
    assert single.cost_usd == pytest.approx(3.0 + 1.5) and single.batch_calls == 0
    assert batch.cost_usd == pytest.approx((3.0 + 1.5) / 2) and batch.batch_saved_usd == pytest.approx(2.25)
    assert batch.batch_calls == 1


def test_custom_ids_are_stable_and_fit_both_providers() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    assert custom_id(body) == custom_id(dict(reversed(list(body.items()))))
    assert len(custom_id(body)) == 64 and custom_id(body) != custom_id({**body, "model": "n"})


def test_batch_mode_refuses_a_backend_without_a_batch_api() -> None:
    from esc_cli.config import Settings
    from esc_cli.llm.factory import make_client

    client = make_client(Settings(), "agent", backend="scripted", no_cache=True)
    with pytest.raises(BackendError, match="--batch needs the anthropic or openai backend"):
        enable_batch([client], BatchRound())
