"""A backend whose replies are written by the test: queued with `enqueue([...])` or made by a handler.

It goes through the same client as the real backends (cache, retries, schema checks, accounting),
so tests of the simulation and labelling code can script a model without a network.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from esc_cli.errors import BackendError
from esc_cli.llm.base import Completion, Request, Usage
from esc_cli.llm.structured import minimal_instance

Reply = str | dict[str, Any] | list[Any]
Handler = Callable[[Request], Reply]


def rough_tokens(text: str) -> int:
    """A stand-in token count (about four characters a token) for backends that have no tokenizer."""
    return max(1, (len(text) + 3) // 4) if text else 0


def echo_reply(request: Request) -> Reply:
    """The default handler: a schema-shaped value when JSON is asked for, else the last user message."""
    if request.json_schema is not None:
        return json.dumps(minimal_instance(request.json_schema))
    last = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
    return f"echo: {last}"


class ScriptedBackend:
    """Replies from a queue first, then from `handler`. Every request it saw is kept in `requests`."""

    name: ClassVar[str] = "scripted"

    def __init__(
        self,
        replies: Iterable[Reply] = (),
        *,
        handler: Handler | None = None,
        model: str = "scripted",
    ) -> None:
        self.model = model
        self.handler = handler
        self.requests: list[Request] = []
        self._queue: deque[Reply] = deque(replies)

    def enqueue(self, replies: Iterable[Reply]) -> None:
        """Queue replies, used in order before the handler. A dict or list is sent as JSON text."""
        self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Queued replies not used yet; a test can assert it reaches 0."""
        return len(self._queue)

    async def complete(self, request: Request) -> Completion:
        self.requests.append(request)
        if self._queue:
            reply = self._queue.popleft()
        elif self.handler is not None:
            reply = self.handler(request)
        else:
            raise BackendError(
                f"scripted backend: no reply queued for call {len(self.requests)} "
                "(enqueue more replies or give a handler)"
            )
        text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)
        prompt = request.system + "".join(m.content for m in request.messages)
        usage = Usage(input_tokens=rough_tokens(prompt), output_tokens=rough_tokens(text))
        return Completion(text=text, usage=usage, model=self.model)

    async def aclose(self) -> None:
        """Nothing to release; present so every backend closes the same way."""
