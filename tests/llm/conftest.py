"""Fixtures for the model layer: a fake server on 127.0.0.1, distinctive fake keys, fast retries.

tests/llm is a package (it has an __init__.py) so that this file imports as `llm.conftest` and does
not replace tests/conftest.py as the module `conftest` that other test files import from.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from esc_cli.llm.fake_server import FakeServer

from .llm_helpers import ANTHROPIC_KEY, OPENAI_KEY, SleepRecorder


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Distinctive fake keys in the environment, for the leak test to search for."""
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A fake server with no latency and no faults queued."""
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()
