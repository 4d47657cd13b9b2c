"""Train the kind head of the crisis checks (`SafetyHeads.kinds`) from training material only.

The material: the crisis families of `cues.yaml`, each of the kind `kinds.yaml` gives it (suicidal
ideation unless listed; `mixed` and `held_out` families are left out), and the kind seeds of
`seeds.yaml` (trained on in every fold). The `held_out` families, labelled by kind, are the head's
check on wording it never saw (`held_out_material`, printed by bench/crisis_eval.py). The head is a multinomial logistic regression (C = KIND_C, balanced classes) over the
statement's embedding.

The kinds a reply answers come from the head's probabilities by two rules (`kinds_from`): every kind
from FLOOR up counts beside the most likely one, and danger from another person counts alone only from
DANGER_ALONE up. Reading danger alone takes the suicide question and the suicide line out of the
reply, so that reading must be rare for a seeker who voices suicidal ideation or self-harm. The values
were chosen on the family cross-validation (FOLDS folds, whole families held out), whose figures the
heads file records under `figures.kinds_cv`: danger was read alone for 2 of 1,079 such statements (by
the most likely kind alone it was about 25), and danger was missed entirely for 2.3% of the statements
that voice it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from esc_cli.safety.heads import KindHead
from esc_cli.safety.kinds import HARM_FROM_OTHERS, KINDS, kinds_from
from esc_cli.text import TextEncoder

KIND_C = 1.0
DANGER_ALONE = 0.8
FLOOR = 0.25
FOLDS = 5
SEED = 15
DIGITS = 6
MIXED = "mixed"
HELD_OUT = "held_out"
SUICIDAL = KINDS[0]


def kinds_path() -> Path:
    return Path(str(resources.files("esc_cli") / "safety" / "kinds.yaml"))


@dataclass(frozen=True)
class KindMaterial:
    """Crisis statements with their kind and family, and the kind seeds."""

    texts: list[str]
    kinds: list[str]
    families: list[str]
    seed_texts: list[str]
    seed_kinds: list[str]


def _family_kinds(
    crisis: dict[str, list[str]], listed: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The kind of each listed family, and of each held-out one. A family `cues.yaml` lacks, a kind esc
    does not know, or a family listed twice is a ValueError."""
    trained: dict[str, str] = {}
    held: dict[str, str] = {}
    sections = [(kind, names, trained) for kind, names in listed.items() if kind != HELD_OUT]
    sections += [(kind, names, held) for kind, names in (listed.get(HELD_OUT) or {}).items()]
    for kind, names, into in sections:
        if kind not in (*KINDS, MIXED) or (into is held and kind == MIXED):
            raise ValueError(f"kinds.yaml: unknown kind {kind!r} (use {', '.join(KINDS)} or {MIXED})")
        for family in names:
            if family not in crisis:
                raise ValueError(f"kinds.yaml: {family!r} is not a crisis family of cues.yaml")
            if family in trained or family in held:
                raise ValueError(f"kinds.yaml: {family!r} is listed twice")
            into[family] = kind
    return trained, held


def held_out_material(cues: dict[str, Any], listed: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The statements of the held-out families (`held_out` in kinds.yaml) and their kinds: the kind
    head's check on families it was never trained on."""
    _, held = _family_kinds(cues["crisis"], listed)
    pairs = [(text, kind) for family, kind in held.items() for text in cues["crisis"][family]]
    return [t for t, _ in pairs], [k for _, k in pairs]


def kind_material(cues: dict[str, Any], listed: dict[str, Any], seeds: dict[str, Any]) -> KindMaterial:
    """The statements of the crisis families by kind (see the module docstring); `mixed` and
    `held_out` families are left out. Errors in `kinds.yaml` are ValueErrors (`_family_kinds`)."""
    crisis: dict[str, list[str]] = cues["crisis"]
    family_kind, held = _family_kinds(crisis, listed)
    family_kind.update(dict.fromkeys(held, MIXED))
    texts: list[str] = []
    kinds: list[str] = []
    families: list[str] = []
    for family, statements in crisis.items():
        kind = family_kind.get(family, SUICIDAL)
        if kind == MIXED:
            continue
        texts += statements
        kinds += [kind] * len(statements)
        families += [family] * len(statements)
    seed_texts = [t for kind in KINDS for t in seeds["kinds"][kind]]
    seed_kinds = [kind for kind in KINDS for _ in seeds["kinds"][kind]]
    return KindMaterial(texts, kinds, families, seed_texts, seed_kinds)


def _fit(x: npt.NDArray[np.float64], y: Sequence[int]) -> tuple[list[list[float]], list[float]]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=KIND_C, class_weight="balanced", max_iter=5000)
    model.fit(x, np.asarray(y))
    if list(model.classes_) != list(range(len(KINDS))):
        raise ValueError("the kind material lacks a kind")
    weights = [[round(float(w), DIGITS) for w in row] for row in model.coef_]
    return weights, [round(float(b), DIGITS) for b in model.intercept_]


def _head(weights: list[list[float]], bias: list[float]) -> KindHead:
    return KindHead(labels=list(KINDS), weights=weights, bias=bias, danger_alone=DANGER_ALONE, floor=FLOOR)


def fit_kinds(encoder: TextEncoder, material: KindMaterial) -> tuple[KindHead, dict[str, Any]]:
    """The kind head on all the material, and its family cross-validation figures."""
    rows = encoder.embed(material.texts).astype(np.float64)
    seed_rows = encoder.embed(material.seed_texts).astype(np.float64)
    y = np.asarray([KINDS.index(k) for k in material.kinds])
    seed_y = [KINDS.index(k) for k in material.seed_kinds]
    names = sorted(set(material.families))
    random.Random(SEED).shuffle(names)
    fold_of = {name: i % FOLDS for i, name in enumerate(names)}
    folds = np.asarray([fold_of[f] for f in material.families])
    probabilities = np.zeros((len(y), len(KINDS)))
    for fold in range(FOLDS):
        kept = folds != fold
        weights, bias = _fit(np.vstack([rows[kept], seed_rows]), [*y[kept].tolist(), *seed_y])
        probabilities[~kept] = _head(weights, bias).probabilities(rows[~kept].astype(np.float32))
    read = [kinds_from(KINDS, p.tolist(), DANGER_ALONE, FLOOR) for p in probabilities]
    weights, bias = _fit(np.vstack([rows, seed_rows]), [*y.tolist(), *seed_y])
    return _head(weights, bias), kind_figures(material.kinds, read)


def kind_figures(gold: Sequence[str], read: Sequence[tuple[str, ...]]) -> dict[str, Any]:
    """How the out-of-fold readings answer each gold kind: the most likely kind right, danger read
    alone for a seeker who voices suicidal ideation or self-harm, and danger missed entirely."""
    others = [r for g, r in zip(gold, read, strict=True) if g != HARM_FROM_OTHERS]
    danger = [r for g, r in zip(gold, read, strict=True) if g == HARM_FROM_OTHERS]
    return {
        "statements": len(gold),
        "families_held_out": FOLDS,
        "first_kind_right": round(sum(r[0] == g for g, r in zip(gold, read, strict=True)) / len(gold), 4),
        "danger_alone_for_ideation_or_self_harm": round(
            sum(r == (HARM_FROM_OTHERS,) for r in others) / max(len(others), 1), 4
        ),
        "danger_missed": round(sum(HARM_FROM_OTHERS not in r for r in danger) / max(len(danger), 1), 4),
    }


def read_kind_lists() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(kinds_path().read_text(encoding="utf-8")) or {}
    return data
