"""Rebuild the judge's heads (`esc_cli/assets/judge_heads.json`) from train and valid data only.

    pip install scikit-learn        # training only, never a runtime dependency
    python -m esc_cli.judge.train --data $ESC_DATA -o esc_cli/assets/judge_heads.json

It reads ESConv's train split, its valid split with the valid half of the per-turn feedback
(MultiESC), one half of FailedESConv (the dialogues whose key hashes even, `trained_half`; the file
lists them so `esc eval judge` leaves them out), and the harm seeds written for this project
(`harm_seeds.yaml`). It never reads the test split or the test feedback: those, with the other half
of FailedESConv, are the reported figures (`esc eval judge`).

1. relevance: logistic regression (C = RELEVANCE_C) on train, each real reply against the reply of
   another dialogue at a similar turn (`turns.foreign_replies`, seed NEGATIVE_SEED).
2. outlook: ridge regression (alpha = OUTLOOK_ALPHA) on train, predicting the affect (VADER compound)
   of the seeker's next turn from the context and the reply (`features.reading_features`).
3. rapport: ridge regression (alpha = RAPPORT_ALPHA) on train, predicting the seeker's survey
   rating of the supporter's relevance (1-5) from each of the supporter's replies in context.
4. success: logistic regression (C = SUCCESS_C, balanced) of ESConv train replies against the
   replies of the trained half of FailedESConv.
5. harm: multinomial logistic regression (C = HARM_C) over each sentence's embedding, its word
   n-grams (up to HARM_LONGEST_NGRAM words, those in at least HARM_MIN_NGRAM_LINES seed lines; the
   weights ship as a lexicon) and its mean cosine to the HARM_NEAREST nearest seed lines of each label
   (the banks ship too; a seed sentence is never compared with its own line): the seeds of each harm
   kind against the benign seeds and HARM_NEGATIVES sentences of train supporter replies; the harm
   kinds weigh the same as each other and `none` HARM_NONE_RATIO times all of them together. The
   seeds' later batches and these settings were tuned on the dev pair suite
   (bench/suites/judge_pairs_dev.jsonl, bench/judge_dev.py), never on the frozen one.
6. joining: on valid, every head's value is standardised over real replies; the weights of rapport
   and success (WEIGHTS; outlook weighs 1), the relevance weight, the hinge and its point (see
   `heads.Combine`) are those that maximise the Spearman agreement with the valid feedback plus the
   preference of real replies over foreign ones. The off-topic threshold is the OFF_TOPIC_QUANTILE
   quantile of real replies' relevance, the harm threshold the HARM_QUANTILE quantile of valid
   supporter sentences' harm (at least HARM_FLOOR).

The same data and library versions give the same file (up to rounding in the last stored digit);
`tests/judge/test_judge_heads_current.py` rebuilds it when ESC_DATA is set.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from esc_cli.data.corpus import load_corpus
from esc_cli.judge.evaluate import dialogue_means
from esc_cli.judge.features import affect_reader, pair_features, reading_features
from esc_cli.judge.heads import HEADS_FORMAT, REBUILD_COMMAND, TRAINED_DIALOGUES, Combine, HarmHead
from esc_cli.judge.reading import NO_HARM, sentences
from esc_cli.judge.turns import JudgedTurn, fingerprints, foreign_replies, judged_turns
from esc_cli.judge.validity import auc, preference, spearman
from esc_cli.safety.fitting import lexicon_matrix, nearest_outside
from esc_cli.safety.heads import BANK_SCALE, bank_matrix, ngrams
from esc_cli.text import DIMENSION, MODEL_ID, TextEncoder, shared_encoder

RELEVANCE_C = 0.3
OUTLOOK_ALPHA = 100.0
RAPPORT_ALPHA = 300.0
SUCCESS_C = 0.01
SUCCESS_FOLDS = 5
HARM_C = 30.0
HARM_NONE_RATIO: float | None = 1.0
HARM_NEGATIVES = 6000
HARM_LONGEST_NGRAM = 3
HARM_MIN_NGRAM_LINES = 2
HARM_NEAREST = 5
NEGATIVE_SEED = 1
VALID_SEED = 2
WEIGHTS = (0.0, 0.5, 1.0)
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
FAILED_FILE = "esconv/FailedESConv.json"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _turns(paths: Sequence[Path]) -> list[JudgedTurn]:
    return [t for d in load_corpus(paths) for t in judged_turns(d)]


@dataclass(frozen=True)
class HarmExamples:
    """The harm head's training sentences, their labels and where each came from.

    `lines[i]` is the seed line a sentence was expanded from (its index in `seed_lines`), or -1 for a
    real supporter sentence; `seed_lines` are the seed lines of every label, `{x}` filled with the
    first filler (the banks), and `segments` their words around `{x}` (the lexicon's source)."""

    texts: list[str]
    labels: list[str]
    lines: list[int]
    seed_lines: list[str]
    seed_labels: list[str]
    segments: list[list[str]]


def harm_examples(texts_of_supporters: Sequence[str]) -> HarmExamples:
    """Sentences and labels for the harm head: seeds of every kind, benign seeds, real sentences."""
    seeds = yaml.safe_load(resources.files("esc_cli").joinpath("judge", "harm_seeds.yaml").read_text("utf-8"))
    fillers: list[str] = seeds["fillers"]

    def expand(line: str) -> list[str]:
        return [line.replace("{x}", f) for f in fillers] if "{x}" in line else [line]

    found = HarmExamples([], [], [], [], [], [])
    written = [(kind, line) for kind, lines in seeds["kinds"].items() for line in lines]
    written += [(NO_HARM, line) for line in seeds["benign"]]
    for kind, line in written:
        for text in expand(line):
            found.texts.append(text)
            found.labels.append(kind)
            found.lines.append(len(found.seed_lines))
        found.seed_lines.append(line.replace("{x}", fillers[0]))
        found.seed_labels.append(kind)
        found.segments.append(line.split("{x}"))
    real = sorted({s for text in texts_of_supporters for s in sentences(text) if len(s.split()) >= 3})
    for text in random.Random(NEGATIVE_SEED).sample(real, min(HARM_NEGATIVES, len(real))):
        found.texts.append(text)
        found.labels.append(NO_HARM)
        found.lines.append(-1)
    return found


def _rounded(values: Any) -> list[float]:
    return [round(float(v), DIGITS) for v in np.asarray(values).ravel()]


@dataclass(frozen=True)
class HarmFit:
    """The harm head as stored, its threshold, and the share of valid supporter sentences over it."""

    head: dict[str, Any]
    above: float
    false_rate: float


def _harm_weights(labels: Sequence[str]) -> dict[str, float] | str:
    """Class weights: the harm kinds weigh the same as each other, and `none` HARM_NONE_RATIO times
    all of them together ("balanced", every class the same, when HARM_NONE_RATIO is None)."""
    if HARM_NONE_RATIO is None:
        return "balanced"
    counts = {label: labels.count(label) for label in sorted(set(labels))}
    kinds = [k for k in counts if k != NO_HARM]
    harmful = sum(counts[k] for k in kinds)
    weights = {k: harmful / len(kinds) / counts[k] for k in kinds}
    weights[NO_HARM] = HARM_NONE_RATIO * harmful / counts[NO_HARM]
    return weights


def _harm_lexicon(examples: HarmExamples) -> list[str]:
    """The n-grams (up to HARM_LONGEST_NGRAM words) found in at least HARM_MIN_NGRAM_LINES seed lines,
    never across a `{x}` (the fillers are the same for every label)."""
    counts: Counter[str] = Counter()
    for parts in examples.segments:
        counts.update(set().union(*(ngrams(part, HARM_LONGEST_NGRAM) for part in parts)))
    return sorted(g for g, n in counts.items() if n >= HARM_MIN_NGRAM_LINES)


def _harm_inputs(
    rows: np.ndarray,
    texts: Sequence[str],
    lines: Sequence[int],
    banks: Sequence[np.ndarray],
    bank_lines: Sequence[np.ndarray],
    vocabulary: Sequence[str],
) -> Any:
    """The head's training inputs: [embedding | similarity to each bank | n-grams]. A seed sentence's
    similarity leaves out the bank row of its own seed line."""
    from scipy import sparse

    columns = [
        nearest_outside(rows, lines, bank, members, HARM_NEAREST)
        for bank, members in zip(banks, bank_lines, strict=True)
    ]
    lexical = lexicon_matrix(texts, vocabulary, HARM_LONGEST_NGRAM)
    dense = np.hstack([rows.astype(np.float64), np.stack(columns, axis=1)])
    return sparse.hstack([sparse.csr_matrix(dense), lexical]).tocsr()


def fit_harm(encoder: TextEncoder, train_replies: Sequence[str], valid_replies: Sequence[str]) -> HarmFit:
    """Fit the harm head on the seeds and train sentences; set its threshold on valid sentences.

    A valid supporter sentence counts as read harmful as `ReplyJudge.harm_of` counts it: its most
    likely label is a harm kind and 1 - p(none) is over the threshold."""
    from sklearn.linear_model import LogisticRegression

    examples = harm_examples(train_replies)
    labels = sorted(set(examples.labels))
    seed_rows = encoder.embed(examples.seed_lines)
    kept = [np.asarray([i for i, lab in enumerate(examples.seed_labels) if lab == label]) for label in labels]
    stored = [np.round(seed_rows[members] * BANK_SCALE).astype(int) for members in kept]
    banks = [bank_matrix(b).astype(np.float64) for b in stored]
    vocabulary = _harm_lexicon(examples)
    x = _harm_inputs(encoder.embed(examples.texts), examples.texts, examples.lines, banks, kept, vocabulary)
    harm = LogisticRegression(C=HARM_C, max_iter=5000, class_weight=_harm_weights(examples.labels)).fit(
        x, np.array(examples.labels)
    )
    assert [str(c) for c in harm.classes_] == labels
    d, b = DIMENSION, len(banks)
    coef = harm.coef_
    lexicon = {}
    for c, gram in enumerate(vocabulary):
        weights = _rounded(coef[:, d + b + c])
        if any(weights):
            lexicon[gram] = weights
    head = HarmHead(
        labels=labels,
        weights=[_rounded(row) for row in coef[:, :d]],
        bias=_rounded(harm.intercept_),
        longest_ngram=HARM_LONGEST_NGRAM,
        lexicon=lexicon,
        k=HARM_NEAREST,
        nearest=[_rounded(row) for row in coef[:, d : d + b]],
        banks=[bank.tolist() for bank in stored],
    )
    found = sorted({s for text in valid_replies for s in sentences(text)})
    probabilities = head.probabilities(encoder.embed(found), found)
    none = labels.index(NO_HARM)
    harm_probability = 1.0 - probabilities[:, none]
    above = round(max(HARM_FLOOR, float(np.quantile(harm_probability, HARM_QUANTILE))), DIGITS)
    flagged = (probabilities.argmax(axis=1) != none) & (harm_probability > above)
    return HarmFit(head.model_dump(), above, float(flagged.mean()) if len(found) else 0.0)


def trained_half(key: str) -> bool:
    """The half of FailedESConv the success head trains on: dialogues whose key hashes even."""
    return hashlib.sha256(key.encode("utf-8")).digest()[-1] % 2 == 0


def _side(
    encoder: TextEncoder, relevance: Any, turns: Sequence[JudgedTurn], replies: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair features, relevance logits and reading features of turns (with other replies if given)."""
    said = [t.reply for t in turns] if replies is None else list(replies)
    contexts = [t.context for t in turns]
    pairs = pair_features(encoder, contexts, said)
    rel = relevance.decision_function(pairs)
    return pairs, rel, reading_features(encoder, contexts, said, pairs, rel)


Setting = tuple[float, float, float, float, float]


@dataclass
class Material:
    """What the joining is tuned on: valid replies, foreign replies in their contexts, failed replies."""

    real: dict[str, np.ndarray]
    foreign: dict[str, np.ndarray]
    failed: dict[str, np.ndarray]
    rated: list[int]
    ratings: list[float]
    valid_dialogues: list[str]
    failed_dialogues: list[str]


def _join(m: Material) -> tuple[dict[str, Any], tuple[float, float, float]]:
    """The Combine fields (less the thresholds) that agree best with the valid feedback, prefer real
    replies over foreign ones, and tell valid dialogues from the trained half of the failed ones."""
    means = {k: float(v.mean()) for k, v in m.real.items()}
    deviations = {k: float(v.std()) for k, v in m.real.items()}
    figures: dict[Setting, tuple[float, float, float]] = {}
    for setting in itertools.product(WEIGHTS, WEIGHTS, RELEVANCE_WEIGHTS, HINGES, HINGE_AT):
        combine = _combine(setting, means, deviations)
        real, other, bad = combine.score(m.real), combine.score(m.foreign), combine.score(m.failed)
        figures[setting] = (
            spearman([float(real[i]) for i in m.rated], m.ratings),
            preference(real.tolist(), other.tolist()),
            auc(
                dialogue_means(m.valid_dialogues, real.tolist()),
                dialogue_means(m.failed_dialogues, bad.tolist()),
            ),
        )
    best = max(figures, key=lambda s: (round(sum(figures[s]), 6), s))
    return _combine(best, means, deviations).model_dump(), figures[best]


def _combine(setting: Setting, means: dict[str, float], deviations: dict[str, float]) -> Combine:
    rapport, success, relevance, hinge, at = setting
    return Combine(
        weights={"outlook": 1.0, "rapport": rapport, "success": success, "relevance": relevance},
        means={k: round(v, DIGITS) for k, v in means.items()},
        deviations={k: round(v, DIGITS) for k, v in deviations.items()},
        hinge=hinge,
        hinge_at=at,
        scale=SCALE,
        center=0.0,
        off_topic_below=0.0,
        harm_above=0.0,
    )


def fit(data: Path, encoder: TextEncoder) -> dict[str, Any]:
    """Train every head and return the file's content."""
    from sklearn.linear_model import LogisticRegression, Ridge

    train_dialogues = load_corpus([data / f for f in TRAIN_FILES])
    train = [t for d in train_dialogues for t in judged_turns(d)]
    valid = _turns([data / f for f in VALID_FILES])
    failed = [t for t in _turns([data / FAILED_FILE]) if trained_half(t.dialogue)]
    _say(f"judged turns: {len(train)} train, {len(valid)} valid, {len(failed)} failed (trained half)")

    _say("embedding and fitting relevance ...")
    contexts = [t.context for t in train]
    real = pair_features(encoder, contexts, [t.reply for t in train])
    foreign = pair_features(encoder, contexts, foreign_replies(train, NEGATIVE_SEED))
    relevance = LogisticRegression(C=RELEVANCE_C, max_iter=5000).fit(
        np.vstack([real, foreign]), np.r_[np.ones(len(real)), np.zeros(len(foreign))]
    )

    _say("fitting outlook, rapport and success ...")
    train_x = _side(encoder, relevance, train)[2]
    answered = np.array([bool(t.answer) for t in train])
    target = np.array([affect_reader().affect(t.answer) for t in train])
    outlook = Ridge(alpha=OUTLOOK_ALPHA).fit(train_x[answered], target[answered])
    rating = {d.key: d.relevance_rating for d in train_dialogues}
    known = np.array([rating[t.dialogue] is not None for t in train])
    rapport = Ridge(alpha=RAPPORT_ALPHA).fit(
        train_x[known], np.array([float(rating[t.dialogue] or 0) for t in train])[known]
    )
    failed_x = _side(encoder, relevance, failed)[2]

    def success_fit(failed_rows: np.ndarray) -> Any:
        return LogisticRegression(C=SUCCESS_C, max_iter=5000, class_weight="balanced").fit(
            np.vstack([train_x, failed_rows]), np.r_[np.ones(len(train_x)), np.zeros(len(failed_rows))]
        )

    success = success_fit(failed_x)
    # Out-of-fold success logits of the failed replies, so the joining does not see them fitted.
    folds = np.array([int(hashlib.sha256(t.dialogue.encode()).digest()[0]) % SUCCESS_FOLDS for t in failed])
    failed_success = np.zeros(len(failed))
    for fold in range(SUCCESS_FOLDS):
        held = folds == fold
        failed_success[held] = success_fit(failed_x[~held]).decision_function(failed_x[held])

    _say("fitting harm ...")
    harm = fit_harm(encoder, [t.reply for t in train], [t.reply for t in valid])
    _say(
        f"  harm threshold {harm.above:.3f}: {harm.false_rate:.4f} of valid supporter sentences read as harmful"
    )

    _say("joining on valid ...")

    def values(replies: Sequence[str] | None) -> dict[str, np.ndarray]:
        _, rel, x = _side(encoder, relevance, valid, replies)
        return {
            "outlook": outlook.predict(x),
            "rapport": rapport.predict(x),
            "success": success.decision_function(x),
            "relevance": rel,
        }

    real_values, foreign_values = values(None), values(foreign_replies(valid, VALID_SEED))
    rated = [i for i, t in enumerate(valid) if t.rating is not None]
    failed_values = {
        "outlook": outlook.predict(failed_x),
        "rapport": rapport.predict(failed_x),
        "success": failed_success,
        "relevance": relevance.decision_function(
            pair_features(encoder, [t.context for t in failed], [t.reply for t in failed])
        ),
    }
    material = Material(
        real_values,
        foreign_values,
        failed_values,
        rated,
        [float(valid[i].rating or 0) for i in rated],
        [t.dialogue for t in valid],
        [t.dialogue for t in failed],
    )
    combine, (rho, pref, area) = _join(material)
    _say(
        f"  chosen weights {combine['weights']}, hinge {combine['hinge']} at {combine['hinge_at']}:"
        f" valid feedback rho {rho:.3f}, real over foreign {pref:.3f},"
        f" valid over failed (trained half, out of fold) AUC {area:.3f}"
    )
    real_score = Combine.model_validate(combine).score(real_values)
    # One standard deviation of real replies' score is SCALE points of change.
    combine["scale"] = round(SCALE / float(real_score.std()), DIGITS)
    probability = 1.0 / (1.0 + np.exp(-real_values["relevance"]))
    combine["center"] = round(float(np.quantile(real_score, CENTER_QUANTILE)), DIGITS)
    combine["off_topic_below"] = round(float(np.quantile(probability, OFF_TOPIC_QUANTILE)), DIGITS)
    combine["harm_above"] = harm.above

    def linear(model: Any) -> dict[str, Any]:
        return {"weights": _rounded(model.coef_), "bias": round(float(np.ravel(model.intercept_)[0]), DIGITS)}

    return {
        "format": HEADS_FORMAT,
        "encoder": MODEL_ID,
        "features": int(real.shape[1]),
        "relevance": linear(relevance),
        "outlook": linear(outlook),
        "rapport": linear(rapport),
        "success": linear(success),
        "harm": harm.head,
        "combine": combine,
        "meta": {
            "rebuild": REBUILD_COMMAND,
            "trained_on": {f: _sha256(data / f) for f in (*TRAIN_FILES, *VALID_FILES, FAILED_FILE)},
            "splits": ["train", "valid", "FailedESConv: the trained half"],
            TRAINED_DIALOGUES: sorted(set(fingerprints(failed).values())),
            "harm_seeds": "esc_cli/judge/harm_seeds.yaml",
            "judged_turns": {
                "train": len(train),
                "valid": len(valid),
                "valid_rated": len(rated),
                "failed_trained": len(failed),
            },
            "valid": {
                "feedback_rho": round(rho, 4),
                "real_over_foreign": round(pref, 4),
                "over_failed_auc": round(area, 4),
            },
            "valid_harm_rate": round(harm.false_rate, 4),
            "sklearn": _sklearn_version(),
        },
    }


def dumps(heads: dict[str, Any]) -> str:
    """The file's text: one number a line, but the harm head on one line (its banks and lexicon are
    tens of thousands of numbers)."""
    import json

    marker = "\u0000harm\u0000"
    text = json.dumps({**heads, "harm": marker}, indent=1)
    return text.replace(json.dumps(marker), json.dumps(heads["harm"], separators=(",", ":"))) + "\n"


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def main(argv: Sequence[str] | None = None) -> int:

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
    missing = [f for f in (*TRAIN_FILES, *VALID_FILES, FAILED_FILE) if not (args.data / f).is_file()]
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

    write_asset(args.out, dumps(heads))
    _say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
