"""Fixtures for the simulation tests: a copy of the real bank."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def bank(seed_bank: Path) -> Path:
    """A copy of the repository's bank in tmp_path (skills, profiles, prompts, pyproject)."""
    return seed_bank
