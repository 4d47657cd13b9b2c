"""The embedding store: the encoder's memo kept on disk between runs (`.esc/embeddings.npz` in a bank).

Every offline run embeds the same profile lines and skill examples again; a fresh `esc skill verify`
spent about two thirds of its time doing so. The store keeps what was embedded, per text, in the
bank's `.esc/` folder beside the call cache, so the next process starts warm. It holds numbers and
texts only and is read without pickle (`np.load(allow_pickle=False)`; the texts are one JSON string
stored as bytes), checked for the model's sha256, the dimension and the row count; a file that fails
any check is ignored and replaced, never trusted. Nothing about a dialogue depends on it: a text
embedded now or read from the store has the same rounded vector (`encoder.DECIMALS`).

`use_store(path)` names the file (the CLI does, once it knows the bank); the first `shared_encoder()`
reads it; `save_store()` writes it back when the run embedded anything new (at most STORE_MAX texts,
the most recent kept).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from esc_cli.text.encoder import TextEncoder

STORE_NAME = "embeddings.npz"
STORE_MAX = 50_000


@dataclass
class _Store:
    """This process's store: its file, and how many texts it held when last read or written."""

    path: Path | None = None
    loaded: int = 0


_state = _Store()


def use_store(path: Path | None) -> None:
    """Name the store file for this process (None: no store). An encoder already made keeps its memo;
    the store is then written only if this invocation embeds something new."""
    _state.path = path
    encoder = _made()
    _state.loaded = len(encoder) if encoder is not None else 0


def _made() -> TextEncoder | None:
    module = sys.modules.get("esc_cli.text.encoder")
    if module is None or module.shared_encoder.cache_info().currsize == 0:
        return None
    encoder: TextEncoder = module.shared_encoder()
    return encoder


def store_path() -> Path | None:
    return _state.path


def read_store(encoder: TextEncoder) -> int:
    """Put the store's embeddings into the encoder's memo; how many (0 for no file or a bad one)."""
    import numpy as np

    from esc_cli.text.encoder import DIMENSION, MODEL_SHA256

    path = store_path()
    if path is None or not path.is_file():
        return 0
    try:
        with np.load(path, allow_pickle=False) as data:
            model = bytes(data["model"]).decode("ascii")
            texts = json.loads(bytes(data["texts"]).decode("utf-8"))
            rows = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return 0
    if (
        model != MODEL_SHA256
        or not isinstance(texts, list)
        or not all(isinstance(t, str) for t in texts)
        or rows.ndim != 2
        or rows.shape != (len(texts), DIMENSION)
    ):
        return 0
    count = encoder.take(texts, rows)
    _state.loaded = count
    return count


def save_store(encoder: TextEncoder, known: int | None = None) -> bool:
    """Write the encoder's memo to the store when it holds more than `known` texts (default: as many
    as were read or written last); True if written."""
    import numpy as np

    from esc_cli.errors import InputError
    from esc_cli.fileio import atomic_write_bytes, describe_path
    from esc_cli.text.encoder import MODEL_SHA256

    path = store_path()
    if path is None or len(encoder) <= (known if known is not None else _state.loaded):
        return False
    if path.exists() and not path.is_file():  # a folder, a pipe or a device: never write into it
        raise InputError(path, f"is {describe_path(path)}, not a file", fix="remove it")
    texts, rows = encoder.memo_rows()
    texts, rows = texts[-STORE_MAX:], rows[-STORE_MAX:]
    buffer = io.BytesIO()
    np.savez(
        buffer,
        model=np.frombuffer(MODEL_SHA256.encode("ascii"), dtype=np.uint8),
        texts=np.frombuffer(json.dumps(texts).encode("utf-8"), dtype=np.uint8),
        vectors=rows,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())
    _state.loaded = len(texts)
    return True


def save_if_used() -> bool:
    """`save_store` of the shared encoder, if this process made one (the CLI calls it when a command
    succeeds)."""
    encoder = _made()
    return save_store(encoder) if encoder is not None else False
