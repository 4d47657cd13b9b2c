"""The `anthropic` backend: Claude through the official SDK's `AsyncAnthropic`.

- The key comes from ANTHROPIC_API_KEY only and is passed to the SDK explicitly, so the SDK never
  falls back to profiles or other credential files.
- The system prompt is marked with `cache_control` so Anthropic's prompt cache serves the stable
  prefix (persona, skills, schema) on every turn after the first.
- Structured output is asked for in the system prompt (the schema as text); the client validates
  the reply and repairs once. This works for any schema, unlike the API's constrained decoding,
  which accepts only a subset of JSON Schema.
- `temperature` and `seed` are part of the cache key but are not sent: API version 2026-10-21 and the
  2.x SDK removed sampling parameters, and the API never had a seed.
- The SDK's own retries are off (`max_retries=0`): `retry.py` is the only retry layer.
"""

from __future__ import annotations

import os
import time
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar

from esc_cli.errors import BackendError, MissingKeyError
from esc_cli.llm.base import Completion, Request, Usage
from esc_cli.llm.failures import sdk_errors, within
from esc_cli.llm.loopbound import LoopBound
from esc_cli.llm.rawpost import POOL, post_json
from esc_cli.llm.structured import with_schema_instruction
from esc_cli.llm.transport import lean_http_client

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types import Message as SdkMessage
    from anthropic.types import MessageParam, TextBlockParam

KEY_VARIABLE = "ANTHROPIC_API_KEY"
INSTALL_HINT = "pip install 'esc-skills[anthropic]'"
# As many connections as the SDK's own pool takes; the client's gate bounds the calls in flight.
MAX_CONNECTIONS = 1000


def _import_sdk() -> Any:
    try:
        import anthropic
    except ImportError as exc:
        raise BackendError(f"the anthropic backend needs the anthropic package ({INSTALL_HINT})") from exc
    return anthropic


def _detail(exc: Any) -> str:
    """The server's own words in an error: `api_message` in newer SDKs, else the error body's message."""
    found = getattr(exc, "api_message", None)
    body = getattr(exc, "body", None)
    if not found and isinstance(body, dict):
        inner = body.get("error", body)
        found = inner.get("message") if isinstance(inner, dict) else None
    return str(found or exc.message)


class AnthropicBackend:
    """Claude models. `base_url` points the SDK elsewhere, e.g. at the fake server in tests."""

    name: ClassVar[str] = "anthropic"

    def __init__(self, model: str, *, base_url: str | None = None, timeout: float = 60.0) -> None:
        self._sdk = _import_sdk()
        key = os.environ.get(KEY_VARIABLE, "").strip()
        if not key:
            raise MissingKeyError(KEY_VARIABLE, self.name)
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        self._key = key
        # The SDK client of this server and settings, shared with every other backend that calls it.
        self._pool_key = (self.name, base_url, key, timeout)
        self._client: LoopBound[AsyncAnthropic] = LoopBound(
            lambda: POOL.acquire(self._pool_key, self, self._new_client)
        )

    def _new_client(self) -> AsyncAnthropic:
        try:
            http_client = lean_http_client(
                self._sdk, base_url=self.base_url, timeout=self.timeout, max_connections=MAX_CONNECTIONS
            )
        except TypeError as exc:
            raise BackendError(
                f"the installed anthropic package is not one esc knows ({INSTALL_HINT} --upgrade)"
            ) from exc
        client: AsyncAnthropic = self._sdk.AsyncAnthropic(
            api_key=self._key,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=0,
            http_client=http_client,
        )
        return client

    def _sdk_client(self) -> AsyncAnthropic:
        """The SDK client of this server, for the calls that are not messages (batch mode)."""
        return self._client.get()

    def _params(self, request: Request) -> dict[str, Any]:
        messages: list[MessageParam] = []
        for message in request.messages:
            if message.role == "user":
                messages.append({"role": "user", "content": message.content})
            else:
                messages.append({"role": "assistant", "content": message.content})
        params: dict[str, Any] = {"model": self.model, "max_tokens": request.max_tokens, "messages": messages}
        system = with_schema_instruction(request.system, request.json_schema)
        if system:
            block: TextBlockParam = {"type": "text", "text": system}
            if request.cache_prefix:
                block["cache_control"] = {"type": "ephemeral"}
            params["system"] = [block]
        return params

    def errors(self) -> AbstractContextManager[None]:
        """SDK errors of a call to this server as esc errors (`failures.sdk_errors`); batch mode too."""
        return sdk_errors(
            self._sdk,
            backend=self.name,
            detail=_detail,
            key_variable=KEY_VARIABLE,
            model=self.model,
            base_url=self.base_url,
            secrets=(self._key,),
            timeout=self.timeout,
        )

    async def complete(self, request: Request) -> Completion:
        sdk = self._sdk
        started = time.perf_counter()
        # The body is already in the wire format: post it as it is (see rawpost.py).
        with self.errors():
            reply: SdkMessage = await within(
                self.timeout,
                post_json(
                    self._client.get(),
                    "/v1/messages",
                    self._params(request),
                    sdk.types.Message,
                    backend=self.name,
                ),
                backend=self.name,
            )
        return self._completion(reply, time.perf_counter() - started)

    def _completion(self, reply: SdkMessage, latency: float) -> Completion:
        text = "".join(block.text for block in reply.content if block.type == "text")
        usage = Usage(
            input_tokens=reply.usage.input_tokens,
            output_tokens=reply.usage.output_tokens,
            cache_read_tokens=reply.usage.cache_read_input_tokens or 0,
            cache_write_tokens=reply.usage.cache_creation_input_tokens or 0,
        )
        return Completion(text=text, usage=usage, model=str(reply.model), latency=latency)

    async def aclose(self) -> None:
        if self._client.current() is not None:
            await POOL.release(self._pool_key, self)
        self._client.forget()
