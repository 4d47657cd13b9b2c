"""How an OpenAI-compatible server is asked for JSON, and the fallback when it cannot do what is asked.

    schema   response_format {"type": "json_schema", ...}: the server constrains the reply to the
             schema (vLLM, Ollama, llama.cpp's own server, OpenAI)
    object   response_format {"type": "json_object"}: any JSON object (llama-cpp-python, older servers)
    prompt   no response_format; the schema is in the system prompt, as it always is
    auto     schema, then object, then prompt: the first the server accepts (the default)

Every mode keeps the schema in the system prompt, and the client validates every reply whatever
the mode. With `auto`, the first call to a server is a probe: the other calls to that server wait
for it, so a server that refuses `json_schema` costs one extra call in the whole run, not one per
call. A refusal is a 4xx other than the auth, not-found, size and rate statuses, or a 5xx whose body
names `response_format` or `json_schema` (llama-cpp-python). The mode found is kept per server for
the run and announced once through `notify`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar, get_args

from esc_cli.errors import BackendError
from esc_cli.llm.failures import TransientFailure
from esc_cli.llm.loopbound import LoopBound

T = TypeVar("T")
JsonMode = Literal["auto", "schema", "object", "prompt"]
JSON_MODES: tuple[str, ...] = get_args(JsonMode)
DEFAULT_JSON_MODE: JsonMode = "auto"
WIRE_NAMES = {"schema": "json_schema", "object": "json_object", "prompt": "instructions in the prompt"}
FALLBACK: dict[str, JsonMode] = {"schema": "object", "object": "prompt"}
# 4xx statuses that say nothing about the request's shape: a key, a model name, a size, a rate.
NOT_A_REFUSAL = frozenset({401, 403, 404, 408, 409, 413, 429})
FORMAT_WORDS = ("response_format", "json_schema", "json_object")
Notify = Callable[[str], None]


def refuses_format(error: Exception) -> bool:
    """True when a failed call says the server does not take this `response_format`."""
    status = getattr(error, "status", None)
    if not isinstance(status, int):
        return False
    detail = str(getattr(error, "detail", ""))
    if 400 <= status < 500:
        return status not in NOT_A_REFUSAL
    return any(word in detail for word in FORMAT_WORDS)


@dataclass
class ServerMode:
    """What one server was found to accept in this run."""

    mode: JsonMode
    settled: bool = False
    extra_calls: int = 0
    refusals: list[str] = field(default_factory=list)


def describe(server: str, state: ServerMode) -> str:
    """The one line announcing the mode of a server."""
    line = f"JSON mode for {server}: {WIRE_NAMES[state.mode]}"
    if state.refusals:
        calls = f"{state.extra_calls} extra call{'s' if state.extra_calls != 1 else ''}"
        line += f" ({'; '.join(state.refusals)}; {calls} in this run)"
    return line


class ServerModes:
    """The JSON mode of each server in one run, shared by every client that talks to it."""

    def __init__(self, notify: Notify | None = None) -> None:
        self.notify = notify
        self.states: dict[str, ServerMode] = {}
        self._locks: dict[str, LoopBound[asyncio.Lock]] = {}

    def extra_calls(self) -> dict[str, int]:
        """Calls the fallback added, per server."""
        return {server: state.extra_calls for server, state in self.states.items()}

    async def call(self, server: str, mode: JsonMode, attempt: Callable[[JsonMode], Awaitable[T]]) -> T:
        """`attempt(mode)` with the mode to use: `mode` itself, or with `auto` the one found for `server`."""
        if mode != "auto":
            return await self._fixed(server, mode, attempt)
        state = self.states.setdefault(server, ServerMode("schema"))
        if state.settled:
            return await attempt(state.mode)
        lock = self._locks.setdefault(server, LoopBound(asyncio.Lock)).get()
        async with lock:
            if not state.settled:
                return await self._probe(server, state, attempt)
        # Settled while this call waited: it runs outside the lock, alongside the others.
        return await attempt(state.mode)

    async def _probe(self, server: str, state: ServerMode, attempt: Callable[[JsonMode], Awaitable[T]]) -> T:
        """Call with the current mode, stepping down on each refusal; the first success settles it."""
        while True:
            try:
                result = await attempt(state.mode)
            except (BackendError, TransientFailure) as error:
                following = FALLBACK.get(state.mode)
                if following is None or not refuses_format(error):
                    raise
                state.refusals.append(
                    f"{WIRE_NAMES[state.mode]} refused: HTTP {getattr(error, 'status', '?')}"
                )
                state.mode = following
                state.extra_calls += 1
                continue
            state.settled = True
            if self.notify is not None:
                self.notify(describe(server, state))
            return result

    async def _fixed(self, server: str, mode: JsonMode, attempt: Callable[[JsonMode], Awaitable[T]]) -> T:
        try:
            return await attempt(mode)
        except (BackendError, TransientFailure) as error:
            if mode in FALLBACK and refuses_format(error) and _names_format(error):
                detail = getattr(error, "detail", "")
                following = FALLBACK[mode]
                raise BackendError(
                    f"{server} refused response_format {WIRE_NAMES[mode]} (HTTP {getattr(error, 'status', '?')}): "
                    f"{detail} (use --json-mode {following}, or auto to let esc choose)"
                ) from error
            raise


def _names_format(error: Exception) -> bool:
    detail = str(getattr(error, "detail", ""))
    return any(word in detail for word in FORMAT_WORDS)
