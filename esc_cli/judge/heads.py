"""The judge's learned heads, shipped as plain data (`esc_cli/assets/judge_heads.json`).

Every head is linear over `features.pair_features` or `features.reading_features` (or, for harm,
over one sentence's embedding), so the file is some thousands of numbers and a record of how it was
made: the sources it was trained on (ESConv train and valid, the valid feedback, and the recorded half
of FailedESConv; never the test split, the test feedback or the other half), the figures it reached
on valid, and the command that rebuilds it (`REBUILD_COMMAND`). Never a pickle: the file is JSON
checked by pydantic.

    relevance  logit that the reply was said to this seeker (vs a reply from another dialogue at a
               similar turn), over `features.pair_features`
    outlook    the affect (VADER compound, -1..1) of the seeker's next turn after the reply, over
               `features.reading_features`: how the reply is likely to leave the seeker
    rapport    the relevance rating (1-5) the seeker gave the whole conversation in ESConv's survey,
               over the same features: what kind of supporter says this, here
    success    logit that the reply comes from a conversation that helped (ESConv) rather than one
               that failed (FailedESConv, the half of it the file records), over the same features
    harm       one logit per harm kind and `none`, per sentence of the reply, over its embedding, its
               word n-grams (a shipped lexicon of weights) and its similarity to the seed sentences
               of each label (banks of their embeddings): `HarmHead`
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.safety.heads import bank_matrix, lexicon_input, nearest_similarity

HEADS_FORMAT = "esc-judge-heads/3"
SIDE_HEADS: tuple[str, ...] = ("outlook", "rapport", "success")
"""The heads over `features.reading_features`, in the order the file and the reading use."""
TRAINED_DIALOGUES = "trained_dialogues"
"""The meta key listing the fingerprints (`turns.fingerprints`) of the FailedESConv dialogues the
success head trained on, which no figure may report."""
SCORED: tuple[str, ...] = (*SIDE_HEADS, "relevance")
"""Every head that `Combine` standardises and weighs."""
HEADS_ASSET = "judge_heads.json"
HEADS_MAX_BYTES = 4 << 20
REBUILD_COMMAND = "python -m esc_cli.judge.train --data $ESC_DATA -o esc_cli/assets/judge_heads.json"
Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float64]
Rows = npt.NDArray[np.floating[Any]]


class Linear(BaseModel):
    """One linear score: weights . x + bias."""

    model_config = ConfigDict(extra="forbid")

    weights: list[float]
    bias: float

    def vector(self) -> Vector:
        return np.asarray(self.weights, dtype=np.float32)


class HarmHead(BaseModel):
    """One logit per label (the harm kinds and `none`) of one sentence, from three kinds of input:

    - the sentence's embedding (`weights`, one row per label);
    - its word n-grams (`lexicon`: one weight per label for each n-gram of up to `longest_ngram`
      words; a sentence's present n-grams count 1/sqrt(how many));
    - how close it is to the seed sentences of each label (the mean cosine of the `k` nearest in each
      of the shipped `banks`, in `labels` order; `nearest` weighs them, one row per label).
    """

    model_config = ConfigDict(extra="forbid")

    labels: list[str]
    weights: list[list[float]]
    bias: list[float]
    longest_ngram: int = Field(ge=1)
    lexicon: dict[str, list[float]] = Field(description="Weights of each word n-gram, one per label.")
    k: int = Field(ge=1, description="How many nearest seeds the similarity inputs average.")
    nearest: list[list[float]] = Field(
        description="Weights of the similarity to each bank, one row per label."
    )
    banks: list[list[list[int]]] = Field(
        description="Embeddings of each label's seed sentences (labels order), in thousandths."
    )

    @cached_property
    def _arrays(self) -> tuple[Matrix, Matrix, Matrix, list[Matrix], dict[str, Matrix]]:
        banks = [bank_matrix(b).reshape(-1, self.dimension).astype(np.float64) for b in self.banks]
        lexicon = {g: np.asarray(w, dtype=np.float64) for g, w in self.lexicon.items()}
        return (
            np.asarray(self.weights, dtype=np.float64),
            np.asarray(self.bias, dtype=np.float64),
            np.asarray(self.nearest, dtype=np.float64),
            banks,
            lexicon,
        )

    @property
    def dimension(self) -> int:
        return len(self.weights[0]) if self.weights else 0

    def lexical(self, texts: Sequence[str]) -> Matrix:
        """The lexicon's contribution to each label's logit, one row per text."""
        rows = np.zeros((len(texts), len(self.labels)))
        for i, text in enumerate(texts):
            rows[i] = lexicon_input(text, self._arrays[4], self.longest_ngram)
        return rows

    def similarity(self, rows: Rows) -> Matrix:
        """Each row's similarity to each label's bank (one column per bank)."""
        return np.stack([nearest_similarity(rows, bank, self.k) for bank in self._arrays[3]], axis=1)

    def logits(self, rows: Rows, texts: Sequence[str]) -> Matrix:
        """One logit per label for each sentence, from its embedding row and its text."""
        weights, bias, nearest, _, _ = self._arrays
        if rows.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        embedded = rows.astype(np.float64)
        lexical, similar = self.lexical(texts), self.similarity(rows)
        result: Matrix = embedded @ weights.T + bias + lexical + similar @ nearest.T
        return result

    def probabilities(self, rows: Rows, texts: Sequence[str]) -> Matrix:
        """Softmax of `logits`."""
        logits = self.logits(rows, texts)
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: Matrix = exp / exp.sum(axis=1, keepdims=True)
        return result


class Combine(BaseModel):
    """How the heads make one learned score, and how that score becomes a SAGE change.

    score = sum over SCORED of weights[h] * z(h) + hinge * min(0, z(relevance) - hinge_at), where z()
    standardises a head's value by the mean and deviation of real replies on valid. The hinge takes off
    only for a reply that fits clearly worse than real replies do, so it punishes talking past the
    seeker without letting fit decide among fitting replies.
    change = scale * (score - center), before harm and clipping (`reading.ReplyJudge`).
    """

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float]
    means: dict[str, float]
    deviations: dict[str, float]
    hinge: float
    hinge_at: float
    scale: float
    center: float
    off_topic_below: float = Field(description="Relevance probability under which a reply is off-topic.")
    harm_above: float = Field(description="Harm probability over which a sentence counts as harmful.")

    def score(self, values: Mapping[str, Any]) -> Any:
        """The learned score of head values (floats, or numpy arrays of one value per reply)."""
        z = {name: (values[name] - self.means[name]) / self.deviations[name] for name in SCORED}
        hinge = np.minimum(0.0, z["relevance"] - self.hinge_at)
        return sum(self.weights[name] * z[name] for name in SCORED) + self.hinge * hinge

    def check(self, where: str) -> None:
        """Raise InputError unless weights, means and deviations name exactly the scored heads."""
        for name in ("weights", "means", "deviations"):
            if sorted(getattr(self, name)) != sorted(SCORED):
                raise InputError(
                    where,
                    f"combine.{name} must name {', '.join(SCORED)}",
                    fix=f"rebuild it: {REBUILD_COMMAND}",
                )
        if any(d <= 0 for d in self.deviations.values()):
            raise InputError(
                where, "combine.deviations must be positive", fix=f"rebuild it: {REBUILD_COMMAND}"
            )


class Heads(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    format: str
    encoder: str
    features: int
    relevance: Linear
    outlook: Linear
    rapport: Linear
    success: Linear
    harm: HarmHead
    combine: Combine
    meta: dict[str, object] = Field(description="Sources, splits, valid figures, rebuild command.")

    def trained_dialogues(self) -> frozenset[str]:
        """Fingerprints of the dialogues this file was trained on that a figure must leave out."""
        keys = self.meta.get(TRAINED_DIALOGUES, [])
        return frozenset(str(k) for k in keys) if isinstance(keys, list) else frozenset()

    def check(self, where: str, widths: dict[str, int], dimension: int) -> None:
        """Raise InputError unless every head has the widths the feature maps give."""
        for name, width in widths.items():
            if len(getattr(self, name).weights) != width:
                raise InputError(
                    where, f"head {name} has the wrong width", fix=f"rebuild it: {REBUILD_COMMAND}"
                )
        harm, labels = self.harm, len(self.harm.labels)
        shapes = [
            len(harm.weights) == labels and all(len(row) == dimension for row in harm.weights),
            len(harm.bias) == labels,
            len(harm.nearest) == labels and all(len(row) == len(harm.banks) for row in harm.nearest),
            len(harm.banks) == labels and all(len(row) == dimension for b in harm.banks for row in b),
            all(len(w) == labels for w in harm.lexicon.values()),
        ]
        if not all(shapes):
            raise InputError(where, "head harm has the wrong shape", fix=f"rebuild it: {REBUILD_COMMAND}")


def parse_heads(text: str, where: str) -> Heads:
    """Heads from the file's text, or one InputError naming the file and the fix."""
    from esc_cli.judge.features import READING_WIDTH, WIDTH
    from esc_cli.text import DIMENSION

    try:
        found = json.loads(text)
    except ValueError as exc:
        raise InputError(where, f"not JSON ({exc})", fix=f"rebuild it: {REBUILD_COMMAND}") from None
    stated = found.get("format") if isinstance(found, dict) else None
    if stated != HEADS_FORMAT:
        raise InputError(
            where, f"format {stated!r} is not {HEADS_FORMAT}", fix=f"rebuild it: {REBUILD_COMMAND}"
        )
    try:
        heads = Heads.model_validate(found)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise InputError(where, f"{place}: {first['msg']}", fix=f"rebuild it: {REBUILD_COMMAND}") from None
    heads.check(where, {"relevance": WIDTH, **dict.fromkeys(SIDE_HEADS, READING_WIDTH)}, DIMENSION)
    heads.combine.check(where)
    return heads


def load_heads(path: Path) -> Heads:
    """Heads from a file."""
    return parse_heads(read_text(path, max_bytes=HEADS_MAX_BYTES, what="judge heads file"), str(path))


@cache
def default_heads() -> Heads:
    """The shipped heads."""
    text = resources.files("esc_cli").joinpath("assets", HEADS_ASSET).read_text(encoding="utf-8")
    return parse_heads(text, f"esc_cli/assets/{HEADS_ASSET}")
