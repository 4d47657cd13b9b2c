"""The learnt strategy model: a multinomial logistic regression over `strategy_features`.

The weights live in `esc_cli/assets/strategy_weights.json` as plain JSON (integers, scaled), never a
pickle. `python -m esc_cli.iu.train_strategy` rebuilds that file from the ESConv train split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from esc_cli.errors import InputError
from esc_cli.iu.text_features import strategy_features
from esc_cli.taxonomy import ESCONV_STRATEGIES

WEIGHTS_FORMAT = 1
WEIGHTS_RESOURCE = "strategy_weights.json"


@dataclass(frozen=True)
class StrategyModel:
    """Scores the 8 ESConv strategies for an utterance; weights[feature][k] goes with labels[k]."""

    labels: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]
    version: str

    def scores(self, text: str) -> list[float]:
        """Raw linear scores, one per label (features are binary and L2-normalised)."""
        rows = [row for row in map(self.weights.get, strategy_features(text)) if row is not None]
        total = [0.0] * len(self.labels)
        if not rows:
            return total
        norm = 1.0 / math.sqrt(len(rows))
        for row in rows:
            for k, weight in enumerate(row):
                total[k] += weight
        return [value * norm for value in total]

    def predict(self, text: str) -> str:
        """The most likely ESConv strategy."""
        scores = self.scores(text)
        return self.labels[max(range(len(scores)), key=scores.__getitem__)]

    def probabilities(self, text: str) -> dict[str, float]:
        """Softmax of the scores, keyed by strategy."""
        scores = self.scores(text)
        top = max(scores)
        exps = [math.exp(value - top) for value in scores]
        total = sum(exps)
        return {label: exp / total for label, exp in zip(self.labels, exps, strict=True)}

    def to_json(self, *, meta: dict[str, Any], scale: int = 1000) -> str:
        """Compact JSON: weights are integers, `scale` times the real value."""
        rows = {name: [round(w * scale) for w in row] for name, row in sorted(self.weights.items())}
        body = {"format": WEIGHTS_FORMAT, "version": self.version, "labels": list(self.labels)}
        body |= {"scale": scale, "meta": meta, "weights": rows}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n"


def parse_weights(text: str, origin: str) -> StrategyModel:
    """Build a model from the JSON that `to_json` writes; a wrong file is an InputError."""
    try:
        body = json.loads(text)
        labels = tuple(str(label) for label in body["labels"])
        scale = float(body["scale"])
        weights = {str(k): tuple(w / scale for w in row) for k, row in body["weights"].items()}
        version = str(body["version"])
        fmt = body["format"]
    except (ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError) as exc:
        raise InputError(origin, f"not a strategy weights file ({exc})", fix="rebuild it") from exc
    if fmt != WEIGHTS_FORMAT or set(labels) != set(ESCONV_STRATEGIES):
        raise InputError(origin, "weights file of another format or label set", fix="rebuild it")
    if any(len(row) != len(labels) for row in weights.values()):
        raise InputError(origin, "a weight row has the wrong length", fix="rebuild it")
    return StrategyModel(labels, weights, version)


def load_strategy_model(path: Path | None = None) -> StrategyModel:
    """The shipped model, or the one at `path`."""
    if path is not None:
        return parse_weights(path.read_text(encoding="utf-8"), str(path))
    resource = resources.files("esc_cli").joinpath("assets", WEIGHTS_RESOURCE)
    return parse_weights(resource.read_text(encoding="utf-8"), f"esc_cli/assets/{WEIGHTS_RESOURCE}")
