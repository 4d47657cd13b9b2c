"""The SDKs' low-level path, for a client that builds its request bodies itself, and one SDK client per server.

`chat.completions.create(**params)` and `messages.create(**params)` walk every parameter through the
SDK's request transform (type-directed renaming and conversion) before sending it. Our bodies are
already plain JSON in the wire format, so on a busy run that walk is pure overhead: about a third
of the client's CPU per call. `post_json` sends the body through the SDK's own `post`, which keeps
everything else the SDK does: authentication and version headers, the timeout, its error classes
(so `failures.sdk_errors` classifies them as before) and its typed response models.

`ClientPool` keeps one SDK client per server and event loop: the agent and the seeker on the same
server share its keep-alive connections (on `transport.LeanTransport`) instead of opening pools of
their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


async def post_json(
    client: Any, path: str, body: dict[str, Any], cast_to: type[T], *, backend: str = ""
) -> T:
    """POST `body` as it is to `path` on an SDK client (AsyncOpenAI or AsyncAnthropic), parsed as `cast_to`.

    A 200 whose body is not such a reply (a proxy's HTML page, JSON of another type) is a
    TransientFailure, retried like a garbled body, never an AttributeError further on."""
    result: Any = await client.post(path, body=body, cast_to=cast_to)
    if not isinstance(result, cast_to):
        from esc_cli.llm.failures import TransientFailure

        what = (
            "a body that is not JSON (an HTML page?)"
            if isinstance(result, str)
            else f"JSON of the wrong type ({type(result).__name__})"
        )
        raise TransientFailure(backend or "model server", f"the server answered 200 with {what}, not a reply")
    checked: T = result
    return checked


class ClientPool:
    """SDK clients shared per (server settings, event loop); closed when their last user releases them."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Hashable, int], tuple[asyncio.AbstractEventLoop, Any, set[int]]] = {}

    def acquire(self, key: Hashable, user: object, factory: Callable[[], T]) -> T:
        """The client for `key` on the running loop, made by `factory` on first use; `user` holds it."""
        loop = asyncio.get_running_loop()
        self._forget_closed_loops()
        slot = (key, id(loop))
        entry = self._entries.get(slot)
        if entry is None or entry[0] is not loop:
            entry = (loop, factory(), set())
            self._entries[slot] = entry
        entry[2].add(id(user))
        client: T = entry[1]
        return client

    async def release(self, key: Hashable, user: object) -> None:
        """`user` is done with the client for `key`; the last user closes it."""
        loop = asyncio.get_running_loop()
        slot = (key, id(loop))
        entry = self._entries.get(slot)
        if entry is None:
            return
        entry[2].discard(id(user))
        if not entry[2]:
            del self._entries[slot]
            await entry[1].close()

    def _forget_closed_loops(self) -> None:
        for slot in [s for s, (loop, _, _) in self._entries.items() if loop.is_closed()]:
            del self._entries[slot]


POOL = ClientPool()
"""The process-wide pool every model backend takes its SDK client from."""
