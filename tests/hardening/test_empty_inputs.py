"""An empty file passed on the command line is one line that says what the file should hold.

A skill file in a bank may be deleted; an input file may not be the user's to delete, so its fix names
what to pass instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import REPO, EscRunner


@pytest.mark.parametrize(
    ("name", "args", "what", "fix"),
    [
        ("cues.tsv", ("eval", "crisis", "--cues"), "empty cue file", "pass a file of labelled statements"),
        (
            "replies.jsonl",
            ("eval", "crisis", "--responses"),
            "empty response file",
            "pass a file of labelled replies",
        ),
        (
            "pairs.jsonl",
            ("eval", "judge", "--pairs"),
            "empty pair suite",
            "pass a suite with one pair a line",
        ),
        ("ius.jsonl", ("skill", "discover"), "empty IU file", "extract IUs into it first: esc iu extract"),
        (
            "sage.jsonl",
            ("profile", "import-sage", "--out", "{tmp}"),
            "empty SAGE profile file",
            "pass the SAGE profiles, one JSON object a line",
        ),
    ],
)
def test_an_empty_input_names_what_to_pass(
    esc: EscRunner, tmp_path: Path, name: str, args: tuple[str, ...], what: str, fix: str
) -> None:
    path = tmp_path / name
    path.write_text("\n \n", encoding="utf-8")
    result = esc(*(a.replace("{tmp}", str(tmp_path / "out")) for a in args), str(path), cwd=REPO)
    assert not (tmp_path / "out").exists()
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1, result.err
    assert lines[0].startswith(f"error: {path}: {what} ({fix}") and lines[0].endswith(")"), lines[0]
    assert "delete it" not in lines[0] and path.read_text(encoding="utf-8") == "\n \n"
