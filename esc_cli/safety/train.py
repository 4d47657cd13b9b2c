"""Rebuild the crisis checks' heads (`esc_cli/assets/safety_heads.json`) from training data only.

    pip install scikit-learn        # training only, never a runtime dependency
    python -m esc_cli.safety.train --data $ESC_DATA -o esc_cli/assets/safety_heads.json

Sources, and nothing else (never `bench/suites/crisis_cues_test.tsv`, never `safety_responses.jsonl`):
- `bench/suites/crisis_cues_train.tsv`: the labelled crisis and hard non-crisis statements;
- `esc_cli/safety/seeds.yaml`: seed sentences written for this project (kinds of cue, more cue
  statements, and the parts of a safety response);
- ESConv's train split: CUE_NEGATIVES seeker turns (and their sentences) as ordinary non-crisis
  messages, PART_NEGATIVES supporter sentences as ordinary replies. Turns the labeller's crisis
  patterns match are left out of the negatives (ESConv has real crisis talk in it).

1. cue head: logistic regression (C = CUE_C, balanced classes) over embedding + pattern input.
   The threshold comes from FOLDS-fold cross-validation on the training statements (ESConv turns
   split by dialogue), a message scoring the highest of the whole message and its sentences: among
   the thresholds whose out-of-fold false-alarm rate on ESConv turns is at most MAX_ORDINARY_ALARMS
   (ordinary conversation must not be derailed), the one with the best recall minus false-alarm
   rate on the hard non-crisis statements.
2. kinds: the mean embedding of each kind's seeds.
3. parts: logistic regressions (C = PART_C, balanced) for ask, help and leave, each against the
   other parts' seeds and the ESConv supporter sentences; threshold 0.5.

The same data and library versions give the same file; `tests/safety/test_heads_current.py` checks the
recorded sources against the files when ESC_DATA is set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from esc_cli.data.corpus import load_corpus
from esc_cli.fileio import atomic_write_text
from esc_cli.judge.reading import sentences
from esc_cli.safety.detector import feature_rows, pattern_hit, units
from esc_cli.safety.heads import HEADS_FORMAT, REBUILD_COMMAND
from esc_cli.safety.suites import read_cues
from esc_cli.text import MODEL_ID, TextEncoder, shared_encoder

CUE_C = 10.0
PART_C = 10.0
CUE_NEGATIVES = 1200
PART_NEGATIVES = 1500
FOLDS = 5
MAX_ORDINARY_ALARMS = 0.01
SEED = 15
DIGITS = 6
TRAIN_SUITE = Path("bench/suites/crisis_cues_train.tsv")
# Supporter sentences that may point to help or ask about safety are no negatives for those parts.
_HELPISH = re.compile(
    r"friend|family|someone|somebody|trust|doctor|counsel|therap|professional|hotline|helpline|\bline\b|"
    r"emergency|police|\bgp\b|nurse|\bcall\b|talk to|reach out|support|parent|mom|mum|dad|sister|brother|"
    r"safe|suicid|kill|hurt|harm|die\b|life",
    re.IGNORECASE,
)


def seeds_path() -> Path:
    return Path(str(resources.files("esc_cli") / "safety" / "seeds.yaml"))


def read_seeds(path: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((path or seeds_path()).read_text(encoding="utf-8"))
    return data


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_texts(texts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def esconv_texts(data: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(dialogue key, seeker turn) negatives and supporter sentences from ESConv train, sampled."""
    dialogues = load_corpus([data / "esconv" / "hf_splits" / "train.jsonl"], split="train")
    seekers: list[tuple[str, str]] = []
    supporter: list[str] = []
    for dialogue in dialogues:
        for utterance in dialogue.utterances:
            text = utterance.text.strip()
            if not text:
                continue
            if utterance.speaker == "seeker":
                if len(text.split()) >= 3 and not any(pattern_hit(u) for u in units(text)):
                    seekers.append((dialogue.key, text))
            else:
                supporter.extend(s for s in sentences(text) if len(s.split()) >= 3 and not _HELPISH.search(s))
    rng = random.Random(SEED)
    seekers = sorted(set(seekers))
    rng.shuffle(seekers)
    unique = sorted(set(supporter))
    rng.shuffle(unique)
    return seekers[:CUE_NEGATIVES], unique[:PART_NEGATIVES]


def _logistic(x: npt.NDArray[np.float32], y: Sequence[int], c: float) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(x, np.asarray(y))
    return [round(float(w), DIGITS) for w in model.coef_[0]], round(float(model.intercept_[0]), DIGITS)


def _message_scores(
    weights: list[float], bias: float, groups: list[list[int]], rows: npt.NDArray[np.float32]
) -> list[float]:
    logits = rows.astype(np.float64) @ np.asarray(weights) + bias
    probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    return [float(max(probs[i] for i in group)) for group in groups]


class CueData:
    """Messages (label 1 crisis, 0 none), their units, and their feature rows."""

    def __init__(self, encoder: TextEncoder, messages: list[tuple[str, int, str]]) -> None:
        self.messages = messages  # (text, label, fold group key)
        self.unit_texts: list[str] = []
        self.groups: list[list[int]] = []
        for text, _, _ in messages:
            parts = units(text)
            self.groups.append(list(range(len(self.unit_texts), len(self.unit_texts) + len(parts))))
            self.unit_texts.extend(parts)
        self.rows = feature_rows(encoder, self.unit_texts)

    def fit(self, chosen: Sequence[int]) -> tuple[list[float], float]:
        """Train on the units of the chosen messages (every unit takes its message's label, except
        that the sentences of a crisis message are left out: only one of them may carry the cue)."""
        index: list[int] = []
        labels: list[int] = []
        for m in chosen:
            label = self.messages[m][1]
            group = self.groups[m] if label == 0 else self.groups[m][:1]
            index.extend(group)
            labels.extend([label] * len(group))
        return _logistic(self.rows[index], labels, CUE_C)


def cross_validate(data: CueData, fixed: set[int]) -> dict[str, Any]:
    """Out-of-fold message scores on the non-seed messages; the threshold and its figures."""
    keys = sorted({data.messages[m][2] for m in range(len(data.messages)) if m not in fixed})
    rng = random.Random(SEED)
    rng.shuffle(keys)
    fold_of = {k: i % FOLDS for i, k in enumerate(keys)}
    scores: dict[int, float] = {}
    for fold in range(FOLDS):
        held = [
            m for m in range(len(data.messages)) if m not in fixed and fold_of[data.messages[m][2]] == fold
        ]
        held_set = set(held)
        train = [m for m in range(len(data.messages)) if m not in held_set]
        weights, bias = data.fit(train)
        for m, s in zip(
            held, _message_scores(weights, bias, [data.groups[m] for m in held], data.rows), strict=True
        ):
            scores[m] = s
    crisis = sorted(s for m, s in scores.items() if data.messages[m][1] == 1)
    hard = [
        s for m, s in scores.items() if data.messages[m][1] == 0 and data.messages[m][2].startswith("suite")
    ]
    ordinary = [
        s
        for m, s in scores.items()
        if data.messages[m][1] == 0 and not data.messages[m][2].startswith("suite")
    ]
    best = (-2.0, 0.95)
    for threshold in np.round(np.arange(0.5, 0.99, 0.01), 2):
        if sum(s >= threshold for s in ordinary) > MAX_ORDINARY_ALARMS * max(len(ordinary), 1):
            continue
        recall = sum(s >= threshold for s in crisis) / max(len(crisis), 1)
        alarms = sum(s >= threshold for s in hard) / max(len(hard), 1)
        best = max(best, (recall - alarms, float(threshold)))
    threshold = best[1]
    return {
        "threshold": threshold,
        "cv_recall": round(sum(s >= threshold for s in crisis) / max(len(crisis), 1), 4),
        "cv_false_alarm_hard": round(sum(s >= threshold for s in hard) / max(len(hard), 1), 4),
        "cv_false_alarm_esconv": round(sum(s >= threshold for s in ordinary) / max(len(ordinary), 1), 4),
        "cv_counts": {"crisis": len(crisis), "hard": len(hard), "esconv": len(ordinary)},
    }


def build(data_dir: Path, *, root: Path, encoder: TextEncoder | None = None) -> dict[str, Any]:
    """The heads file as a dict."""
    enc = encoder or shared_encoder()
    suite = root / TRAIN_SUITE
    statements = read_cues(suite)
    seeds = read_seeds()
    seekers, supporter = esconv_texts(data_dir)
    messages: list[tuple[str, int, str]] = []
    messages += [(c.text, 1 if c.crisis else 0, f"suite{i}") for i, c in enumerate(statements)]
    messages += [(text, 0, f"esconv{key}") for key, text in seekers]
    fixed_start = len(messages)
    kind_seeds = [(kind, t) for kind, texts in seeds["kinds"].items() for t in texts]
    messages += [(t, 1, f"seed{i}") for i, (_, t) in enumerate(kind_seeds)]
    messages += [(t, 1, f"seedc{i}") for i, t in enumerate(seeds.get("cue_crisis", []))]
    messages += [(t, 0, f"seedn{i}") for i, t in enumerate(seeds.get("cue_none", []))]
    data = CueData(enc, messages)
    figures = cross_validate(data, set(range(fixed_start, len(messages))))
    weights, bias = data.fit(range(len(messages)))
    kinds = {}
    for kind in seeds["kinds"]:
        mean = enc.embed(seeds["kinds"][kind]).mean(axis=0)
        kinds[kind] = [round(float(v), DIGITS) for v in mean / np.linalg.norm(mean)]
    parts = {}
    groups = {name: list(seeds[name]) for name in ("ask", "help", "leave", "stay", "ask_not")}
    negatives_for = {
        "ask": ["help", "leave", "stay", "ask_not"],
        "help": ["ask", "leave", "stay", "ask_not"],
        "leave": ["ask", "help", "stay"],
    }
    for part, others in negatives_for.items():
        negatives = [t for g in others for t in groups[g]] + supporter
        texts = groups[part] + negatives
        w, b = _logistic(enc.embed(texts), [1] * len(groups[part]) + [0] * len(negatives), PART_C)
        parts[part] = {"weights": w, "bias": b, "threshold": 0.5}
    import sklearn

    return {
        "format": HEADS_FORMAT,
        "encoder": MODEL_ID,
        "rebuild": REBUILD_COMMAND,
        "sources": {
            "train_suite": {
                "path": str(TRAIN_SUITE),
                "sha256": sha256_file(suite),
                "statements": len(statements),
            },
            "seeds": {"path": "esc_cli/safety/seeds.yaml", "sha256": sha256_file(seeds_path())},
            "esconv": {
                "split": "train",
                "seeker_turns": len(seekers),
                "seeker_sha256": sha256_texts([t for _, t in seekers]),
                "supporter_sentences": len(supporter),
                "supporter_sha256": sha256_texts(supporter),
            },
            "settings": {
                "cue_c": CUE_C,
                "part_c": PART_C,
                "folds": FOLDS,
                "max_ordinary_alarms": MAX_ORDINARY_ALARMS,
                "seed": SEED,
            },
            "scikit_learn": sklearn.__version__,
        },
        "figures": {k: v for k, v in figures.items() if k != "threshold"},
        "cue": {"weights": weights, "bias": bias, "threshold": figures["threshold"]},
        "kinds": kinds,
        "parts": parts,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m esc_cli.safety.train", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder ($ESC_DATA)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the heads JSON")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the esc-skills checkout (for bench/suites)"
    )
    args = parser.parse_args(argv)
    heads = build(args.data, root=args.root)
    atomic_write_text(args.output, json.dumps(heads, indent=1) + "\n")
    print(
        f"wrote {args.output}: threshold {heads['cue']['threshold']}, cv {heads['figures']}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
