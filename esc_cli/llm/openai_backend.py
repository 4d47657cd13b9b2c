"""The `openai` backend: any OpenAI-compatible chat-completions server through the official SDK.

`base_url` selects the server: OpenAI itself (unset), vLLM or Ollama on this machine, DashScope
(Qwen), and others. The key comes from OPENAI_API_KEY; a server on localhost needs none, so a
placeholder is sent there when the variable is unset.

Structured output uses `response_format` as the JSON mode says (`jsonmode.py`: `auto` finds what
the server accepts) plus the schema in the system prompt, and the client validates every reply.
Each call has an overall deadline of `timeout` seconds, not only a per-read timeout.
The seed is passed through. The SDK's own retries are off: `retry.py` is the only retry layer.
"""

from __future__ import annotations

import os
import time
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from esc_cli.errors import BackendError, MissingKeyError
from esc_cli.llm.base import Completion, Request, Usage
from esc_cli.llm.failures import TransientFailure, sdk_errors, within
from esc_cli.llm.jsonmode import DEFAULT_JSON_MODE, JsonMode, ServerModes
from esc_cli.llm.loopbound import LoopBound
from esc_cli.llm.rawpost import POOL, post_json
from esc_cli.llm.structured import with_schema_instruction
from esc_cli.llm.transport import lean_http_client

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

KEY_VARIABLE = "OPENAI_API_KEY"
INSTALL_HINT = "pip install 'esc-skills[openai]'"
# Sent to local servers that check no key; the SDK refuses to start without some key.
LOCAL_PLACEHOLDER_KEY = "esc-local-no-key"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
OPENAI_URL = "https://api.openai.com/v1"


def is_local(base_url: str | None) -> bool:
    """True when the server runs on this machine, where no key is needed."""
    if not base_url:
        return False
    host = urlsplit(base_url).hostname or ""
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def _import_sdk() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise BackendError(f"the openai backend needs the openai package ({INSTALL_HINT})") from exc
    return openai


def _cached_tokens(usage: Any) -> int:
    """Prompt tokens the server read from its cache. SDKs before prompt caching keep the field, when
    a server sends it, as a plain dict."""
    details = getattr(usage, "prompt_tokens_details", None)
    if isinstance(details, dict):
        return int(details.get("cached_tokens") or 0)
    return int(getattr(details, "cached_tokens", 0) or 0)


def _detail(body: object, fallback: str) -> str:
    """The server's own error message; the SDK's `message` prefixes it with "Error code: N -"."""
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return fallback


class OpenAIBackend:
    """Chat completions. `max_connections` bounds the SDK's HTTP pool; keep it above the concurrency."""

    name: ClassVar[str] = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        json_mode: JsonMode = DEFAULT_JSON_MODE,
        modes: ServerModes | None = None,
        max_connections: int = 256,
    ) -> None:
        self._sdk = _import_sdk()
        key = os.environ.get(KEY_VARIABLE, "").strip()
        if not key:
            if not is_local(base_url):
                raise MissingKeyError(KEY_VARIABLE, self.name)
            key = LOCAL_PLACEHOLDER_KEY
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        self.json_mode: JsonMode = json_mode
        # What each server accepts; share one between the backends of a run (the factory does).
        self.modes = modes or ServerModes()
        self.max_connections = max_connections
        self._key = key
        # The SDK client of this server and settings, shared with every other backend that calls it.
        self._pool_key = (self.name, base_url, key, timeout, max_connections)
        self._client: LoopBound[AsyncOpenAI] = LoopBound(
            lambda: POOL.acquire(self._pool_key, self, self._new_client)
        )

    def _sdk_client(self) -> AsyncOpenAI:
        """An SDK client of this server, for the calls that are not chat completions (batch mode)."""
        return self._client.get()

    def _new_client(self) -> AsyncOpenAI:
        try:
            http_client = lean_http_client(
                self._sdk, base_url=self.base_url, timeout=self.timeout, max_connections=self.max_connections
            )
        except TypeError as exc:
            raise BackendError(
                f"the installed openai package is not one esc knows ({INSTALL_HINT} --upgrade)"
            ) from exc
        client: AsyncOpenAI = self._sdk.AsyncOpenAI(
            api_key=self._key,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=0,
            http_client=http_client,
        )
        return client

    @property
    def server(self) -> str:
        """The server's base URL, as messages and the JSON-mode memory name it."""
        return self.base_url or OPENAI_URL

    def _params(self, request: Request, mode: JsonMode | None = None) -> dict[str, Any]:
        """The chat-completions parameters; `mode` is the JSON mode of this call (default: the
        configured one, with `auto` read as `schema`)."""
        mode = mode or self.json_mode
        messages: list[ChatCompletionMessageParam] = []
        system = with_schema_instruction(request.system, request.json_schema)
        if system:
            messages.append({"role": "system", "content": system})
        for message in request.messages:
            if message.role == "user":
                messages.append({"role": "user", "content": message.content})
            else:
                messages.append({"role": "assistant", "content": message.content})
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": request.temperature,
        }
        # OpenAI's own newer models accept only max_completion_tokens; most compatible servers
        # (vLLM, Ollama, DashScope) still read max_tokens.
        params["max_tokens" if self.base_url else "max_completion_tokens"] = request.max_tokens
        if request.seed is not None:
            params["seed"] = request.seed
        if request.json_schema is not None and mode in ("schema", "auto"):
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": request.json_schema, "strict": False},
            }
        elif request.json_schema is not None and mode == "object":
            params["response_format"] = {"type": "json_object"}
        return params

    async def complete(self, request: Request) -> Completion:
        if request.json_schema is None:
            return await self._send(request, "prompt")
        return await self.modes.call(self.server, self.json_mode, lambda mode: self._send(request, mode))

    def errors(self) -> AbstractContextManager[None]:
        """SDK errors of a call to this server as esc errors (`failures.sdk_errors`); batch mode too."""
        return sdk_errors(
            self._sdk,
            backend=self.name,
            detail=lambda exc: _detail(exc.body, exc.message),
            key_variable=KEY_VARIABLE,
            model=self.model,
            base_url=self.base_url,
            secrets=(self._key,),
            timeout=self.timeout,
        )

    async def _send(self, request: Request, mode: JsonMode) -> Completion:
        started = time.perf_counter()
        # The body is already in the wire format: post it as it is (see rawpost.py).
        with self.errors():
            reply: ChatCompletion = await within(
                self.timeout,
                post_json(
                    self._client.get(),
                    "/chat/completions",
                    self._params(request, mode),
                    self._sdk.types.chat.ChatCompletion,
                    backend=self.name,
                ),
                backend=self.name,
            )
        return self._completion(reply, time.perf_counter() - started)

    def _completion(self, reply: ChatCompletion, latency: float) -> Completion:
        if not reply.choices:
            raise TransientFailure(self.name, "reply had no choices")
        text = reply.choices[0].message.content or ""
        usage = Usage()
        if reply.usage is not None:
            cached = _cached_tokens(reply.usage)
            # Usage.input_tokens counts uncached input only, as Anthropic reports it, so one price
            # table works for both.
            usage = Usage(
                input_tokens=max(0, reply.usage.prompt_tokens - cached),
                output_tokens=reply.usage.completion_tokens,
                cache_read_tokens=cached,
            )
        return Completion(text=text, usage=usage, model=reply.model or self.model, latency=latency)

    async def aclose(self) -> None:
        if self._client.current() is not None:
            await POOL.release(self._pool_key, self)
        self._client.forget()
