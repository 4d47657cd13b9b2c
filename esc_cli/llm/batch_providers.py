"""The two provider batch APIs behind one small interface: submit, poll, read the results.

    anthropic  Message Batches: one POST with every request inline; results as JSONL at `results_url`.
    openai     Batch API: upload a JSONL file (purpose `batch`), create the batch on it, poll, then read
               the output file (successes) and the error file (the rest).

Each request travels with a `custom_id` (the hash of its wire body, see batch.py) and comes back as an
`Outcome`: a Completion, a `TransientFailure` (expired, canceled, 5xx, overloaded: the client retries
it in the next batch) or a `BackendError` (a 4xx the request itself caused: final). The wire bodies
are the single-call bodies the backends build, so a batched call and a single call are the same call.
"""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

from esc_cli.errors import BackendError
from esc_cli.llm.anthropic_backend import KEY_VARIABLE as ANTHROPIC_KEY
from esc_cli.llm.anthropic_backend import AnthropicBackend
from esc_cli.llm.base import Completion
from esc_cli.llm.failures import TransientFailure, status_failure
from esc_cli.llm.openai_backend import KEY_VARIABLE as OPENAI_KEY
from esc_cli.llm.openai_backend import OpenAIBackend, _detail
from esc_cli.llm.rawpost import post_json

Outcome = Completion | TransientFailure | BackendError
Entry = tuple[str, dict[str, Any]]
"""(custom_id, wire body) of one request."""

# Anthropic's statuses of an errored request that a later attempt can pass.
RETRYABLE_ANTHROPIC = frozenset({"api_error", "overloaded_error", "rate_limit_error", "timeout_error"})
ANTHROPIC_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
}


@dataclass(frozen=True)
class BatchStatus:
    """Where a batch is: `ended` once every request has an outcome (or the batch gave up)."""

    ended: bool
    state: str
    done: int
    total: int


class BatchProvider(Protocol):
    """One provider's batch API on one server."""

    kind: str
    server: str
    limit: int
    """Requests one batch may hold at most."""

    async def submit(self, entries: list[Entry]) -> str: ...

    async def status(self, batch_id: str) -> BatchStatus: ...

    async def results(self, batch_id: str) -> dict[str, Outcome]: ...


def _batched(completion: Completion, submitted: float) -> Completion:
    return completion.model_copy(update={"batch": True, "latency": max(0.0, time.time() - submitted)})


class AnthropicBatches:
    """Message Batches on an `AnthropicBackend`'s server, with its key and SDK client."""

    kind = "anthropic"
    limit = 100_000

    def __init__(self, backend: AnthropicBackend) -> None:
        self.backend = backend
        self.server = backend.base_url or ""
        self._submitted: dict[str, float] = {}

    def _errors(self) -> AbstractContextManager[None]:
        return self.backend.errors()

    async def submit(self, entries: list[Entry]) -> str:
        body = {"requests": [{"custom_id": custom_id, "params": params} for custom_id, params in entries]}
        with self._errors():
            batch = await post_json(
                self.backend._sdk_client(),
                "/v1/messages/batches",
                body,
                self.backend._sdk.types.messages.MessageBatch,
            )
        self._submitted[batch.id] = time.time()
        return str(batch.id)

    async def status(self, batch_id: str) -> BatchStatus:
        with self._errors():
            batch = await self.backend._sdk_client().messages.batches.retrieve(batch_id)
        counts = batch.request_counts
        done = counts.succeeded + counts.errored + counts.canceled + counts.expired
        return BatchStatus(
            batch.processing_status == "ended", batch.processing_status, done, done + counts.processing
        )

    async def results(self, batch_id: str) -> dict[str, Outcome]:
        submitted = self._submitted.get(batch_id, time.time())
        outcomes: dict[str, Outcome] = {}
        with self._errors():
            async for line in await self.backend._sdk_client().messages.batches.results(batch_id):
                outcomes[line.custom_id] = self._outcome(line.result, submitted)
        return outcomes

    def _outcome(self, result: Any, submitted: float) -> Outcome:
        b = self.backend
        if result.type == "succeeded":
            return _batched(b._completion(result.message, 0.0), submitted)
        if result.type in ("expired", "canceled"):
            return TransientFailure(b.name, f"batch request {result.type}")
        error = result.error.error
        kind = str(getattr(error, "type", "api_error"))
        message = str(getattr(error, "message", kind))
        if kind in RETRYABLE_ANTHROPIC:
            return TransientFailure(b.name, f"batch request errored: {kind}: {message}")
        return status_failure(
            b.name,
            ANTHROPIC_STATUS.get(kind, 400),
            message,
            key_variable=ANTHROPIC_KEY,
            model=b.model,
            base_url=b.base_url,
            secrets=(b._key,),
        )


class OpenAIBatches:
    """The OpenAI Batch API on an `OpenAIBackend`'s server: any server that implements /files and /batches."""

    kind = "openai"
    limit = 50_000
    endpoint: ClassVar[Literal["/v1/chat/completions"]] = "/v1/chat/completions"

    def __init__(self, backend: OpenAIBackend) -> None:
        self.backend = backend
        self.server = backend.base_url or ""
        self._submitted: dict[str, float] = {}

    def _errors(self) -> AbstractContextManager[None]:
        return self.backend.errors()

    async def submit(self, entries: list[Entry]) -> str:
        lines = [
            json.dumps({"custom_id": custom_id, "method": "POST", "url": self.endpoint, "body": params})
            for custom_id, params in entries
        ]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        client = self.backend._sdk_client()
        with self._errors():
            uploaded = await client.files.create(
                file=("esc-batch.jsonl", data, "application/jsonl"), purpose="batch"
            )
            batch = await client.batches.create(
                input_file_id=uploaded.id, endpoint=self.endpoint, completion_window="24h"
            )
        self._submitted[batch.id] = time.time()
        return str(batch.id)

    async def status(self, batch_id: str) -> BatchStatus:
        with self._errors():
            batch = await self.backend._sdk_client().batches.retrieve(batch_id)
        if batch.status == "failed":
            errors = batch.errors.data if batch.errors is not None and batch.errors.data else []
            detail = "; ".join(str(e.message) for e in errors[:3]) or "no detail given"
            raise BackendError(
                f"openai refused batch {batch_id}: {detail} (check the model name {self.backend.model!r} "
                "and that the server supports the Batch API)"
            )
        counts = batch.request_counts
        done = (counts.completed + counts.failed) if counts is not None else 0
        total = counts.total if counts is not None else 0
        ended = batch.status in ("completed", "expired", "cancelled")
        return BatchStatus(ended, batch.status, done, total)

    async def results(self, batch_id: str) -> dict[str, Outcome]:
        submitted = self._submitted.get(batch_id, time.time())
        client = self.backend._sdk_client()
        outcomes: dict[str, Outcome] = {}
        with self._errors():
            batch = await client.batches.retrieve(batch_id)
            for file_id in (batch.output_file_id, batch.error_file_id):
                if not file_id:
                    continue
                content = await client.files.content(file_id)
                for raw in content.text.splitlines():
                    if raw.strip():
                        line = json.loads(raw)
                        outcomes[str(line.get("custom_id"))] = self._outcome(line, submitted)
        return outcomes

    def _outcome(self, line: dict[str, Any], submitted: float) -> Outcome:
        b = self.backend
        response = line.get("response") or {}
        status = int(response.get("status_code") or 0)
        if status == 200:
            reply = b._sdk.types.chat.ChatCompletion.model_validate(response.get("body") or {})
            return _batched(b._completion(reply, 0.0), submitted)
        if status:
            body = response.get("body") or {}
            error = body.get("error") if isinstance(body, dict) else None
            return status_failure(
                b.name,
                status,
                _detail(error, f"HTTP {status}"),
                key_variable=OPENAI_KEY,
                model=b.model,
                base_url=b.base_url,
                secrets=(b._key,),
            )
        error = line.get("error") or {}
        return TransientFailure(b.name, f"batch request failed: {error.get('code') or 'no response'}")


def provider_for(backend: object) -> BatchProvider:
    """The batch API of a backend; only the anthropic and openai backends have one."""
    if isinstance(backend, AnthropicBackend):
        return AnthropicBatches(backend)
    if isinstance(backend, OpenAIBackend):
        return OpenAIBatches(backend)
    name = getattr(backend, "name", type(backend).__name__)
    raise BackendError(
        f"--batch needs the anthropic or openai backend; the {name} backend has no batch API "
        "(choose --backend anthropic or openai for the model roles, or leave out --batch)"
    )
