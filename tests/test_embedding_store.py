"""The embedding store (`.esc/embeddings.npz`): a fresh process starts warm, and a bad file is ignored."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from esc_cli.errors import InputError
from esc_cli.text import store
from esc_cli.text.encoder import TextEncoder, _model_file, _vocab_file


@pytest.fixture
def encoder() -> TextEncoder:
    return TextEncoder(_model_file(), _vocab_file())


def test_a_saved_store_fills_a_new_encoder_with_the_same_vectors(
    tmp_path: Path, encoder: TextEncoder
) -> None:
    store.use_store(tmp_path / ".esc" / store.STORE_NAME)
    try:
        rows = encoder.embed(["I lost my job.", "That sounds hard."])
        assert store.save_store(encoder, known=0)
        assert not store.save_store(encoder)  # nothing new: not written again
        fresh = TextEncoder(_model_file(), _vocab_file())
        assert store.read_store(fresh) == 2 and len(fresh) == 2
        assert np.array_equal(fresh.embed(["I lost my job.", "That sounds hard."]), rows)
        assert not fresh.loaded  # every text came from the store: the model never started
        fresh.embed(["A text the store has never seen."])
        assert fresh.loaded
    finally:
        store.use_store(None)


@pytest.mark.parametrize(
    "content",
    [b"not an npz", b"", pickle.dumps({"texts": ["x"]})],
    ids=["garbage", "empty", "pickle"],
)
def test_a_bad_store_file_is_ignored(tmp_path: Path, encoder: TextEncoder, content: bytes) -> None:
    path = tmp_path / store.STORE_NAME
    path.write_bytes(content)
    store.use_store(path)
    try:
        assert store.read_store(encoder) == 0 and len(encoder) == 0
    finally:
        store.use_store(None)


def test_a_store_that_needs_pickle_or_names_another_model_is_ignored(
    tmp_path: Path, encoder: TextEncoder
) -> None:
    path = tmp_path / store.STORE_NAME
    np.savez(
        path,
        model=np.frombuffer(b"x" * 64, np.uint8),
        texts=np.array(["a"], dtype=object),
        vectors=np.zeros((1, 384)),
    )
    store.use_store(path)
    try:
        assert store.read_store(encoder) == 0  # object arrays need pickle: never loaded
        np.savez(
            path,
            model=np.frombuffer(b"0" * 64, np.uint8),
            texts=np.frombuffer(b'["a"]', np.uint8),
            vectors=np.zeros((1, 384), np.float32),
        )
        assert store.read_store(encoder) == 0  # another model's vectors
    finally:
        store.use_store(None)


def _esc(bank: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """esc in a fresh process: the store is read when a process makes its encoder."""
    command = [sys.executable, "-c", "from esc_cli.cli.main import entry; entry()", *args]
    return subprocess.run(command, cwd=bank, capture_output=True, text=True, check=False)


def test_sim_run_writes_the_store_and_a_damaged_one_does_not_stop_it(seed_bank: Path) -> None:
    path = seed_bank / ".esc" / store.STORE_NAME
    first = _esc(seed_bank, "sim", "run", "--seeds", "1", "--out", "runs/a")
    assert first.returncode == 0, first.stderr
    assert path.is_file() and path.read_bytes()[:2] == b"PK"
    path.write_bytes(b"\x00damaged")
    second = _esc(seed_bank, "sim", "run", "--seeds", "1", "--out", "runs/b")
    assert second.returncode == 0, second.stderr
    a = (seed_bank / "runs" / "a" / "dialogues.jsonl").read_text(encoding="utf-8")
    b = (seed_bank / "runs" / "b" / "dialogues.jsonl").read_text(encoding="utf-8")
    assert a == b
    assert path.read_bytes()[:2] == b"PK"  # rewritten as a valid store
    third = _esc(seed_bank, "sim", "run", "--seeds", "1", "--out", "runs/c")  # read from the store
    assert third.returncode == 0, third.stderr
    assert (seed_bank / "runs" / "c" / "dialogues.jsonl").read_text(encoding="utf-8") == a


def test_a_store_path_that_is_a_folder_is_a_warning_not_a_failure(seed_bank: Path) -> None:
    (seed_bank / ".esc" / store.STORE_NAME).mkdir(parents=True)
    result = _esc(seed_bank, "sim", "run", "--seeds", "1", "--out", "runs/a")
    assert result.returncode == 0, result.stderr
    assert "the embedding store was not saved" in result.stderr and "Traceback" not in result.stderr
    assert (seed_bank / "runs" / "a" / "summary.json").is_file()


def test_a_pipe_at_the_store_path_is_neither_read_nor_written(tmp_path: Path, encoder: TextEncoder) -> None:
    path = tmp_path / store.STORE_NAME
    os.mkfifo(path)  # opening it to read or write would block for ever: nobody is at the other end
    store.use_store(path)
    try:
        assert store.read_store(encoder) == 0
        encoder.embed(["I lost my job."])
        with pytest.raises(InputError, match="is a pipe, not a file"):
            store.save_store(encoder, known=0)
        assert path.is_fifo()
    finally:
        store.use_store(None)
