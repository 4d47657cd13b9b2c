"""Shared fixtures: run the real CLI in-process, and copy the repository's bank into tmp_path.

Helpers that tests import live in testkit.py (a unique name, so no folder's conftest can shadow it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, Result

from esc_cli.cli.main import main


@pytest.fixture
def esc(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> EscRunner:
    """Run `esc ARGS...` in-process in folder `cwd` and return its exit code and output."""

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def seed_bank(tmp_path: Path) -> Path:
    """A copy of the repository's bank (skills, profiles, prompts) in tmp_path."""
    root = tmp_path / "bank"
    root.mkdir()
    for name in ("skills", "profiles", "prompts"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root
