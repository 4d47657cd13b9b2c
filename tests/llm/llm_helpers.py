"""Helpers for the model-layer tests: fake keys, a sleep recorder, and clients aimed at the fake server.

Everything goes through the real SDKs over real sockets; nothing of ours is mocked. Sleeps between
retries are recorded instead of slept, so the retry tests run in milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from esc_cli.config import Settings
from esc_cli.llm.base import Message, Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.factory import make_client
from esc_cli.llm.fake_server import FakeServer

T = TypeVar("T")

# Distinctive enough that finding them in a file can only mean a leak.
OPENAI_KEY = "sk-esc-test-DISTINCTIVE-4f1c9a77e0"
ANTHROPIC_KEY = "sk-ant-esc-test-DISTINCTIVE-7b2d0e31c4"
BACKENDS = ("openai", "anthropic")
# Fixed model names, so messages in assertions do not follow the defaults in config.py.
MODELS = {"openai": "gpt-test", "anthropic": "claude-test", "scripted": "scripted"}


class SleepRecorder:
    """Stands in for asyncio.sleep in RetryPolicy: records each wait and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def ask(text: str = "hello", **fields: Any) -> Request:
    return Request(
        system="You are a kind listener.", messages=(Message(role="user", content=text),), **fields
    )


def base_url(server: FakeServer, backend: str) -> str:
    return server.openai_base_url if backend == "openai" else server.anthropic_base_url


def client_for(
    backend: str,
    server: FakeServer,
    *,
    sleeps: SleepRecorder | None = None,
    cache_path: Path | None = None,
    timeout: float = 2.0,
    max_attempts: int = 4,
    concurrency: int = 4,
    role: str = "agent",
    model: str | None = None,
) -> ModelClient:
    """A client of `backend` talking to the fake server, built by the real factory."""
    settings = Settings.model_validate(
        {"engine": backend, "timeout": timeout, "max_attempts": max_attempts, "concurrency": concurrency}
    )
    client = make_client(
        settings,
        role,
        model=model or MODELS[backend],
        base_url=base_url(server, backend),
        cache_path=cache_path,
        no_cache=cache_path is None,
    )
    if sleeps is not None:
        client.retry.sleep = sleeps
    return client
