"""What `esc eval crisis` and `esc eval judge` say about JSON that parses but is not fit to read: a
lone surrogate escape (no encoder can read it), and a label that is missing or not a string. Each is
one line naming the file, the line and the fix, exit 2, and the file is left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import REPO, EscRunner

CONTEXT = [{"speaker": "seeker", "text": "I lost my job today."}]
PAIR = {
    "kind": "dismissive",
    "turn": 1,
    "context": CONTEXT,
    "better": "That sounds hard.",
    "worse": "Whatever.",
}


@pytest.mark.parametrize(
    ("name", "args", "line"),
    [
        (
            "cues.jsonl",
            ("eval", "crisis", "--cues"),
            r'{"label": "crisis", "text": "I want to end it \ud800 all"}',
        ),
        (
            "replies.jsonl",
            ("eval", "crisis", "--responses"),
            r'{"cue": "I want to die.", "reply": "Are you safe \udc00?", "label": "handled"}',
        ),
        (
            "pairs.jsonl",
            ("eval", "judge", "--pairs"),
            json.dumps(PAIR).replace("Whatever.", r"What\ud800ever."),
        ),
    ],
)
def test_a_lone_surrogate_is_one_line_not_a_crash(
    esc: EscRunner, tmp_path: Path, name: str, args: tuple[str, ...], line: str
) -> None:
    path = tmp_path / name
    path.write_text(line + "\n", encoding="utf-8")
    result = esc(*args, str(path), cwd=REPO)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1, result.err
    assert lines[0] == (
        f"error: {path} -> line 1: a lone surrogate escape (like \\ud800) is not text (remove or repair the escape)"
    )
    assert path.read_text(encoding="utf-8") == line + "\n"


@pytest.mark.parametrize(
    ("args", "line", "expected"),
    [
        (
            ("--cues",),
            {"text": "hi there"},
            'line 1: \'label\' is missing (write the label "crisis" or "none")',
        ),
        (
            ("--responses",),
            {"cue": "I want to die.", "reply": "Are you safe?", "label": True},
            'line 1: \'label\' must be a string (it is true or false) (write the label "handled" or "unhandled")',
        ),
        (
            ("--cues",),
            {"label": "maybe", "text": "hi there"},
            'line 1: label \'maybe\' is not one of crisis, none (write the label "crisis" or "none")',
        ),
    ],
)
def test_a_bad_label_says_what_to_write(
    esc: EscRunner, tmp_path: Path, args: tuple[str, ...], line: dict[str, object], expected: str
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = esc("eval", "crisis", *args, str(path), cwd=REPO)
    assert result.code == 2 and result.err.strip() == f"error: {path} -> {expected}", result.err


def test_a_pair_that_is_not_an_object_names_what_it_is(esc: EscRunner, tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps([PAIR]) + "\n", encoding="utf-8")
    result = esc("eval", "judge", "--pairs", str(path), cwd=REPO)
    assert result.code == 2 and f"error: {path} -> line 1: a list, not a JSON object (" in result.err


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
@pytest.mark.parametrize("raw", [b"caf\xe9 was closed today\n", "I feel low\n".encode("utf-16")])
def test_chat_refuses_stdin_that_is_not_utf8_in_one_line(tmp_path: Path, errors: str, raw: bytes) -> None:
    """However Python decodes stdin (strictly, or keeping bad bytes as surrogates, as in the C locale)."""
    env = {**os.environ, "PYTHONIOENCODING": f"utf-8:{errors}"}
    entry = "from esc_cli.cli.main import entry; entry()"
    result = subprocess.run(
        [sys.executable, "-c", entry, "chat"], input=raw, capture_output=True, cwd=REPO, env=env, timeout=120
    )
    err = result.stderr.decode("utf-8", "replace").strip().splitlines()
    assert result.returncode == 2 and err == [
        "error: standard input -> line 1: not UTF-8 text (send UTF-8, e.g. pipe it through `iconv -t UTF-8`)"
    ], result.stderr
