"""Retries through the real SDKs: transient failures are retried, final ones fail on the first try."""

from __future__ import annotations

import time

import pytest

from esc_cli.errors import BackendError
from esc_cli.llm.failures import parse_retry_after
from esc_cli.llm.fake_server import FakeServer, Fault
from esc_cli.llm.retry import RetryPolicy

from .llm_helpers import BACKENDS, SleepRecorder, ask, client_for, run

pytestmark = pytest.mark.usefixtures("keys")


@pytest.mark.parametrize("backend", BACKENDS)
def test_429_and_500_are_retried_and_the_run_completes(
    backend: str, server: FakeServer, sleeps: SleepRecorder
) -> None:
    server.add_faults([Fault.rate_limit(retry_after=0.25), Fault.server_error(500), Fault.server_error(503)])
    client = client_for(backend, server, sleeps=sleeps)
    replies = [run(client.complete(ask(f"message {i}"))) for i in range(3)]
    assert [r.text for r in replies] == ["echo: message 0", "echo: message 1", "echo: message 2"]
    assert server.requests == 6  # three faults, then three answers
    assert len(sleeps.delays) == 3
    assert 0.25 <= sleeps.delays[0] < 0.35  # the retry-after of the 429 was honoured


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "fault",
    [Fault.hang(5.0), Fault.malformed(), Fault.drop(), Fault("html"), Fault("wrong-type")],
    ids=["hang", "malformed", "drop", "html-200", "wrong-type-200"],
)
def test_hangs_garbled_bodies_and_dropped_connections_are_retried(
    backend: str, fault: Fault, server: FakeServer, sleeps: SleepRecorder
) -> None:
    server.add_faults([fault])
    client = client_for(backend, server, sleeps=sleeps, timeout=0.3)
    started = time.perf_counter()
    reply = run(client.complete(ask()))
    assert reply.text == "echo: hello"
    assert server.requests == 2
    assert time.perf_counter() - started < 2.0  # the 5 s hang was cut by the 0.3 s timeout


@pytest.mark.parametrize("backend", BACKENDS)
def test_401_fails_fast_with_one_line_naming_the_key(backend: str, sleeps: SleepRecorder) -> None:
    with FakeServer(api_key="the-right-key") as server:
        client = client_for(backend, server, sleeps=sleeps)
        with pytest.raises(BackendError) as caught:
            run(client.complete(ask()))
        assert server.requests == 1  # no retry
    variable = "OPENAI_API_KEY" if backend == "openai" else "ANTHROPIC_API_KEY"
    assert (
        str(caught.value)
        == f"{backend} refused the call (401 unauthorized): invalid API key (check {variable})"
    )
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("status", "fix"),
    [
        (400, "(400 bad request): injected 400 (check the model name 'gpt-test' and the request parameters)"),
        (
            403,
            "(403 forbidden): injected 403 (check that the key in OPENAI_API_KEY may use model 'gpt-test')",
        ),
    ],
)
def test_400_and_403_are_not_retried(
    status: int, fix: str, server: FakeServer, sleeps: SleepRecorder
) -> None:
    server.add_faults([Fault.status_code(status)])
    client = client_for("openai", server, sleeps=sleeps)
    with pytest.raises(BackendError) as caught:
        run(client.complete(ask()))
    assert server.requests == 1
    assert str(caught.value) == f"openai refused the call {fix}"


def test_attempts_run_out_with_a_clear_message(server: FakeServer, sleeps: SleepRecorder) -> None:
    server.add_faults([Fault.server_error(500)] * 3)
    client = client_for("anthropic", server, sleeps=sleeps, max_attempts=3)
    with pytest.raises(BackendError) as caught:
        run(client.complete(ask()))
    assert server.requests == 3
    assert str(caught.value) == (
        "anthropic claude-test (agent): gave up after 3 attempts, last: HTTP 500: injected 500 "
        "(retry later, lower --concurrency, or raise max_attempts in [tool.esc])"
    )


def test_backoff_grows_with_jitter_and_caps() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)]:
        delays = [policy.delay(attempt, None) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
    assert 60.0 <= RetryPolicy(max_retry_after=60.0).delay(1, 3600.0) <= 60.1


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    when = parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480.0)
    assert when == pytest.approx(10.0)
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after(None) is None
