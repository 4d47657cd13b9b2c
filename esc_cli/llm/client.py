"""`ModelClient`: the one object the rest of the project calls a model through.

It composes, around one backend:

    call cache  ->  concurrency gate  ->  retries  ->  backend.complete
                                                   then: schema check, one repair, accounting

Only a reply that passed the schema check is stored, under the key of the request as first asked
(a repaired reply is stored in place of the bad one), so a rerun never replays a failure. A cache
hit never touches the gate, so a fully cached run makes no calls and never waits. The gate
is held per attempt, not during the backoff sleep, so a request waiting to retry does not keep a
slot from the others; the server therefore never sees more than `concurrency` calls at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from types import TracebackType
from typing import Any

from esc_cli.errors import BackendError
from esc_cli.llm.accounting import Ledger
from esc_cli.llm.base import Backend, Completion, Request
from esc_cli.llm.cache import CallCache, cache_key
from esc_cli.llm.loopbound import LoopBound
from esc_cli.llm.retry import RetryPolicy, call_with_retries
from esc_cli.llm.structured import ReplyError, parse_reply, repair_request


class Gate:
    """At most `limit` calls in flight. Share one Gate between clients that use the same server.

    It also counts, for the progress bar, the calls in flight and the time the finished ones took.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"concurrency must be at least 1, not {limit}")
        self.limit = limit
        self.in_flight = 0
        self.finished = 0
        self.busy_seconds = 0.0
        self._semaphore: LoopBound[asyncio.Semaphore] = LoopBound(lambda: asyncio.Semaphore(limit))

    def slot(self) -> asyncio.Semaphore:
        return self._semaphore.get()

    @contextlib.asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        """Hold a slot for one call, counting it in flight and timing it."""
        async with self.slot():
            self.in_flight += 1
            started = time.perf_counter()
            try:
                yield
            finally:
                self.in_flight -= 1
                self.finished += 1
                self.busy_seconds += time.perf_counter() - started

    @property
    def mean_seconds(self) -> float:
        return self.busy_seconds / self.finished if self.finished else 0.0


class ModelClient:
    """A backend with cache, retries, bounded concurrency, schema checks and accounting.

    `complete(request)` returns a Completion; when the request has a `json_schema`, its `data` holds
    the parsed, validated JSON. `complete_json(request)` returns that data directly.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        role: str = "",
        cache: CallCache | None = None,
        retry: RetryPolicy | None = None,
        gate: Gate | None = None,
        ledger: Ledger | None = None,
        owns_cache: bool = False,
    ) -> None:
        self.backend = backend
        self.role = role
        self.cache = cache
        self.retry = retry or RetryPolicy()
        self.gate = gate or Gate(8)
        self.ledger = ledger or Ledger()
        self._owns_cache = owns_cache

    @property
    def what(self) -> str:
        """How messages name this client: backend, model and role."""
        label = f"{self.backend.name} {self.backend.model}"
        return f"{label} ({self.role})" if self.role else label

    async def complete(self, request: Request) -> Completion:
        """One model reply, from the cache when this exact request was made before."""
        if self.role and not request.role:
            request = request.model_copy(update={"role": self.role})
        schema = request.json_schema
        key = self._key(request)
        hit = await self._cached(key, request)
        if hit is not None:
            if schema is None:
                return hit
            try:
                return hit.model_copy(update={"data": parse_reply(hit.text, schema)})
            except ReplyError:
                pass  # stored before replies were validated: ask again, and replace it
        completion = await self._fresh(request)
        if schema is None:
            return await self._store(key, completion)
        try:
            data = parse_reply(completion.text, schema)
        except ReplyError as problem:
            repaired = await self._fresh(repair_request(request, completion.text, str(problem)))
            try:
                data = parse_reply(repaired.text, schema)
            except ReplyError as again:
                raise BackendError(
                    f"{self.what}: the reply does not match the JSON schema, even after one repair: "
                    f"{again} ({self._reply_fix()})"
                ) from again
            completion = repaired
        stored = await self._store(key, completion)
        return stored.model_copy(update={"data": data})

    def _reply_fix(self) -> str:
        if getattr(self.wire, "json_mode", None) in ("prompt", "object"):
            return "try --json-mode schema if the server supports it, or a stronger model"
        return "try a stronger model, or check that the prompt asks for this shape"

    async def complete_json(self, request: Request) -> Any:
        """The validated JSON of the reply. The request must carry a `json_schema`."""
        if request.json_schema is None:
            raise ValueError("complete_json needs a request with json_schema")
        return (await self.complete(request)).data

    @property
    def wire(self) -> Any:
        """The backend that talks to the server. A backend that wraps another (batch mode's) names it
        `inner`, and its calls keep the server and JSON mode, so the cache keys, of single calls."""
        return getattr(self.backend, "inner", self.backend)

    @property
    def server(self) -> str:
        """The server this client talks to ('' for backends without one, such as scripted)."""
        wire = self.wire
        return str(getattr(wire, "server", None) or getattr(wire, "base_url", None) or "")

    def _key(self, request: Request) -> str:
        if self.cache is None:
            return ""
        mode = getattr(self.wire, "json_mode", None) if request.json_schema is not None else None
        return cache_key(
            self.backend.name, self.backend.model, request, server=self.server, json_mode=mode or ""
        )

    async def _cached(self, key: str, request: Request) -> Completion | None:
        if self.cache is None:
            return None
        hit = await self.cache.get(key)
        if hit is not None:
            self.ledger.record(request.role, self.backend.name, self.backend.model, hit)
        return hit

    async def _fresh(self, request: Request) -> Completion:
        """One reply from the model (with retries), accounted, not cached."""
        completion = await call_with_retries(lambda: self._attempt(request), self.retry, what=self.what)
        if not completion.model:
            completion = completion.model_copy(update={"model": self.backend.model})
        self.ledger.record(request.role, self.backend.name, self.backend.model, completion)
        return completion

    async def _store(self, key: str, completion: Completion) -> Completion:
        if self.cache is not None:
            await self.cache.put(key, self.backend.name, self.backend.model, completion, server=self.server)
        return completion

    async def _attempt(self, request: Request) -> Completion:
        async with self.gate.call():
            return await self.backend.complete(request)

    async def aclose(self) -> None:
        """Close the backend's connections (and the cache, when this client opened it)."""
        close = getattr(self.backend, "aclose", None)
        if close is not None:
            await close()
        if self._owns_cache and self.cache is not None:
            self.cache.close()

    async def __aenter__(self) -> ModelClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def aclose_all(clients: Iterable[ModelClient | None]) -> None:
    """Close each distinct client once (roles may share one); None entries are offline roles."""
    seen: set[int] = set()
    for client in clients:
        if client is not None and id(client) not in seen:
            seen.add(id(client))
            await client.aclose()
