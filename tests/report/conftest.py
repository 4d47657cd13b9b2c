"""Fixtures of the report tests: real run folders written from generated dialogues (see report_fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import RunFactory, make_dialogues, write_run

from esc_cli.sim.runstore import Run


@pytest.fixture
def make_run(tmp_path: Path) -> RunFactory:
    def build(name: str = "run", count: int = 40, *, rng_seed: int = 7, bias: int = 0) -> Run:
        return write_run(tmp_path / name, make_dialogues(count, rng_seed=rng_seed, bias=bias), run_id=name)

    return build


@pytest.fixture
def fixture_run(make_run: RunFactory) -> Run:
    return make_run()
