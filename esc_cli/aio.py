"""`run`: `asyncio.run` for coroutines that return large results.

`asyncio.run` points the SIGINT handler at its main task while it runs. On the way out, Python 3.11's
`signal.signal` and `signal.getsignal` try to read that handler as a `Handlers` enum member; the failed
lookup formats the handler's repr, which holds the task's repr, which holds its *result*. For a
verify run that result is every dialogue of both sides: about 0.15 s of repr per call, twice, for a
string nobody reads. Here the result leaves the task through a holder, so the task's result is None.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion in a new event loop (as `asyncio.run`) and return its result."""
    held: list[T] = []

    async def hold() -> None:
        held.append(await main)

    asyncio.run(hold())
    return held[0]
