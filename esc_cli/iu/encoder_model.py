"""The encoder strategy model: MiniLM with trained low-rank adapters, joined with the linear model.

The score of strategy k for a supporter utterance is

    log_softmax(head(MiniLM'(text)))[k] + linear_weight * linear.scores(text)[k]

where MiniLM' is the base encoder (`esc_cli.iu.minilm`) with the adapters folded into its weights,
`head` a linear map from the pooled vector to the 8 strategies, and `linear` the shipped linear model
(`esc_cli.iu.strategy_model`). The adapters, the head and `linear_weight` are in
`esc_cli/assets/strategy_adapter.json`: plain JSON, every matrix as integers with its own scale, never
a pickle. `python -m esc_cli.iu.train_adapter` rebuilds it (see its docstring).

It reads text in batches (`predict_many`); `TableStrategyModel` hands its answers to the offline
labeller, which asks for one text at a time. The base model and torch come with the optional
`encoder` extra; without it, loading fails in one line that says what to install.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.iu.minilm import MiniLM, base_model_dir, length_batches, require_torch
from esc_cli.iu.strategy_model import StrategyModel, best_index, load_strategy_model
from esc_cli.taxonomy import ESCONV_STRATEGIES

ADAPTER_FORMAT = 1
ADAPTER_RESOURCE = "strategy_adapter.json"
QUANT_LEVELS = 32767
BATCH = 64
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Matrix:
    """A dense matrix as row-major floats."""

    rows: int
    cols: int
    values: tuple[float, ...]

    def to_json(self) -> dict[str, object]:
        """Integers in [-QUANT_LEVELS, QUANT_LEVELS] and the scale that divides them back."""
        top = max((abs(v) for v in self.values), default=0.0)
        scale = QUANT_LEVELS / top if top > 0 else 1.0
        return {
            "shape": [self.rows, self.cols],
            "scale": scale,
            "values": [round(v * scale) for v in self.values],
        }

    def quantised(self) -> Matrix:
        """The matrix exactly as `to_json` stores it and `parse` reads it back."""
        return Matrix.parse(json.loads(json.dumps(self.to_json())), "quantised")

    @classmethod
    def parse(cls, body: Any, origin: str) -> Matrix:
        rows, cols = (int(n) for n in body["shape"])
        scale = float(body["scale"])
        values = tuple(float(v) / scale for v in body["values"])
        if len(values) != rows * cols or rows < 1 or cols < 1:
            raise InputError(origin, "a matrix does not match its shape", fix="rebuild it")
        return cls(rows, cols, values)

    def tensor(self) -> Any:
        torch = require_torch()
        return torch.tensor(self.values, dtype=torch.float32).view(self.rows, self.cols)

    @classmethod
    def of(cls, tensor: Any) -> Matrix:
        rows, cols = tensor.shape if tensor.dim() == 2 else (1, tensor.shape[0])
        return cls(int(rows), int(cols), tuple(float(v) for v in tensor.detach().reshape(-1).tolist()))


@dataclass(frozen=True)
class Adapter:
    """What the adapter file holds: low-rank pairs (down, up) per adapted linear map, and the head."""

    version: str
    labels: tuple[str, ...]
    max_length: int
    linear_weight: float
    pairs: dict[str, tuple[Matrix, Matrix]]
    head_weight: Matrix
    head_bias: Matrix
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        body: dict[str, object] = {
            "format": ADAPTER_FORMAT,
            "version": self.version,
            "labels": list(self.labels),
            "max_length": self.max_length,
            "linear_weight": self.linear_weight,
            "meta": self.meta,
            "head": {"weight": self.head_weight.to_json(), "bias": self.head_bias.to_json()},
            "adapters": {
                name: {"down": down.to_json(), "up": up.to_json()}
                for name, (down, up) in sorted(self.pairs.items())
            },
        }
        return json.dumps(body, separators=(",", ":")) + "\n"

    def quantised(self) -> Adapter:
        """The adapter exactly as `to_json` stores it."""
        return parse_adapter(self.to_json(), "quantised")


def parse_adapter(text: str, origin: str) -> Adapter:
    """Read the JSON that `Adapter.to_json` writes; a wrong file is an InputError."""
    try:
        body = json.loads(text)
        if body["format"] != ADAPTER_FORMAT:
            raise InputError(
                origin, f"adapter file of format {body['format']}, not {ADAPTER_FORMAT}", fix="rebuild it"
            )
        pairs = {
            str(name): (Matrix.parse(pair["down"], origin), Matrix.parse(pair["up"], origin))
            for name, pair in body["adapters"].items()
        }
        adapter = Adapter(
            version=str(body["version"]),
            labels=tuple(str(label) for label in body["labels"]),
            max_length=int(body["max_length"]),
            linear_weight=float(body["linear_weight"]),
            pairs=pairs,
            head_weight=Matrix.parse(body["head"]["weight"], origin),
            head_bias=Matrix.parse(body["head"]["bias"], origin),
            meta=dict(body.get("meta") or {}),
        )
    except (ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError) as exc:
        raise InputError(origin, f"not a strategy adapter file ({exc})", fix="rebuild it") from exc
    if sorted(adapter.labels) != sorted(ESCONV_STRATEGIES) or len(adapter.labels) != len(ESCONV_STRATEGIES):
        raise InputError(origin, "adapter file of another label set", fix="rebuild it")
    if adapter.head_weight.rows != len(adapter.labels) or adapter.head_bias.cols != len(adapter.labels):
        raise InputError(origin, "the head does not match the labels", fix="rebuild it")
    return adapter


def load_adapter(path: Path | None = None) -> Adapter:
    """The shipped adapter, or the one at `path`."""
    if path is not None:
        return parse_adapter(read_text(path, max_bytes=None, what="adapter file"), str(path))
    resource = resources.files("esc_cli").joinpath("assets", ADAPTER_RESOURCE)
    return parse_adapter(resource.read_text(encoding="utf-8"), f"esc_cli/assets/{ADAPTER_RESOURCE}")


def merge_adapters(encoder: MiniLM, pairs: Mapping[str, tuple[Matrix, Matrix]]) -> None:
    """Fold every pair into its linear map: W <- W + up @ down."""
    torch = require_torch()
    maps = dict(encoder.adaptable())
    unknown = sorted(set(pairs) - set(maps))
    if unknown:
        raise InputError(None, f"the adapter names maps the base model lacks: {unknown[0]}", fix="rebuild it")
    with torch.no_grad():
        for name, (down, up) in pairs.items():
            linear = maps[name]
            if (up.rows, down.cols) != tuple(linear.weight.shape) or up.cols != down.rows:
                raise InputError(None, f"the adapter for {name} has the wrong shape", fix="rebuild it")
            linear.weight += up.tensor() @ down.tensor()


def join(logits: Sequence[float], linear: Sequence[float], weight: float) -> list[float]:
    """The joined score row: log_softmax of the encoder's logits plus `weight` times the linear scores."""
    top = max(logits)
    norm = top + math.log(sum(math.exp(v - top) for v in logits))
    return [v - norm + weight * s for v, s in zip(logits, linear, strict=True)]


class EncoderStrategyModel:
    """Scores the 8 ESConv strategies for many utterances at once (see the module docstring)."""

    def __init__(self, adapter: Adapter, linear: StrategyModel, encoder: MiniLM) -> None:
        if list(adapter.labels) != list(linear.labels):
            raise InputError(
                None, "the adapter and the linear model order the labels differently", fix="rebuild it"
            )
        self.adapter = adapter
        self.linear = linear
        self.encoder = encoder
        self.labels = adapter.labels
        self.version = f"{linear.version}+enc{adapter.version}"
        self._head_weight = adapter.head_weight.tensor()
        self._head_bias = adapter.head_bias.tensor().view(-1)

    @classmethod
    def load(
        cls, adapter_path: Path | None = None, linear: StrategyModel | None = None
    ) -> EncoderStrategyModel:
        """The shipped model (base encoder from the installed package, adapters merged)."""
        base_model_dir()  # the missing extra is the first thing to say
        adapter = load_adapter(adapter_path)
        encoder = MiniLM.load(adapter.max_length)
        merge_adapters(encoder, adapter.pairs)
        return cls(adapter, linear if linear is not None else load_strategy_model(), encoder)

    def encoder_logits(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """The head's raw scores for every text, in input order; `progress(n)` after each batch."""
        torch = require_torch()
        found: list[list[float]] = [[] for _ in texts]
        with torch.inference_mode():
            for batch in length_batches(texts, BATCH):
                pooled = self.encoder.embed([texts[i] for i in batch])
                logits = pooled @ self._head_weight.T + self._head_bias
                for i, row in zip(batch, logits.tolist(), strict=True):
                    found[i] = row
                if progress is not None:
                    progress(len(batch))
        return found

    def scores_many(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """Joined scores, one row of len(labels) per text."""
        weight = self.adapter.linear_weight
        logits = self.encoder_logits(texts, progress)
        return [join(row, self.linear.scores(text), weight) for text, row in zip(texts, logits, strict=True)]

    def predict_many(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        """The best strategy for every text (the first label wins a tie)."""
        return [self.labels[best_index(row)] for row in self.scores_many(texts, progress)]

    def table(self, texts: Sequence[str], progress: Progress | None = None) -> TableStrategyModel:
        """These texts' answers, worked out in batches, for the offline labeller to look up."""
        distinct = sorted(set(texts))
        answers = dict(zip(distinct, self.predict_many(distinct, progress), strict=True))
        return TableStrategyModel(answers, self.linear, self.version)

    def predict(self, text: str) -> str:
        return self.predict_many([text])[0]


@dataclass(frozen=True)
class TableStrategyModel:
    """Answers worked out beforehand (by the encoder model, in batches), with a fallback for any other
    text: what the offline labeller reads strategies from when extraction runs the encoder."""

    table: Mapping[str, str]
    fallback: StrategyModel
    version: str

    def predict(self, text: str) -> str:
        found = self.table.get(text)
        return found if found is not None else self.fallback.predict(text)
