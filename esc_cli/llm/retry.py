"""Retrying a model call: exponential backoff with jitter, honouring the server's retry-after.

Only `TransientFailure` is retried (see `failures.py`); a `BackendError` passes straight through, so
400/401/403 fail on the first attempt. The SDKs' own retries are switched off (`max_retries=0`) so
this is the one place that decides. `sleep` and `rng` are injectable so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from esc_cli.errors import BackendError
from esc_cli.llm.failures import TransientFailure

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

log = logging.getLogger("esc_cli.llm")


@dataclass
class RetryPolicy:
    """How often and how patiently to retry. Delays are in seconds."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    # A server asking for minutes is usually a daily quota; waiting that long inside a run helps no one.
    max_retry_after: float = 60.0
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The wait before attempt `attempt + 1`, after `attempt` failures (1-based)."""
        if retry_after is not None:
            # The server knows its own limits: wait what it asked, plus a little spread so that
            # 32 callers told "1 s" do not all return in the same millisecond.
            return min(retry_after, self.max_retry_after) + self.rng.uniform(0.0, 0.1 * self.base_delay)
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        # "Equal jitter": at least half the backoff, so retries still back off, and a random rest.
        return ceiling / 2.0 + self.rng.uniform(0.0, ceiling / 2.0)


async def call_with_retries(
    attempt_call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    what: str,
) -> T:
    """Run `attempt_call` until it succeeds, raises a final error, or the attempts run out.

    `what` names the call in the give-up message, e.g. "openai gpt-4o-mini".
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await attempt_call()
        except TransientFailure as failure:
            if attempt >= policy.max_attempts:
                fix = failure.fix or "retry later, lower --concurrency, or raise max_attempts in [tool.esc]"
                raise BackendError(
                    f"{what}: gave up after {attempt} attempt{'s' if attempt != 1 else ''}, "
                    f"last: {failure.reason} ({fix})"
                ) from failure
            wait = policy.delay(attempt, failure.retry_after)
            log.info("%s: attempt %d failed (%s); retrying in %.2fs", what, attempt, failure.reason, wait)
            await policy.sleep(wait)
