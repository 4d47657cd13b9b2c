"""Objects that belong to one asyncio event loop, rebuilt when a later `asyncio.run` uses another.

An SDK's connection pool and an `asyncio.Semaphore` both bind to the loop that first uses them. The
CLI runs one loop a command, but tests and benchmarks call `asyncio.run` many times on one client,
so these are made lazily, per loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LoopBound(Generic[T]):
    """`get()` returns the instance made for the running loop, making it on first use."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._loop: asyncio.AbstractEventLoop | None = None
        self._value: T | None = None

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        if self._value is None or self._loop is not loop:
            self._value = self._factory()
            self._loop = loop
        return self._value

    def current(self) -> T | None:
        """The instance for the running loop, if one was made; used to close it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._value if self._loop is loop else None

    def forget(self) -> None:
        self._value = None
        self._loop = None
