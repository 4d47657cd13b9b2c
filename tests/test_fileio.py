"""esc_cli/fileio.py at the edges: unreadable inputs and outputs that are devices or pipes."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from testkit import REPO, EscRunner

from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, load_yaml, read_text


def test_a_read_error_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.md"
    path.write_text("text\n", encoding="utf-8")

    def fail(self: Path, *args: object, **kwargs: object) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", fail)
    with pytest.raises(InputError) as caught:
        read_text(path, what="skill file")
    assert str(caught.value) == f"{path}: cannot read: Input/output error (pass a readable skill file)"


def test_a_folder_is_named_with_the_right_article(tmp_path: Path, esc: EscRunner) -> None:
    result = esc("iu", "stats", str(tmp_path))
    assert result.err == f"error: {tmp_path}: is a folder, not an IU file (pass a file)\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_writing_to_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    atomic_write_text(pipe, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<<: {a: 1}\nb: 2\n",
            "f.yaml -> line 1: YAML merge keys ('<<') are not allowed (write the values out in full)",
        ),
        (
            "? [a, b]\n: 1\n",
            "f.yaml -> line 1: a mapping key that is a list or a mapping (use a plain word or number as the key)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "f.yaml -> line 2: a second YAML document ('---') in one file (keep one document per file)",
        ),
        (
            'a: "x \\ud83d\\ude00"\n',
            "(write the character itself, or one \\U escape for it (\\U0001F600, not \\ud83d\\ude00))",
        ),
    ],
    ids=["merge-key", "list-key", "two-documents", "surrogate-pair"],
)
def test_refused_yaml_is_named_for_what_it_is(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        load_yaml(text, Path("f.yaml"))
    message = str(caught.value)
    assert expected in message
    assert "tag not allowed" not in message


@pytest.mark.parametrize(("key", "shown"), [("~", "~ (null)"), ("1", "1")])
def test_a_key_that_is_not_text_is_named(key: str, shown: str) -> None:
    from esc_cli.bank.files import parse_skill
    from esc_cli.errors import EscError

    text = (REPO / "skills" / "reflect-feelings.md").read_text(encoding="utf-8")
    with pytest.raises(EscError) as caught:
        parse_skill(text.replace("status: active\n", f"status: active\n{key}: x\n", 1), Path("skills/x.md"))
    assert str(caught.value) == (
        f"skills/x.md: a key that is not text: {shown} (write every key as a word (quote it if it looks "
        "like a number or ~))"
    )
