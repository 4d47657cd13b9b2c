"""Output paths the user gets wrong: a parent that is a file, a folder where a file goes. One line, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import EscRunner

from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, ensure_dir


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "afile"
    path.write_text("x\n", encoding="utf-8")
    return path


def test_ensure_dir_names_the_file_in_the_way(a_file: Path) -> None:
    with pytest.raises(InputError, match=r"afile/sub: cannot be used as the run folder: .*afile is a file"):
        ensure_dir(a_file / "sub", what="run folder")
    with pytest.raises(InputError, match="is a file, not a folder"):
        ensure_dir(a_file)


def test_atomic_write_refuses_a_folder_and_a_parent_that_is_a_file(tmp_path: Path, a_file: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        atomic_write_text(tmp_path, "text")
    with pytest.raises(InputError, match="afile: is a file, not a folder"):
        atomic_write_text(a_file / "out.json", "text")
    assert a_file.read_text(encoding="utf-8") == "x\n"


@pytest.mark.parametrize(
    "args",
    [
        ("sim", "run", "--seeds", "1", "--out", "{file}/sub"),
        ("export", "claude", "--out", "{file}/sub"),
        ("report", "runs/r", "-o", "{file}/report.html"),
        ("evolve", "--dry-run", "--rounds", "1", "--seeds", "1", "--out", "{file}/sub"),
    ],
    ids=["sim-run", "export", "report", "evolve"],
)
def test_commands_refuse_an_output_under_a_file(
    seed_bank: Path, esc: EscRunner, a_file: Path, args: tuple[str, ...]
) -> None:
    if "report" in args:
        assert esc("sim", "run", "--seeds", "1", "--out", "runs/r", cwd=seed_bank).code == 0
    result = esc(*(a.replace("{file}", str(a_file)) for a in args), cwd=seed_bank)
    assert result.code == 2, result.err
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert re.search(r"afile:? is a file", result.err), result.err
