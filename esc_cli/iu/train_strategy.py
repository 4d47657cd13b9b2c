"""Rebuild the strategy model's weights from labelled supporter utterances (pure Python, no numpy).

    python -m esc_cli.iu.train_strategy \\
        --data $ESC_DATA/esconv/hf_splits/train.jsonl \\
        --valid $ESC_DATA/esconv/hf_splits/valid.jsonl \\
        -o esc_cli/assets/strategy_weights.json

The model is a multinomial logistic regression over binary, L2-normalised `strategy_features`,
trained by SGD with L2 decay and a fixed shuffle seed, so the same data gives the same file. Tune on
the valid split only; the test split is for the reported figure (`bench/iu_extract.py`).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from esc_cli.data.load import read_dialogues
from esc_cli.iu.strategy_model import StrategyModel
from esc_cli.iu.text_features import strategy_features
from esc_cli.taxonomy import ESCONV_STRATEGIES

MODEL_VERSION = "1"
Example = tuple[str, str]


def read_examples(paths: Sequence[Path]) -> list[Example]:
    """(text, canonical strategy) for every supporter utterance that carries a strategy."""
    found: list[Example] = []
    for path in paths:
        for dialogue in read_dialogues(path):
            found.extend((u.text, u.strategy) for u in dialogue.utterances if u.strategy and u.text)
    return found


def build_vocabulary(examples: Sequence[Example], min_count: int) -> list[str]:
    counts = Counter(feature for text, _ in examples for feature in strategy_features(text))
    return sorted(feature for feature, count in counts.items() if count >= min_count)


def train(
    examples: Sequence[Example], *, l2: float, epochs: int, min_count: int, seed: int = 13
) -> StrategyModel:
    """SGD on the softmax loss; the weight decay is folded into one running scale for speed."""
    labels = ESCONV_STRATEGIES
    label_index = {label: k for k, label in enumerate(labels)}
    vocabulary = build_vocabulary(examples, min_count)
    index = {feature: i for i, feature in enumerate(vocabulary)}
    encoded = []
    for text, strategy in examples:
        row = [index[f] for f in strategy_features(text) if f in index]
        if row:
            encoded.append((row, 1.0 / math.sqrt(len(row)), label_index[strategy]))
    n_labels = len(labels)
    weights = [[0.0] * n_labels for _ in vocabulary]
    scale, step = 1.0, 0
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(encoded)
        for row, norm, gold in encoded:
            step += 1
            rate = 1.0 / (1.0 + l2 * step)
            scores = [0.0] * n_labels
            for j in row:
                for k, w in enumerate(weights[j]):
                    scores[k] += w
            top = max(scores)
            exps = [math.exp(scale * norm * (s - top)) for s in scores]
            total = sum(exps)
            scale *= 1.0 - rate * l2
            grad = [rate * norm * e / total / scale for e in exps]
            grad[gold] -= rate * norm / scale
            for j in row:
                target = weights[j]
                for k in range(n_labels):
                    target[k] -= grad[k]
    rows = {f: tuple(scale * w for w in weights[i]) for i, f in enumerate(vocabulary)}
    return StrategyModel(labels, rows, MODEL_VERSION)


def prune(model: StrategyModel, threshold: float) -> StrategyModel:
    """Drop features whose weights are all tiny; they barely move a prediction and bloat the file."""
    kept = {f: row for f, row in model.weights.items() if max(abs(w) for w in row) >= threshold}
    return StrategyModel(model.labels, kept, model.version)


def accuracy(model: StrategyModel, examples: Sequence[Example]) -> tuple[float, float]:
    """(micro, macro) accuracy: macro is the mean of per-strategy recalls."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for text, gold in examples:
        totals[gold] += 1
        if model.predict(text) == gold:
            hits[gold] += 1
    micro = sum(hits.values()) / max(1, sum(totals.values()))
    macro = sum(hits[label] / totals[label] for label in totals) / max(1, len(totals))
    return micro, macro


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m esc_cli.iu.train_strategy", description=__doc__)
    parser.add_argument("--data", type=Path, action="append", required=True, help="training file(s)")
    parser.add_argument("--valid", type=Path, help="valid split, for the printed figure only")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--l2", type=float, default=3e-5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--prune", type=float, default=0.2)
    args = parser.parse_args(argv)
    from esc_cli.fileio import atomic_write_text

    examples = read_examples(args.data)
    model = prune(train(examples, l2=args.l2, epochs=args.epochs, min_count=args.min_count), args.prune)
    meta: dict[str, object] = {
        "trained_on": [p.name for p in args.data],
        "examples": len(examples),
        "l2": args.l2,
        "epochs": args.epochs,
        "min_count": args.min_count,
        "prune": args.prune,
    }
    if args.valid is not None:
        micro, macro = accuracy(model, read_examples([args.valid]))
        meta["valid_micro"], meta["valid_macro"] = round(micro, 4), round(macro, 4)
        print(f"valid accuracy: micro {micro:.3f}, macro {macro:.3f}", file=sys.stderr)
    atomic_write_text(args.out, model.to_json(meta=meta))
    args.out.chmod(0o644)  # package data: readable by every user of an installed wheel
    print(f"wrote {args.out}: {len(model.weights)} features", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
