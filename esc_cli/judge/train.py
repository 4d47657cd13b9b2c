"""Rebuild the judge's heads (`esc_cli/assets/judge_heads.json`) from train and valid data only.

    pip install scikit-learn        # training only, never a runtime dependency
    python -m esc_cli.judge.train --data $ESC_DATA -o esc_cli/assets/judge_heads.json

It reads ESConv's train split, its valid split with the valid half of the per-turn feedback
(MultiESC), and the harm seeds written for this project (`harm_seeds.yaml`). It never reads the
test split, the test feedback or FailedESConv: those are the reported figures (`esc eval judge`).

1. relevance: logistic regression (C = RELEVANCE_C) on train, each real reply against the reply of
   another dialogue at a similar turn (`turns.foreign_replies`, seed NEGATIVE_SEED).
2. outlook: ridge regression (alpha = OUTLOOK_ALPHA) on train, predicting the affect (VADER compound)
   of the seeker's next turn from the context and the reply.
3. harm: multinomial logistic regression on sentence embeddings: the seeds of each harm kind against
   the benign seeds and HARM_NEGATIVES sentences of train supporter replies.
4. joining: on valid, the relevance and outlook logits are standardised over real replies, and the
   relevance weight, the hinge and its point (RELEVANCE_WEIGHTS x HINGES x HINGE_AT, see
   `heads.Combine`) are those that maximise the Spearman agreement with the valid feedback plus the
   preference of real replies over foreign ones. The off-topic threshold is
   the OFF_TOPIC_QUANTILE quantile of real replies' relevance, the harm threshold the HARM_QUANTILE
   quantile of valid supporter sentences' harm (at least HARM_FLOOR).

The same data and library versions give the same file (up to rounding in the last stored digit);
`tests/judge/test_heads_current.py` rebuilds it when ESC_DATA is set.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from esc_cli.data.corpus import load_corpus
from esc_cli.judge.features import affect_reader, outlook_features, pair_features
from esc_cli.judge.heads import HEADS_FORMAT, REBUILD_COMMAND
from esc_cli.judge.reading import NO_HARM, sentences
from esc_cli.judge.turns import JudgedTurn, foreign_replies, judged_turns
from esc_cli.judge.validity import preference, spearman
from esc_cli.text import MODEL_ID, TextEncoder, shared_encoder

RELEVANCE_C = 0.3
OUTLOOK_ALPHA = 10.0
HARM_C = 1.0
HARM_NEGATIVES = 6000
NEGATIVE_SEED = 1
VALID_SEED = 2
RELEVANCE_WEIGHTS = (0.0, 0.25, 0.5)
HINGES = (0.0, 1.0, 2.0, 3.0)
HINGE_AT = (-1.0, -0.5, 0.0, 0.5)
OFF_TOPIC_QUANTILE = 0.05
HARM_QUANTILE = 0.99
HARM_FLOOR = 0.5
SCALE = 3.0
CENTER_QUANTILE = 0.05
DIGITS = 6
TRAIN_FILES = ("esconv/hf_splits/train.jsonl",)
VALID_FILES = ("esconv/hf_splits/valid.jsonl", "esconv/multiesc_feedback/valid.jsonl")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _turns(paths: Sequence[Path]) -> list[JudgedTurn]:
    return [t for d in load_corpus(paths) for t in judged_turns(d)]


def harm_examples(texts_of_supporters: Sequence[str]) -> tuple[list[str], list[str]]:
    """Sentences and labels for the harm head: seeds of every kind, benign seeds, real sentences."""
    seeds = yaml.safe_load(resources.files("esc_cli").joinpath("judge", "harm_seeds.yaml").read_text("utf-8"))
    fillers: list[str] = seeds["fillers"]

    def expand(line: str) -> list[str]:
        return [line.replace("{x}", f) for f in fillers] if "{x}" in line else [line]

    texts: list[str] = []
    labels: list[str] = []
    for kind, lines in seeds["kinds"].items():
        for line in lines:
            for text in expand(line):
                texts.append(text)
                labels.append(kind)
    for line in seeds["benign"]:
        for text in expand(line):
            texts.append(text)
            labels.append(NO_HARM)
    real = sorted({s for text in texts_of_supporters for s in sentences(text) if len(s.split()) >= 3})
    for text in random.Random(NEGATIVE_SEED).sample(real, min(HARM_NEGATIVES, len(real))):
        texts.append(text)
        labels.append(NO_HARM)
    return texts, labels


def _rounded(values: Any) -> list[float]:
    return [round(float(v), DIGITS) for v in np.asarray(values).ravel()]


def fit(data: Path, encoder: TextEncoder) -> dict[str, Any]:
    """Train every head and return the file's content."""
    from sklearn.linear_model import LogisticRegression, Ridge

    train_paths = [data / f for f in TRAIN_FILES]
    valid_paths = [data / f for f in VALID_FILES]
    train, valid = _turns(train_paths), _turns(valid_paths)
    _say(f"judged turns: {len(train)} train, {len(valid)} valid")

    _say("embedding and fitting relevance ...")
    contexts = [t.context for t in train]
    real = pair_features(encoder, contexts, [t.reply for t in train])
    foreign = pair_features(encoder, contexts, foreign_replies(train, NEGATIVE_SEED))
    relevance = LogisticRegression(C=RELEVANCE_C, max_iter=5000).fit(
        np.vstack([real, foreign]), np.r_[np.ones(len(real)), np.zeros(len(foreign))]
    )

    _say("fitting outlook ...")
    answered = [i for i, t in enumerate(train) if t.answer]
    sub = [train[i] for i in answered]
    outlook_x = outlook_features(
        encoder,
        [t.context for t in sub],
        [t.reply for t in sub],
        real[answered],
        relevance.decision_function(real[answered]),
    )
    target = np.array([affect_reader().affect(t.answer) for t in sub])
    outlook = Ridge(alpha=OUTLOOK_ALPHA).fit(outlook_x, target)

    _say("fitting harm ...")
    harm_texts, harm_labels = harm_examples([t.reply for t in train])
    harm = LogisticRegression(C=HARM_C, max_iter=5000, class_weight="balanced").fit(
        encoder.embed(harm_texts), np.array(harm_labels)
    )

    _say("joining on valid ...")
    v_real = pair_features(encoder, [t.context for t in valid], [t.reply for t in valid])
    v_foreign = pair_features(encoder, [t.context for t in valid], foreign_replies(valid, VALID_SEED))

    def logits(pairs: np.ndarray, replies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        rel = relevance.decision_function(pairs)
        ext = outlook_features(encoder, [t.context for t in valid], replies, pairs, rel)
        return rel, outlook.predict(ext)

    rel_r, out_r = logits(v_real, [t.reply for t in valid])
    rel_f, out_f = logits(v_foreign, foreign_replies(valid, VALID_SEED))
    means = [float(rel_r.mean()), float(out_r.mean())]
    deviations = [float(rel_r.std()), float(out_r.std())]
    rated = [i for i, t in enumerate(valid) if t.rating is not None]
    ratings = [float(valid[i].rating or 0) for i in rated]

    Setting = tuple[float, float, float]

    def score(rel: np.ndarray, out: np.ndarray, setting: Setting) -> np.ndarray:
        weight, hinge, at = setting
        fit = (rel - means[0]) / deviations[0]
        return np.asarray((out - means[1]) / deviations[1] + weight * fit + hinge * np.minimum(0.0, fit - at))

    figures: dict[Setting, tuple[float, float]] = {}
    for setting in itertools.product(RELEVANCE_WEIGHTS, HINGES, HINGE_AT):
        real_score, foreign_score = score(rel_r, out_r, setting), score(rel_f, out_f, setting)
        rho = spearman([float(real_score[i]) for i in rated], ratings)
        pref = preference(real_score.tolist(), foreign_score.tolist())
        figures[setting] = (rho, pref)
    best = max(figures, key=lambda s: (round(figures[s][0] + figures[s][1], 6), s))
    _say(
        f"  chosen (weight, hinge, at) {best}: valid feedback rho {figures[best][0]:.3f}, real over foreign {figures[best][1]:.3f}"
    )
    real_score = score(rel_r, out_r, best)
    probability = 1.0 / (1.0 + np.exp(-rel_r))
    supporter_sentences = sorted({s for t in valid for s in sentences(t.reply)})
    harm_probability = (
        1.0 - harm.predict_proba(encoder.embed(supporter_sentences))[:, list(harm.classes_).index(NO_HARM)]
    )
    heads = {
        "format": HEADS_FORMAT,
        "encoder": MODEL_ID,
        "features": int(real.shape[1]),
        "relevance": {
            "weights": _rounded(relevance.coef_),
            "bias": round(float(relevance.intercept_[0]), DIGITS),
        },
        "outlook": {"weights": _rounded(outlook.coef_), "bias": round(float(outlook.intercept_), DIGITS)},
        "harm": {
            "labels": [str(c) for c in harm.classes_],
            "weights": [_rounded(row) for row in harm.coef_],
            "bias": _rounded(harm.intercept_),
        },
        "combine": {
            "relevance": best[0],
            "outlook": 1.0,
            "hinge": best[1],
            "hinge_at": best[2],
            "means": [round(m, DIGITS) for m in means],
            "deviations": [round(d, DIGITS) for d in deviations],
            "scale": SCALE,
            "center": round(float(np.quantile(real_score, CENTER_QUANTILE)), DIGITS),
            "off_topic_below": round(float(np.quantile(probability, OFF_TOPIC_QUANTILE)), DIGITS),
            "harm_above": round(max(HARM_FLOOR, float(np.quantile(harm_probability, HARM_QUANTILE))), DIGITS),
        },
        "meta": {
            "rebuild": REBUILD_COMMAND,
            "trained_on": {f: _sha256(data / f) for f in (*TRAIN_FILES, *VALID_FILES)},
            "splits": ["train", "valid"],
            "harm_seeds": "esc_cli/judge/harm_seeds.yaml",
            "judged_turns": {"train": len(train), "valid": len(valid), "valid_rated": len(rated)},
            "valid": {
                "feedback_rho": round(figures[best][0], 4),
                "real_over_foreign": round(figures[best][1], 4),
            },
            "sklearn": _sklearn_version(),
        },
    }
    return heads


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    import json

    parser = argparse.ArgumentParser(
        prog="python -m esc_cli.judge.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, required=True, help="the data folder ($ESC_DATA)")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument(
        "--memo", type=Path, help="an .npz of embeddings to start from and to update (speeds up a rebuild)"
    )
    args = parser.parse_args(argv)
    missing = [f for f in (*TRAIN_FILES, *VALID_FILES) if not (args.data / f).is_file()]
    if missing:
        _say(f"error: {args.data}: missing {', '.join(missing)} (see the README's Data section)")
        return 2
    encoder = shared_encoder()
    if args.memo is not None and args.memo.is_file():
        _say(f"embeddings from {args.memo}: {encoder.load_memo(args.memo)}")
    heads = fit(args.data, encoder)
    if args.memo is not None:
        encoder.save_memo(args.memo)
    from esc_cli.iu.train_strategy import write_asset

    write_asset(args.out, json.dumps(heads, indent=1) + "\n")
    _say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
