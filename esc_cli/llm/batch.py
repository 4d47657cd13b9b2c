"""Batch mode (`--batch`): every model call of one step of all dialogues goes out as one provider batch.

    round = enable_batch(clients, journal=BatchJournal(run_folder / "batches.jsonl"))
    round.join(len(dialogues))            # the runner does this; each dialogue calls round.leave() at its end

How it works: the model clients keep their cache, retries, schema checks and accounting; only the
backend under them is swapped for a `BatchedBackend`, which hands the wire body to the `BatchRound`
instead of sending it. The round knows how many dialogues (members) are running. When every one of
them is waiting for a model reply, it sends what they wait for as one batch per provider, server and
model (split only past the provider's size limit), polls until the batch ends, and answers them all.
With the SAGE loop that is one batch per step: the agent's replies of a turn, then the seeker's
judgements, then its answers. A call made outside any member (the evolve analyst) is a member for
its own duration, so it goes out as a batch of its own.

- Caching: a reply is cached under the same key as the single call (the backend's name and model do
  not change), so a rerun, batched or not, is answered from the cache and sends nothing.
- Failures: an expired, canceled or 5xx request comes back as a TransientFailure, and the client's
  retry layer sends it again in the next batch; a 4xx is final, as for a single call.
- Resuming: each batch is journaled (batch_journal.py) the moment the provider accepts it. A run
  started again after a crash replays its finished steps from the cache, and the requests of the
  step that was in flight match the journal by their custom id (the hash of the wire body), so they
  are collected by polling that batch, not submitted again.
- Identical requests in one step are sent once.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from esc_cli.errors import BackendError
from esc_cli.llm.base import Backend, Completion, Request
from esc_cli.llm.batch_journal import BatchJournal, JournalEntry
from esc_cli.llm.batch_providers import BatchProvider, Outcome, provider_for
from esc_cli.llm.client import Gate, ModelClient
from esc_cli.llm.failures import TransientFailure
from esc_cli.llm.retry import RetryPolicy, Sleep, call_with_retries

log = logging.getLogger("esc_cli.llm")

# A batch client must not hold requests back at the gate: the round decides when they go.
UNBOUNDED = 1_000_000
FIRST_POLL = 1.0

_MEMBER: contextvars.ContextVar[BatchRound | None] = contextvars.ContextVar("esc_batch_member", default=None)


def custom_id(body: dict[str, Any]) -> str:
    """The request's id in a batch: the SHA-256 of its canonical wire body (64 hex characters, which
    both providers accept), so the same request always has the same id, in any run."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class _Pending:
    provider: BatchProvider
    custom_id: str
    body: dict[str, Any]
    future: asyncio.Future[Outcome]
    counted: bool = True


@dataclass
class RoundStats:
    """What a batched run did, for the report line and the benchmarks."""

    submitted: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    requests: int = 0
    polls: int = 0


class BatchRound:
    """Collects the model calls of all running dialogues and sends each step as one batch."""

    def __init__(
        self,
        journal: BatchJournal | None = None,
        *,
        poll: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.journal = journal or BatchJournal()
        self.poll = poll
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.members = 0
        self.stats = RoundStats()
        self._waiting: list[_Pending] = []
        self._blocked = 0
        self._tasks: set[asyncio.Task[None]] = set()

    # -- membership ------------------------------------------------------------------------------

    def join(self, members: int) -> None:
        """`members` more dialogues run from now on; each must `leave()` when it ends."""
        self.members += members

    def leave(self) -> None:
        self.members -= 1
        self._maybe_flush()

    @contextmanager
    def member(self) -> Iterator[None]:
        """Run the enclosed dialogue as one of the members already counted by `join`."""
        token = _MEMBER.set(self)
        try:
            yield
        finally:
            _MEMBER.reset(token)
            self.leave()

    # -- calls -----------------------------------------------------------------------------------

    async def call(self, provider: BatchProvider, body: dict[str, Any]) -> Outcome:
        """The outcome of one request, once the batch it goes out in has ended."""
        if _MEMBER.get() is self:
            return await self._enqueue(provider, body)
        self.join(1)  # a caller outside any dialogue is a member for this one call
        try:
            return await self._enqueue(provider, body)
        finally:
            self.leave()

    async def _enqueue(self, provider: BatchProvider, body: dict[str, Any]) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        pending = _Pending(provider, custom_id(body), body, future)
        self._waiting.append(pending)
        self._blocked += 1
        self._maybe_flush()
        try:
            return await future
        finally:
            if pending in self._waiting:  # cancelled before its batch went out
                self._waiting.remove(pending)
            self._uncount(pending)

    def _uncount(self, pending: _Pending) -> None:
        if pending.counted:
            pending.counted = False
            self._blocked -= 1

    def _maybe_flush(self) -> None:
        """Send what waits once every member is waiting (none is still thinking or reading the cache)."""
        if not self._waiting or self._blocked < self.members:
            return
        waiting, self._waiting = self._waiting, []
        groups: dict[tuple[int, str], list[_Pending]] = {}
        for pending in waiting:
            groups.setdefault((id(pending.provider), str(pending.body.get("model", ""))), []).append(pending)
        for group in groups.values():
            task = asyncio.get_running_loop().create_task(self._run_group(group))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- one group: submit or resume, poll, collect -----------------------------------------------

    async def _run_group(self, group: list[_Pending]) -> None:
        provider = group[0].provider
        by_id: dict[str, list[_Pending]] = {}
        for pending in group:
            by_id.setdefault(pending.custom_id, []).append(pending)
        known: dict[str, list[str]] = {}
        fresh: list[str] = []
        for key in by_id:
            batch_id = self.journal.find(provider.kind, provider.server, key)
            if batch_id is None:
                fresh.append(key)
            else:
                known.setdefault(batch_id, []).append(key)
        jobs = [
            self._collect(provider, batch_id, keys, by_id, resumed=True) for batch_id, keys in known.items()
        ]
        for start in range(0, len(fresh), provider.limit):
            jobs.append(self._submit_and_collect(provider, fresh[start : start + provider.limit], by_id))
        await asyncio.gather(*jobs)

    async def _submit_and_collect(
        self, provider: BatchProvider, keys: list[str], by_id: dict[str, list[_Pending]]
    ) -> None:
        entries = [(key, by_id[key][0].body) for key in keys]
        model = str(entries[0][1].get("model", ""))
        what = f"{provider.kind} batch of {len(entries)}"
        try:
            batch_id = await call_with_retries(lambda: provider.submit(entries), self.retry, what=what)
        except BackendError as problem:
            self._settle(keys, by_id, {}, problem)
            return
        self.journal.record(JournalEntry(batch_id, provider.kind, provider.server, model, tuple(keys)))
        self.stats.submitted.append(batch_id)
        self.stats.requests += len(keys)
        log.info("%s: submitted %s (%d requests)", provider.kind, batch_id, len(keys))
        await self._collect(provider, batch_id, keys, by_id, resumed=False)

    async def _collect(
        self,
        provider: BatchProvider,
        batch_id: str,
        keys: Sequence[str],
        by_id: dict[str, list[_Pending]],
        *,
        resumed: bool,
    ) -> None:
        if resumed:
            self.stats.resumed.append(batch_id)
            log.info("%s: resuming %s (%d requests) by polling it", provider.kind, batch_id, len(keys))
        what = f"{provider.kind} batch {batch_id}"
        try:
            wait = min(FIRST_POLL, self.poll)
            while True:
                status = await call_with_retries(lambda: provider.status(batch_id), self.retry, what=what)
                self.stats.polls += 1
                if status.ended:
                    break
                log.info(
                    "%s: %s %d/%d done; polling again in %.0fs",
                    what,
                    status.state,
                    status.done,
                    status.total,
                    wait,
                )
                await self.sleep(wait)
                wait = min(self.poll, wait * 2)
            outcomes = await call_with_retries(lambda: provider.results(batch_id), self.retry, what=what)
        except BackendError as problem:
            if resumed:
                # The journaled batch cannot be read any more (archived, or another key): send anew.
                for key in keys:
                    self.journal.forget(provider.kind, provider.server, key)
                problem_now: Exception = TransientFailure(provider.kind, f"journaled {batch_id} unreadable")
                self._settle(keys, by_id, {}, problem_now)
                return
            self._settle(keys, by_id, {}, problem)
            return
        for key in keys:
            if not isinstance(outcomes.get(key), Completion):
                self.journal.forget(provider.kind, provider.server, key)
        self._settle(keys, by_id, outcomes, None)

    def _settle(
        self,
        keys: Iterable[str],
        by_id: dict[str, list[_Pending]],
        outcomes: dict[str, Outcome],
        problem: Exception | None,
    ) -> None:
        """Answer every waiting caller of `keys`: its outcome, or the batch's problem."""
        for key in keys:
            outcome: Outcome | Exception | None = outcomes.get(key) if problem is None else problem
            if outcome is None:
                outcome = TransientFailure("batch", "the batch results do not mention this request")
            for number, pending in enumerate(by_id[key]):
                self._uncount(pending)
                if pending.future.done():
                    continue
                if isinstance(outcome, Exception):
                    pending.future.set_exception(outcome)
                elif number:  # the same request from another dialogue: sent and paid once
                    pending.future.set_result(outcome.model_copy(update={"cached": True, "latency": 0.0}))
                else:
                    pending.future.set_result(outcome)

    async def aclose(self) -> None:
        """Stop polling (a run that failed elsewhere); the journal keeps the batches for a resume."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class _BatchedBackend:
    """A backend whose calls go out through a BatchRound. Same name and model as the backend it wraps,
    so the cache keys and the accounting stay those of single calls."""

    name: ClassVar[str] = ""

    def __init__(self, inner: Any, round_: BatchRound) -> None:
        self.inner = inner
        self.model: str = inner.model
        self.round = round_
        self.provider = provider_for(inner)

    async def complete(self, request: Request) -> Completion:
        outcome = await self.round.call(self.provider, self.inner._params(request))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def aclose(self) -> None:
        await self.round.aclose()
        await self.inner.aclose()


class AnthropicBatched(_BatchedBackend):
    name: ClassVar[str] = "anthropic"


class OpenAIBatched(_BatchedBackend):
    name: ClassVar[str] = "openai"


def batched(backend: Backend, round_: BatchRound) -> Backend:
    """`backend` sending through `round_`; BackendError when it has no batch API."""
    provider_for(backend)  # refuses backends without a batch API, with the fix
    return (
        AnthropicBatched(backend, round_) if backend.name == "anthropic" else OpenAIBatched(backend, round_)
    )


def enable_batch(clients: Iterable[ModelClient], round_: BatchRound) -> BatchRound:
    """Send every call of `clients` through `round_` (their cache, retries and ledger stay)."""
    for client in clients:
        if not isinstance(client.backend, _BatchedBackend):
            client.backend = batched(client.backend, round_)
        client.gate = Gate(UNBOUNDED)
    return round_


def round_of(clients: Iterable[Any]) -> BatchRound | None:
    """The BatchRound the given clients send through, if batch mode is on."""
    for client in clients:
        backend = getattr(client, "backend", None)
        if isinstance(backend, _BatchedBackend):
            return backend.round
    return None
