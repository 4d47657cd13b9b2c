"""The call cache: a second identical run sends nothing, the key covers what changes an answer,
and no API key is ever written anywhere."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from esc_cli.errors import BackendError, ConfigError
from esc_cli.llm.base import Completion, Usage
from esc_cli.llm.cache import CallCache, cache_key, read_stats
from esc_cli.llm.client import ModelClient
from esc_cli.llm.failures import status_failure
from esc_cli.llm.fake_server import FakeServer, Fault

from .llm_helpers import ANTHROPIC_KEY, BACKENDS, OPENAI_KEY, SleepRecorder, ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


async def _dialogue_calls(client: ModelClient, dialogues: int, turns: int) -> list[str]:
    async def one(d: int) -> list[str]:
        return [(await client.complete(ask(f"dialogue {d} turn {t}", seed=d))).text for t in range(turns)]

    results = await asyncio.gather(*(one(d) for d in range(dialogues)))
    await client.aclose()
    return [text for texts in results for text in texts]


@pytest.mark.parametrize("backend", BACKENDS)
def test_second_identical_run_sends_zero_requests(backend: str, server: FakeServer, tmp_path: Path) -> None:
    cache = tmp_path / ".esc" / "cache.sqlite"
    first = run(_dialogue_calls(client_for(backend, server, cache_path=cache), dialogues=6, turns=3))
    assert server.requests == 18
    second = run(_dialogue_calls(client_for(backend, server, cache_path=cache), dialogues=6, turns=3))
    assert server.requests == 18  # not one more
    assert second == first
    stats = read_stats(cache)
    assert (stats.entries, stats.hits, stats.misses) == (18, 18, 18)
    assert stats.tokens_saved > 0


def test_cached_completion_is_marked_and_costs_nothing(server: FakeServer, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    client = client_for("openai", server, cache_path=cache)
    fresh = run(client.complete(ask()))
    again = run(client.complete(ask()))
    assert (fresh.cached, again.cached) == (False, True)
    assert again.text == fresh.text and again.usage == fresh.usage
    [row] = client.ledger.rows()
    assert (row.calls, row.cached_calls, row.input_tokens) == (2, 1, fresh.usage.input_tokens)


def test_no_cache_sends_every_request(server: FakeServer) -> None:
    client = client_for("openai", server, cache_path=None)
    run(client.complete(ask()))
    run(client.complete(ask()))
    assert server.requests == 2


def test_key_covers_everything_that_changes_the_answer() -> None:
    base = ask()
    key = cache_key("openai", "m", base)
    variants = [
        cache_key("anthropic", "m", base),
        cache_key("openai", "other", base),
        cache_key("openai", "m", ask("hello!")),
        cache_key("openai", "m", ask(seed=1)),
        cache_key("openai", "m", ask(temperature=0.7)),
        cache_key("openai", "m", ask(max_tokens=10)),
        cache_key("openai", "m", ask(json_schema={"type": "object"})),
        cache_key("openai", "m", base.model_copy(update={"system": "Other persona."})),
    ]
    assert key not in variants and len(set(variants)) == len(variants)
    # The role is bookkeeping: two roles sending the same prompt make the same call.
    assert cache_key("openai", "m", ask(role="seeker")) == key


def test_many_concurrent_tasks_share_one_cache(tmp_path: Path) -> None:
    cache = CallCache(tmp_path / "c.sqlite")
    completion = Completion(text="hi", usage=Usage(input_tokens=3, output_tokens=2))

    async def work(i: int) -> Completion | None:
        await cache.put(f"k{i}", "scripted", "m", completion)
        return await cache.get(f"k{i}")

    async def main() -> list[Completion | None]:
        return await asyncio.gather(*(work(i) for i in range(200)))

    assert all(c is not None and c.cached for c in run(main()))
    assert cache.stats().entries == 200 and cache.stats().tokens_saved == 1000
    assert cache.clear() == 200
    assert cache.stats().entries == 0 and cache.stats().hits == 0
    cache.close()


def test_a_file_that_is_not_a_cache_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "cache.sqlite"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(ConfigError) as caught:
        CallCache(bad)
    assert str(caught.value).startswith(f"{bad}: cannot open the call cache: file is not a database")
    assert str(caught.value).endswith("(`esc cache clear` deletes it; a new one starts)")


def test_api_keys_never_reach_the_cache_or_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / ".esc" / "cache.sqlite"
    for backend, key in (("openai", OPENAI_KEY), ("anthropic", ANTHROPIC_KEY)):
        with FakeServer(api_key=key) as server:
            server.add_faults([Fault.rate_limit(0.0), Fault.server_error()])
            client = client_for(backend, server, cache_path=cache, sleeps=SleepRecorder())
            run(client.complete(ask("remember me", json_schema={"type": "object"})))
            run(client.complete(ask("and me")))
            run(client.aclose())
            # The key really was sent, so not finding it below means something.
            assert any(key in header for header in server.authorizations)
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) > 0
    for key in (OPENAI_KEY, ANTHROPIC_KEY):
        assert key.encode() not in written
        assert key not in caplog.text


def test_a_key_echoed_in_an_error_body_is_redacted() -> None:
    error = status_failure(
        "openai",
        401,
        f"Incorrect API key provided: {OPENAI_KEY}.",
        key_variable="OPENAI_API_KEY",
        model="m",
        secrets=(OPENAI_KEY,),
    )
    assert isinstance(error, BackendError)
    assert OPENAI_KEY not in str(error)
    assert (
        str(error)
        == "openai refused the call (401 unauthorized): Incorrect API key provided: ***. (check OPENAI_API_KEY)"
    )
