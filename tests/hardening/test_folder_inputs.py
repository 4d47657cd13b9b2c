"""A folder given where a command reads a file: one line naming it and the fix, exit 2, no usage dump."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import EscRunner


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "judge", "--pairs"],
        ["eval", "judge", "--feedback"],
        ["eval", "judge", "--succeeded"],
        ["eval", "crisis", "--cues"],
        ["eval", "crisis", "--responses"],
        ["eval", "strategy", "--data"],
        ["skill", "discover"],
        ["profile", "import-sage"],
    ],
    ids=lambda a: " ".join(a),
)
def test_a_folder_for_a_file_is_one_line(esc: EscRunner, seed_bank: Path, args: list[str]) -> None:
    folder = seed_bank / "input.jsonl"
    folder.mkdir()
    result = esc(*args, str(folder), cwd=seed_bank)
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "input.jsonl" in lines[0] and "folder" in lines[0], result.err
    assert "Usage:" not in result.err and "Traceback" not in result.err
