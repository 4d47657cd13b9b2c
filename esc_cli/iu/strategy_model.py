"""The learnt strategy model: a linear classifier (one-vs-rest SVM) over `strategy_features`.

An utterance is the set of its `strategy_features`; each feature present counts idf-weighted, and the
sum is divided by the square root of the number of features the text has (known to the model or not,
so dropping a feature from the file removes exactly its own term). The score of label k is

    intercepts[k] + sum(weights[f][k] for f in known features) / sqrt(number of features)

where `weights[f]` already holds the idf and the scale. Inference is pure Python: no numpy, no
scikit-learn. The weights live in `esc_cli/assets/strategy_weights.json` as plain JSON (integers,
scaled), never a pickle. `python -m esc_cli.iu.train_strategy` rebuilds that file (see its docstring).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.iu.text_features import strategy_features
from esc_cli.taxonomy import ESCONV_STRATEGIES

WEIGHTS_FORMAT = 2
WEIGHTS_RESOURCE = "strategy_weights.json"


def best_index(scores: Sequence[float]) -> int:
    """Index of the highest score (the first one wins a tie): how every strategy model picks."""
    return max(range(len(scores)), key=scores.__getitem__)


class StrategyPredictor(Protocol):
    """What the offline labeller reads strategies from: the linear model here, or the encoder's
    answers (`esc_cli.iu.encoder_model.TableStrategyModel`)."""

    @property
    def version(self) -> str: ...

    def predict(self, text: str) -> str: ...


class ScaledRows(Mapping[str, tuple[float, ...]]):
    """Weight rows kept as the file's integers and divided by the scale when first read: dividing
    all 43k rows up front costs more CPU than a short offline simulation uses the model for."""

    __slots__ = ("_raw", "_rows", "_scale")

    def __init__(self, raw: dict[str, list[int]], scale: float) -> None:
        self._raw = raw
        self._scale = scale
        self._rows: dict[str, tuple[float, ...]] = {}

    def __getitem__(self, key: str) -> tuple[float, ...]:
        row: tuple[float, ...] | None = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def get(self, key: str, default: Any = None) -> Any:  # the hot path of `StrategyModel.scores`
        row = self._rows.get(key)
        if row is None:
            raw = self._raw.get(key)
            if raw is None:
                return default
            row = self._rows[key] = tuple(w / self._scale for w in raw)
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


MEMO_TEXTS = 50_000


@dataclass(frozen=True)
class StrategyModel:
    """Scores the 8 ESConv strategies for an utterance; weights[feature][k] and intercepts[k] go with
    labels[k]. Empty `intercepts` means all zero."""

    labels: tuple[str, ...]
    weights: Mapping[str, tuple[float, ...]]
    version: str
    intercepts: tuple[float, ...] = ()
    _memo: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def scores(self, text: str) -> list[float]:
        """Raw linear scores (SVM margins), one per label. Memoised per text: the simulator reads
        the same skill lines again and again."""
        known = self._memo.get(text)
        if known is None:
            if len(self._memo) >= MEMO_TEXTS:
                self._memo.clear()
            known = self._memo[text] = tuple(self._score(text))
        return list(known)

    def _score(self, text: str) -> list[float]:
        features = strategy_features(text)
        total = [0.0] * len(self.labels)
        for row in map(self.weights.get, features):
            if row is not None:
                for k, weight in enumerate(row):
                    total[k] += weight
        norm = 1.0 / math.sqrt(len(features))  # never empty: "bias" is always a feature
        if not self.intercepts:
            return [value * norm for value in total]
        return [value * norm + bias for value, bias in zip(total, self.intercepts, strict=True)]

    def predict(self, text: str) -> str:
        """The most likely ESConv strategy (the first label wins a tie)."""
        return self.labels[best_index(self.scores(text))]

    def probabilities(self, text: str) -> dict[str, float]:
        """Softmax of the scores, keyed by strategy: a ranking, not a calibrated probability."""
        scores = self.scores(text)
        top = max(scores)
        exps = [math.exp(value - top) for value in scores]
        total = sum(exps)
        return {label: exp / total for label, exp in zip(self.labels, exps, strict=True)}

    def quantised(self, scale: int) -> StrategyModel:
        """The model exactly as `to_json(scale=scale)` stores it and `parse_weights` reads it back."""
        rows = {name: tuple(round(w * scale) / scale for w in row) for name, row in self.weights.items()}
        intercepts = tuple(round(b * scale) / scale for b in self.intercepts)
        return StrategyModel(self.labels, rows, self.version, intercepts)

    def to_json(self, *, meta: dict[str, Any], scale: int = 1000) -> str:
        """Compact JSON: weights and intercepts are integers, `scale` times the real value."""
        rows = {name: [round(w * scale) for w in row] for name, row in sorted(self.weights.items())}
        intercepts = [round(b * scale) for b in self.intercepts] or [0] * len(self.labels)
        body = {"format": WEIGHTS_FORMAT, "version": self.version, "labels": list(self.labels)}
        body |= {"scale": scale, "meta": meta, "intercepts": intercepts, "weights": rows}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n"


def parse_weights(text: str, origin: str, *, trusted: bool = False) -> StrategyModel:
    """Build a model from the JSON that `to_json` writes; a wrong file is an InputError.

    Every weight of a user's file is checked here. The packaged file (`trusted`, checked by the
    tests) keeps its rows as integers until each is first read (`ScaledRows`): the same numbers."""
    try:
        body = json.loads(text)
        fmt = body["format"]
        if fmt != WEIGHTS_FORMAT:
            raise InputError(origin, f"weights file of format {fmt}, not {WEIGHTS_FORMAT}", fix="rebuild it")
        labels = tuple(str(label) for label in body["labels"])
        scale = float(body["scale"])
        weights: Mapping[str, tuple[float, ...]]
        if trusted:
            weights = ScaledRows(body["weights"], scale)
        else:
            weights = {str(k): tuple(w / scale for w in row) for k, row in body["weights"].items()}
        intercepts = tuple(b / scale for b in body["intercepts"])
        version = str(body["version"])
    except (ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError) as exc:
        raise InputError(origin, f"not a strategy weights file ({exc})", fix="rebuild it") from exc
    if set(labels) != set(ESCONV_STRATEGIES) or len(labels) != len(ESCONV_STRATEGIES):
        raise InputError(origin, "weights file of another label set", fix="rebuild it")
    rows = body["weights"].values() if trusted else weights.values()
    if len(intercepts) != len(labels) or any(len(row) != len(labels) for row in rows):
        raise InputError(origin, "a weight row has the wrong length", fix="rebuild it")
    return StrategyModel(labels, weights, version, intercepts)


def load_strategy_model(path: Path | None = None) -> StrategyModel:
    """The shipped model (read once per process, shared), or the one at `path`."""
    if path is not None:
        return parse_weights(read_text(path, max_bytes=None, what="weights file"), str(path))
    return _shipped_model()


@cache
def _shipped_model() -> StrategyModel:
    resource = resources.files("esc_cli").joinpath("assets", WEIGHTS_RESOURCE)
    return parse_weights(
        resource.read_text(encoding="utf-8"), f"esc_cli/assets/{WEIGHTS_RESOURCE}", trusted=True
    )
    resource = resources.files("esc_cli").joinpath("assets", WEIGHTS_RESOURCE)
    return parse_weights(
        resource.read_text(encoding="utf-8"), f"esc_cli/assets/{WEIGHTS_RESOURCE}", trusted=True
    )
