"""Rebuild the strategy model's weights from labelled supporter utterances.

Training needs scikit-learn (with numpy and scipy); the shipped model and its inference do not:

    pip install scikit-learn        # training only, never a runtime dependency
    python -m esc_cli.iu.train_strategy \\
        --data $ESC_DATA/esconv/hf_splits/train.jsonl \\
        --valid $ESC_DATA/esconv/hf_splits/valid.jsonl \\
        -o esc_cli/assets/strategy_weights.json

The defaults (`--c 0.3 --min-df 2 --prune 0.1 --scale 1000`) are the shipped file's; they were chosen
by 5-fold cross-validation on the train split and by the valid split, never the test split (the
reported figure, `bench/iu_extract.py`).

The model: every supporter utterance is the set of its `strategy_features`; feature f counts
idf(f) / sqrt(number of features of the text), idf being scikit-learn's smooth idf over the training
utterances, and the rows are divided by their median L2 norm so that C keeps its usual meaning. A
one-vs-rest linear SVM (`LinearSVC`, squared hinge, fixed `random_state`) is fitted on every feature
of the training data. For the file, a feature is kept when it was seen in at least `--min-df` training
utterances and one of its idf-scaled weights reaches `--prune` in absolute value; the normaliser
counts every feature of the text, so dropping one removes its own term and nothing else. The weights
are stored with the idf and the scale folded in, as integers (`--scale` times the real value).

With `--valid`, the trainer checks the pure-Python inference of `StrategyModel` against scikit-learn's
on the valid split (the full model against `LinearSVC.predict`, the stored one against the same
arithmetic in numpy) and fails if any prediction differs. The same data and library versions give the
same file; the scikit-learn version is recorded in the file's `meta`.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from esc_cli.data.load import read_dialogues
from esc_cli.iu.strategy_model import StrategyModel
from esc_cli.iu.text_features import strategy_features
from esc_cli.taxonomy import ESCONV_STRATEGIES

MODEL_VERSION = "2"
Example = tuple[str, str]


def read_examples(paths: Sequence[Path]) -> list[Example]:
    """(text, canonical strategy) for every supporter utterance that carries a strategy."""
    found: list[Example] = []
    for path in paths:
        for dialogue in read_dialogues(path):
            found.extend((u.text, u.strategy) for u in dialogue.utterances if u.strategy and u.text)
    return found


def _training_libraries() -> tuple[Any, Any, Any, str]:
    """numpy, scipy.sparse, sklearn.svm and the scikit-learn version; a clear error without them."""
    try:
        numpy = importlib.import_module("numpy")
        sparse = importlib.import_module("scipy.sparse")
        svm = importlib.import_module("sklearn.svm")
        version = str(importlib.import_module("sklearn").__version__)
    except ImportError as exc:
        raise SystemExit(f"training needs scikit-learn: pip install scikit-learn ({exc})") from exc
    return numpy, sparse, svm, version


class Fitted:
    """A trained SVM with its feature space: builds design matrices and the shippable model."""

    def __init__(self, examples: Sequence[Example], *, c: float, seed: int = 0) -> None:
        numpy, self._sparse, svm, self.sklearn_version = _training_libraries()
        self._np = numpy
        labels = ESCONV_STRATEGIES
        label_index = {label: k for k, label in enumerate(labels)}
        features = [strategy_features(text) for text, _ in examples]
        df: Counter[str] = Counter(f for row in features for f in row)
        self.vocabulary = sorted(df)
        self.index = {f: j for j, f in enumerate(self.vocabulary)}
        n = len(examples)
        self.df = numpy.array([df[f] for f in self.vocabulary], dtype=numpy.int64)
        self.idf = numpy.log((1.0 + n) / (1.0 + self.df)) + 1.0
        raw = self._rows(features)
        self.row_scale = float(numpy.median(self._norms(raw)))
        design = raw / self.row_scale
        gold = numpy.array([label_index[strategy] for _, strategy in examples])
        if len(set(gold.tolist())) != len(labels):
            raise SystemExit("training data must hold every ESConv strategy")
        self.svm = svm.LinearSVC(C=c, random_state=seed, max_iter=100_000).fit(design, gold)
        # Weight of feature j for label k, with the idf and the row scale folded in.
        self.weights = (self.svm.coef_ * (self.idf / self.row_scale)).T
        self.labels = labels

    def _rows(self, features: Sequence[Sequence[str]]) -> Any:
        """Unscaled design matrix: idf(f) / sqrt(len(features)) for each known feature."""
        indptr: list[int] = [0]
        indices: list[int] = []
        data: list[float] = []
        for row in features:
            norm = 1.0 / math.sqrt(len(row))
            known = sorted(self.index[f] for f in row if f in self.index)
            indices.extend(known)
            data.extend(float(self.idf[j]) * norm for j in known)
            indptr.append(len(indices))
        shape = (len(features), len(self.vocabulary))
        return self._sparse.csr_matrix((data, indices, indptr), shape=shape)

    def _norms(self, matrix: Any) -> Any:
        return self._np.sqrt(self._np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())

    def design(self, texts: Sequence[str]) -> Any:
        """The matrix the SVM sees for `texts`."""
        return self._rows([strategy_features(text) for text in texts]) / self.row_scale

    def kept(self, *, min_df: int, prune: float) -> Any:
        """Boolean mask of the features the file keeps."""
        return (self.df >= min_df) & (self._np.abs(self.weights).max(axis=1) >= prune)

    def model(self, mask: Any = None) -> StrategyModel:
        """The pure-Python model, with every feature or only those in `mask`."""
        chosen = range(len(self.vocabulary)) if mask is None else self._np.flatnonzero(mask).tolist()
        rows = {self.vocabulary[j]: tuple(float(w) for w in self.weights[j]) for j in chosen}
        intercepts = tuple(float(b) for b in self.svm.intercept_)
        return StrategyModel(self.labels, rows, MODEL_VERSION, intercepts)

    def reference_predictions(self, texts: Sequence[str], mask: Any = None, scale: int = 0) -> list[str]:
        """scikit-learn's predictions, or with `mask` (and `scale`) the same arithmetic in numpy on the
        pruned (and quantised) coefficients."""
        design = self.design(texts)
        if mask is None:
            picked = self.svm.predict(design)
        else:
            coef = self.svm.coef_ * mask
            intercept = self.svm.intercept_
            if scale:
                stored = self._np.round(self.weights * mask[:, None] * scale) / scale
                coef = (stored * (self.row_scale / self.idf)[:, None]).T
                intercept = self._np.round(intercept * scale) / scale
            picked = (design @ coef.T + intercept).argmax(axis=1)
        return [self.labels[int(k)] for k in picked]


def accuracy(model: StrategyModel, examples: Sequence[Example]) -> tuple[float, float]:
    """(micro, macro) accuracy of `model` on `examples`."""
    return scored([model.predict(text) for text, _ in examples], examples)


def scored(predicted: Sequence[str], examples: Sequence[Example]) -> tuple[float, float]:
    """(micro, macro) accuracy of one prediction per example: macro is the mean of per-strategy recalls."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for guess, (_, gold) in zip(predicted, examples, strict=True):
        totals[gold] += 1
        hits[gold] += guess == gold
    micro = sum(hits.values()) / max(1, sum(totals.values()))
    macro = sum(hits[label] / totals[label] for label in totals) / max(1, len(totals))
    return micro, macro


def trainer_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The options every trainer shares: training files and the output file."""
    parser = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, action="append", required=True, help="training file(s)")
    parser.add_argument("-o", "--out", type=Path, required=True)
    return parser


def training_meta(paths: Sequence[Path], examples: Sequence[Example]) -> dict[str, object]:
    """What every weights file records of its training data."""
    return {"trained_on": [p.name for p in paths], "examples": len(examples)}


def write_asset(path: Path, text: str) -> None:
    """Write a weights file atomically, readable by every user of an installed wheel."""
    from esc_cli.fileio import atomic_write_text

    atomic_write_text(path, text)
    path.chmod(0o644)


def check_inference(
    fitted: Fitted, shipped: StrategyModel, texts: Sequence[str], mask: Any, scale: int
) -> int:
    """Predictions where the pure-Python inference and scikit-learn's (or numpy's) disagree."""
    full = fitted.model()
    wrong = sum(
        a != b for a, b in zip(map(full.predict, texts), fitted.reference_predictions(texts), strict=True)
    )
    reference = fitted.reference_predictions(texts, mask, scale)
    wrong += sum(a != b for a, b in zip(map(shipped.predict, texts), reference, strict=True))
    return wrong


def main(argv: Sequence[str] | None = None) -> int:
    parser = trainer_parser("python -m esc_cli.iu.train_strategy", __doc__)
    parser.add_argument("--valid", type=Path, help="valid split: printed figure and inference check")
    parser.add_argument("--c", type=float, default=0.3, help="SVM regularisation (LinearSVC C)")
    parser.add_argument("--min-df", type=int, default=2, help="keep features seen this often")
    parser.add_argument("--prune", type=float, default=0.1, help="keep features with a weight this big")
    parser.add_argument("--scale", type=int, default=1000, help="weights are stored as round(w*scale)")
    args = parser.parse_args(argv)
    examples = read_examples(args.data)
    fitted = Fitted(examples, c=args.c)
    mask = fitted.kept(min_df=args.min_df, prune=args.prune)
    model = fitted.model(mask)
    shipped = model.quantised(args.scale)
    meta: dict[str, object] = training_meta(args.data, examples) | {
        "model": "LinearSVC (one-vs-rest, squared hinge), idf / sqrt(n features)",
        "c": args.c,
        "min_df": args.min_df,
        "prune": args.prune,
        "features_seen": len(fitted.vocabulary),
        "features_kept": len(model.weights),
        "sklearn": fitted.sklearn_version,
    }
    if args.valid is not None:
        valid = read_examples([args.valid])
        micro, macro = accuracy(shipped, valid)
        meta["valid_micro"], meta["valid_macro"] = round(micro, 4), round(macro, 4)
        print(f"valid accuracy: micro {micro:.4f}, macro {macro:.4f}", file=sys.stderr)
        wrong = check_inference(fitted, shipped, [text for text, _ in valid], mask, args.scale)
        if wrong:
            print(f"pure-Python inference differs from scikit-learn's on {wrong} utterances", file=sys.stderr)
            return 1
        print("pure-Python inference matches scikit-learn's on every valid utterance", file=sys.stderr)
    write_asset(args.out, model.to_json(meta=meta, scale=args.scale))
    print(f"wrote {args.out}: {len(model.weights)} of {len(fitted.vocabulary)} features", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
