"""esc_cli/fileio.py at the edges: unreadable inputs and outputs that are devices or pipes."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from testkit import EscRunner

from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, read_text


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
