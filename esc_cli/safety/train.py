"""Rebuild the crisis checks' heads (`esc_cli/assets/safety_heads.json`) from training data only.

    pip install scikit-learn        # training only, never a runtime dependency
    python -m esc_cli.safety.train --data $ESC_DATA -o esc_cli/assets/safety_heads.json

Sources, and nothing else (never `bench/suites/crisis_cues_test.tsv`, never `safety_responses.jsonl`):
- `bench/suites/crisis_cues_train.tsv`: the labelled crisis and hard non-crisis statements;
- `esc_cli/safety/cues.yaml`: more labelled statements written for this project, in topic families;
- `esc_cli/safety/seeds.yaml`: seed sentences written for this project (kinds of cue, more cue
  statements, and the parts of a safety response);
- ESConv's train and valid splits (never test): CUE_NEGATIVES seeker turns (and their sentences) as
  ordinary non-crisis messages, PART_NEGATIVES train supporter sentences as ordinary replies. Turns
  the labeller's crisis patterns match are left out of the negatives (ESConv has real crisis talk).

1. cue head: logistic regression (C = CUE_C, balanced classes) over each unit's embedding, its
   message's embedding, the pattern input, its word n-grams (those in at least MIN_NGRAM_UNITS
   training units, up to LONGEST_NGRAM words) and its mean cosine to the NEAREST nearest crisis and
   hard non-crisis training statements (a training unit is never compared with its own family); the
   similarity and n-gram inputs are scaled up while fitting (NEAREST_SCALE, LEXICON_SCALE), a weaker
   penalty on those weights, which family-held-out cross-validation preferred.
   The threshold comes from FOLDS-fold cross-validation that holds out whole families (the
   statements of `cues.yaml` by family, the train suite in blocks of SUITE_BLOCK neighbouring lines,
   which the file keeps together by topic, ESConv turns by dialogue; seeds are always trained on).
   A message scores the highest of the whole message and its sentences. Among the thresholds whose
   out-of-fold false-alarm rate on ESConv turns is at most MAX_ORDINARY_ALARMS (ordinary
   conversation must not be derailed), the one with the best recall minus false-alarm rate on the
   hard non-crisis statements is kept.
2. kinds: the kind head (`kind_train.py`): P(suicidal ideation, self-harm, danger from others) of a
   statement, from the crisis families of `cues.yaml` by the kind `kinds.yaml` gives them and the kind
   seeds, with its family cross-validation figures.
3. parts: logistic regressions (C = PART_C, balanced) for ask, help and leave, each from its seed
   groups (PART_POSITIVES: a sentence that asks and points to help counts for both) against the other
   parts' seeds and the ESConv supporter sentences, with the thresholds PART_THRESHOLDS; their
   FOLDS-fold cross-validation over the seeds is recorded with the figures.

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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from esc_cli.data.corpus import load_corpus
from esc_cli.fileio import atomic_write_text
from esc_cli.judge.reading import sentences
from esc_cli.safety.detector import pattern_hit, unit_rows, units
from esc_cli.safety.fitting import lexicon_matrix, nearest_outside
from esc_cli.safety.heads import (
    BANK_SCALE,
    HEADS_FORMAT,
    REBUILD_COMMAND,
    CueHead,
    bank_matrix,
    ngrams,
    pack_bank,
)
from esc_cli.safety.kind_train import (
    DANGER_ALONE,
    FLOOR,
    KIND_C,
    fit_kinds,
    kind_material,
    kinds_path,
    read_kind_lists,
)
from esc_cli.safety.suites import read_cues
from esc_cli.text import DIMENSION, MODEL_ID, TextEncoder, shared_encoder

CUE_C = 10.0
PART_C = 10.0
# The parts' thresholds come from a reply-level cross-validation on the seeds: replies composed of
# out-of-fold seed sentences, one kind of reply at a time (handled; brush-off, no help, change of
# subject, cold hand-off, empathy only, cheer, advice, no safety question, leaving after helping, in the
# proportions that bench/suites/CRISIS.md lists). A reply is unhandled when any one of its sentences
# reads as leaving, so `leave` keeps a high threshold, and a handled reply needs both of the other parts,
# so theirs are low: at 0.5/0.5/0.5 the composed replies were read right 0.88 of the time (handled ones
# 0.78), at 0.4/0.3/0.8 0.93 (handled 0.93). `ask` stays at 0.4, not lower, because a question must
# still read as a safety question (the `is_question` gate alone would let "how are you?" through).
PART_THRESHOLDS = {"ask": 0.4, "help": 0.3, "leave": 0.8}
# Each part's positive and negative seed groups (the ESConv supporter sentences are negatives too). A
# cold hand-off (`leave_help`) trains `help` only: as a positive of `leave` it taught that head to read
# plain pointers to help as leaving.
PART_POSITIVES = {
    "ask": ("ask", "ask_help"),
    "help": ("help", "ask_help", "leave_help"),
    "leave": ("leave",),
}
PART_NEGATIVES_FOR = {
    "ask": ("help", "leave", "stay", "ask_not", "leave_help"),
    "help": ("ask", "leave", "stay", "ask_not"),
    "leave": ("ask", "help", "stay", "ask_help"),
}
SEED_GROUPS = ("ask", "help", "leave", "stay", "ask_not", "ask_help", "leave_help")
# ESConv seeker turns per split used as ordinary negatives (train and valid; test is never read).
CUE_NEGATIVES = {"train": 3000, "valid": 1000}
PART_NEGATIVES = 1500
FOLDS = 5
# Half the bench's target of 0.01: ESConv's test turns are not filtered by the patterns.
MAX_ORDINARY_ALARMS = 0.005
LONGEST_NGRAM = 3
MIN_NGRAM_UNITS = 2
NEAREST = 5
# Scales of the similarity and n-gram inputs while the head is fitted (the weights are scaled back, so
# the head reads the inputs as they are): a larger scale is a weaker penalty on that block's weights.
NEAREST_SCALE = 5.0
LEXICON_SCALE = 2.0
SUITE_BLOCK = 6
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


@dataclass(frozen=True)
class Message:
    """One labelled seeker message of the cue head's training material."""

    text: str
    label: int
    group: str  # the fold group: a family of statements, or an ESConv dialogue
    seed: bool = False  # seeds are trained on in every fold, never held out
    ordinary: bool = False  # an ESConv turn (not a hard statement)


def seeds_path() -> Path:
    return Path(str(resources.files("esc_cli") / "safety" / "seeds.yaml"))


def cues_path() -> Path:
    return Path(str(resources.files("esc_cli") / "safety" / "cues.yaml"))


def read_cue_families() -> dict[str, dict[str, list[str]]]:
    """`cues.yaml`: label (crisis, none) -> family -> statements."""
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(cues_path().read_text(encoding="utf-8"))
    return data


def read_seeds(path: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((path or seeds_path()).read_text(encoding="utf-8"))
    return data


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_texts(texts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def esconv_texts(data: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(dialogue key, seeker turn) negatives from ESConv train and valid, and supporter sentences from
    train, sampled."""
    seekers: list[tuple[str, str]] = []
    supporter: list[str] = []
    for split, wanted in CUE_NEGATIVES.items():
        turns: set[tuple[str, str]] = set()
        for dialogue in load_corpus([data / "esconv" / "hf_splits" / f"{split}.jsonl"], split=split):
            for utterance in dialogue.utterances:
                text = utterance.text.strip()
                if utterance.speaker == "seeker" and len(text.split()) >= 3:
                    turns.add((f"{split}:{dialogue.key}", text))
                elif split == "train" and text:
                    supporter.extend(
                        s for s in sentences(text) if len(s.split()) >= 3 and not _HELPISH.search(s)
                    )
        shuffled = sorted(turns)
        random.Random(SEED).shuffle(shuffled)
        seekers += [t for t in shuffled if not any(pattern_hit(u) for u in units(t[1]))][:wanted]
    unique = sorted(set(supporter))
    random.Random(SEED).shuffle(unique)
    return seekers, unique[:PART_NEGATIVES]


def cue_messages(root: Path, seekers: list[tuple[str, str]]) -> list[Message]:
    """All the cue head's training messages, with their fold groups."""
    messages: list[Message] = []
    for i, cue in enumerate(read_cues(root / TRAIN_SUITE)):
        messages.append(Message(cue.text, int(cue.crisis), f"suite:{cue.crisis}:{i // SUITE_BLOCK}"))
    families = read_cue_families()
    for label, by_family in families.items():
        for family, texts in by_family.items():
            messages += [Message(t, int(label == "crisis"), f"family:{family}") for t in texts]
    messages += [Message(t, 0, f"esconv:{key}", ordinary=True) for key, t in seekers]
    seeds = read_seeds()
    for kind, texts in seeds["kinds"].items():
        messages += [Message(t, 1, f"seed:{kind}", seed=True) for t in texts]
    messages += [Message(t, 1, "seed:cue_crisis", seed=True) for t in seeds.get("cue_crisis", [])]
    messages += [Message(t, 0, "seed:cue_none", seed=True) for t in seeds.get("cue_none", [])]
    return messages


def _logistic(x: Any, y: Sequence[int], c: float) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(x, np.asarray(y))
    return [round(float(w), DIGITS) for w in model.coef_[0]], round(float(model.intercept_[0]), DIGITS)


class CueData:
    """Messages (label 1 crisis, 0 none, with a fold group and a source) and the inputs of their units."""

    def __init__(self, encoder: TextEncoder, messages: list[Message]) -> None:
        self.messages = messages
        split = [units(m.text) for m in messages]
        self.rows = unit_rows(encoder, split)
        self.patterns = np.asarray(self.rows.patterns(), dtype=np.float32)
        self.groups: list[list[int]] = []
        start = 0
        for parts in split:
            self.groups.append(list(range(start, start + len(parts))))
            start += len(parts)

    def training_units(self, chosen: Sequence[int]) -> tuple[list[int], list[int]]:
        """Every unit of a chosen none message; only the whole of a chosen crisis message (only one of
        its sentences may carry the cue)."""
        index: list[int] = []
        owners: list[int] = []
        for m in chosen:
            group = self.groups[m] if self.messages[m].label == 0 else self.groups[m][:1]
            index.extend(group)
            owners.extend([m] * len(group))
        return index, owners

    def bank(self, chosen: Sequence[int], label: int) -> tuple[npt.NDArray[np.int64], list[str]]:
        """Whole-message embeddings (in thousandths, as shipped) of the chosen statements of a label (never ESConv)."""
        members = [m for m in chosen if self.messages[m].label == label and not self.messages[m].ordinary]
        stored = np.round(self.rows.units[[self.groups[m][0] for m in members]] * BANK_SCALE).astype(int)
        return stored, [self.messages[m].group for m in members]

    def fit(self, chosen: Sequence[int]) -> CueHead:
        """The cue head trained on the chosen messages (threshold left at 0.5)."""
        from scipy import sparse

        index, owners = self.training_units(chosen)
        texts = [self.rows.texts[i] for i in index]
        # The lexicon comes from the written statements only: ESConv would add tens of thousands of
        # n-grams that no cue carries.
        statements = [t for t, m in zip(texts, owners, strict=True) if not self.messages[m].ordinary]
        counts: Counter[str] = Counter(g for t in statements for g in ngrams(t, LONGEST_NGRAM))
        vocabulary = sorted(g for g, n in counts.items() if n >= MIN_NGRAM_UNITS)
        lexical = lexicon_matrix(texts, vocabulary, LONGEST_NGRAM, LEXICON_SCALE, np.float32)
        banks = [self.bank(chosen, 1), self.bank(chosen, 0)]
        own = [self.messages[m].group for m in owners]
        units = self.rows.units[index]
        nearest = np.stack(
            [nearest_outside(units, own, bank_matrix(b), g, NEAREST).astype(np.float32) for b, g in banks],
            axis=1,
        )
        dense = np.hstack(
            [
                self.rows.units[index],
                self.rows.wholes[index],
                self.patterns[index, None],
                nearest * NEAREST_SCALE,
            ]
        )
        x = sparse.hstack([sparse.csr_matrix(dense), lexical]).tocsr()
        weights, bias = _logistic(x, [self.messages[m].label for m in owners], CUE_C)
        d = DIMENSION
        return CueHead(
            unit=weights[:d],
            whole=weights[d : 2 * d],
            pattern=weights[2 * d],
            nearest=[round(w * NEAREST_SCALE, DIGITS) for w in weights[2 * d + 1 : 2 * d + 3]],
            longest_ngram=LONGEST_NGRAM,
            lexicon={
                g: round(w * LEXICON_SCALE, DIGITS)
                for g, w in zip(vocabulary, weights[2 * d + 3 :], strict=True)
                if w != 0.0
            },
            k=NEAREST,
            bank_crisis=pack_bank(banks[0][0]),
            bank_none=pack_bank(banks[1][0]),
            bias=bias,
            threshold=0.5,
        )

    def message_scores(self, head: CueHead, chosen: Sequence[int]) -> list[float]:
        """Each chosen message's score: the highest P(crisis) of its units."""
        index = [i for m in chosen for i in self.groups[m]]
        probs = head.probability(
            self.rows.units[index],
            self.rows.wholes[index],
            [bool(p) for p in self.patterns[index]],
            [self.rows.texts[i] for i in index],
        )
        scores: list[float] = []
        start = 0
        for m in chosen:
            scores.append(float(probs[start : start + len(self.groups[m])].max()))
            start += len(self.groups[m])
        return scores


def out_of_fold(data: CueData) -> dict[str, npt.NDArray[np.float64]]:
    """Out-of-fold message scores of the non-seed messages, by kind: `crisis`, `hard` (the hard
    non-crisis statements) and `esconv` (ordinary seeker turns). Folds hold out whole families."""
    rotating = [m for m, msg in enumerate(data.messages) if not msg.seed]
    keys = sorted({data.messages[m].group for m in rotating})
    rng = random.Random(SEED)
    rng.shuffle(keys)
    fold_of = {k: i % FOLDS for i, k in enumerate(keys)}
    scores: dict[int, float] = {}
    for fold in range(FOLDS):
        held = [m for m in rotating if fold_of[data.messages[m].group] == fold]
        held_set = set(held)
        head = data.fit([m for m in range(len(data.messages)) if m not in held_set])
        scores.update(zip(held, data.message_scores(head, held), strict=True))
    by_kind: dict[str, list[float]] = {"crisis": [], "hard": [], "esconv": []}
    for m, score in scores.items():
        msg = data.messages[m]
        by_kind["crisis" if msg.label else "esconv" if msg.ordinary else "hard"].append(score)
    return {k: np.asarray(v, dtype=np.float64) for k, v in by_kind.items()}


def cross_validate(data: CueData) -> dict[str, Any]:
    """The threshold chosen on the out-of-fold scores (`out_of_fold`), and its figures."""
    by_kind = out_of_fold(data)
    crisis, hard, ordinary = (by_kind[k] for k in ("crisis", "hard", "esconv"))
    best = (-2.0, 0.99)
    for threshold in np.round(np.arange(0.5, 0.995, 0.005), 3):
        if (ordinary >= threshold).mean() > MAX_ORDINARY_ALARMS:
            continue
        best = max(best, (float((crisis >= threshold).mean() - (hard >= threshold).mean()), float(threshold)))
    threshold = best[1]
    return {
        "threshold": threshold,
        "cv_recall": round(float((crisis >= threshold).mean()), 4),
        "cv_false_alarm_hard": round(float((hard >= threshold).mean()), 4),
        "cv_false_alarm_esconv": round(float((ordinary >= threshold).mean()), 4),
        "cv_counts": {k: len(v) for k, v in by_kind.items()},
    }


def train_parts(
    encoder: TextEncoder, seeds: dict[str, Any], supporter: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The ask, help and leave heads, and their FOLDS-fold cross-validated figures: for each head, the
    share of held-out seeds of every group that it reads as its part (each group's seeds are dealt into
    folds; the ESConv supporter sentences are always negatives)."""
    groups = {name: list(seeds[name]) for name in SEED_GROUPS}
    rows = {name: encoder.embed(texts) for name, texts in groups.items()}
    ordinary = encoder.embed(supporter)
    rng = random.Random(SEED)
    fold_of = {name: [i % FOLDS for i in rng.sample(range(len(t)), len(t))] for name, t in groups.items()}

    def fit(part: str, keep: Any) -> tuple[list[float], float]:
        names = [*PART_POSITIVES[part], *PART_NEGATIVES_FOR[part]]
        chosen = [[i for i in range(len(groups[n])) if keep(n, i)] for n in names]
        x = np.vstack([rows[n][c] for n, c in zip(names, chosen, strict=True)] + [ordinary])
        y = [int(n in PART_POSITIVES[part]) for n, c in zip(names, chosen, strict=True) for _ in c]
        y += [0] * len(supporter)
        return _logistic(x, y, PART_C)

    heads: dict[str, dict[str, Any]] = {}
    figures: dict[str, Any] = {}
    for part in PART_NEGATIVES_FOR:
        read: dict[str, list[bool]] = {name: [] for name in SEED_GROUPS}
        for fold in range(FOLDS):
            w, b = fit(part, lambda n, i, f=fold: fold_of[n][i] != f)
            for name in SEED_GROUPS:
                held = [i for i in range(len(groups[name])) if fold_of[name][i] == fold]
                logits = rows[name][held].astype(np.float64) @ np.asarray(w) + b
                read[name] += list(1.0 / (1.0 + np.exp(-logits)) >= PART_THRESHOLDS[part])
        figures[part] = {name: round(float(np.mean(r)), 4) for name, r in read.items()}
        w, b = fit(part, lambda n, i: True)
        heads[part] = {"weights": w, "bias": b, "threshold": PART_THRESHOLDS[part]}
    return heads, figures


def build(data_dir: Path, *, root: Path, encoder: TextEncoder | None = None) -> dict[str, Any]:
    """The heads file as a dict."""
    enc = encoder or shared_encoder()
    suite = root / TRAIN_SUITE
    seeds = read_seeds()
    seekers, supporter = esconv_texts(data_dir)
    messages = cue_messages(root, seekers)
    data = CueData(enc, messages)
    figures = cross_validate(data)
    cue = data.fit(range(len(messages))).model_copy(update={"threshold": figures["threshold"]})
    cue_families = read_cue_families()
    kinds, kind_figures = fit_kinds(enc, kind_material(cue_families, read_kind_lists(), seeds))
    parts, part_figures = train_parts(enc, seeds, supporter)
    import sklearn

    return {
        "format": HEADS_FORMAT,
        "encoder": MODEL_ID,
        "rebuild": REBUILD_COMMAND,
        "sources": {
            "train_suite": {
                "path": str(TRAIN_SUITE),
                "sha256": sha256_file(suite),
                "statements": sum(1 for m in messages if m.group.startswith("suite:")),
            },
            "cues": {
                "path": "esc_cli/safety/cues.yaml",
                "sha256": sha256_file(cues_path()),
                "statements": sum(1 for m in messages if m.group.startswith("family:")),
            },
            "seeds": {"path": "esc_cli/safety/seeds.yaml", "sha256": sha256_file(seeds_path())},
            "kinds": {"path": "esc_cli/safety/kinds.yaml", "sha256": sha256_file(kinds_path())},
            "esconv": {
                "splits": {"seeker_turns": sorted(CUE_NEGATIVES), "supporter_sentences": ["train"]},
                "seeker_turns": len(seekers),
                "seeker_sha256": sha256_texts([t for _, t in seekers]),
                "supporter_sentences": len(supporter),
                "supporter_sha256": sha256_texts(supporter),
            },
            "settings": {
                "cue_c": CUE_C,
                "part_c": PART_C,
                "part_thresholds": PART_THRESHOLDS,
                "folds": FOLDS,
                "max_ordinary_alarms": MAX_ORDINARY_ALARMS,
                "longest_ngram": LONGEST_NGRAM,
                "min_ngram_units": MIN_NGRAM_UNITS,
                "nearest": NEAREST,
                "nearest_scale": NEAREST_SCALE,
                "lexicon_scale": LEXICON_SCALE,
                "suite_block": SUITE_BLOCK,
                "seed": SEED,
                "kind_c": KIND_C,
                "kind_danger_alone": DANGER_ALONE,
                "kind_floor": FLOOR,
            },
            "scikit_learn": sklearn.__version__,
        },
        "figures": {
            **{k: v for k, v in figures.items() if k != "threshold"},
            "parts_cv": part_figures,
            "kinds_cv": kind_figures,
        },
        "cue": cue.model_dump(),
        "kinds": kinds.model_dump(),
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
    # One line per top-level key: the banks of embeddings would take a line per number indented.
    body = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in heads.items())
    atomic_write_text(args.output, "{\n" + body + "\n}\n")
    print(
        f"wrote {args.output}: threshold {heads['cue']['threshold']}, cv {heads['figures']}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
