"""`esc_cli.aio.run`: asyncio.run whose main task never holds the result, so nothing formats it."""

from __future__ import annotations

import pytest

from esc_cli import aio


class Costly:
    """A result whose repr must never be computed (a run's dialogues, in real use)."""

    reprs = 0

    def __repr__(self) -> str:
        Costly.reprs += 1
        return "Costly()"


async def make() -> Costly:
    return Costly()


async def fail() -> None:
    raise ValueError("inside the loop")


def test_the_result_comes_back_and_is_never_formatted() -> None:
    Costly.reprs = 0
    result = aio.run(make())
    assert isinstance(result, Costly)
    assert Costly.reprs == 0


def test_an_error_inside_the_loop_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="inside the loop"):
        aio.run(fail())
