"""The crisis checks' learned heads, shipped as plain data (`esc_cli/assets/safety_heads.json`).

Every head is a logistic regression over the shared encoder's sentence embedding, so the file is
numbers plus a record of how it was made: the sources (file hashes, the ESConv splits and how many of
their turns), the cross-validated threshold and figures on the training data, and the command that
rebuilds it (`REBUILD_COMMAND`). Never a pickle: the file is JSON checked by pydantic.

    cue     P(crisis) of one unit of a seeker message (the message or one of its sentences), read from
            the unit's embedding, the whole message's embedding, whether the labeller's crisis patterns
            match, the unit's word n-grams (a shipped lexicon of weights), and how close the unit is to
            the training statements of each label (mean cosine of the K nearest in two shipped banks);
            `threshold` was chosen by cross-validation on training material only
    kinds   P(kind) of the unit that carried a cue (suicidal ideation, self-harm, danger from others): a
            multinomial logistic regression, with the rules that turn it into the kinds a reply answers
    parts   per sentence of a reply: P(asks about safety), P(points to human help), P(leaves the seeker)
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from esc_cli.errors import InputError
from esc_cli.fileio import read_text

HEADS_FORMAT = "esc-safety-heads/3"
HEADS_ASSET = "safety_heads.json"
REBUILD_COMMAND = "python -m esc_cli.safety.train --data $ESC_DATA -o esc_cli/assets/safety_heads.json"
Matrix = npt.NDArray[np.float32]
BANK_SCALE = 1000
MAX_HEADS_BYTES = 8 * 1024 * 1024
_WORD = re.compile(r"[a-z0-9']+")


def logistic(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The logistic function, with logits clipped so that exp never overflows."""
    result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    return result


class Head(BaseModel):
    """One logistic score over a feature row: sigmoid(weights . x + bias) >= threshold."""

    model_config = ConfigDict(extra="forbid")

    weights: list[float]
    bias: float
    threshold: float = 0.5

    def probability(self, rows: Matrix) -> npt.NDArray[np.float64]:
        if rows.shape[0] == 0:
            return np.zeros(0)
        logits = rows.astype(np.float64) @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return logistic(logits)


def ngrams(text: str, longest: int) -> set[str]:
    """The word n-grams (1 to `longest` words) of a text, lowercased, apostrophes kept."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return {" ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)}


def lexicon_input(text: str, lexicon: Mapping[str, Any], longest: int) -> Any:
    """The weights of the text's n-grams found in a lexicon, summed over the square root of how many
    (0 when none is): a float for one weight per n-gram, an array for one per label."""
    present = [lexicon[g] for g in ngrams(text, longest) if g in lexicon]
    return np.sum(present, axis=0) / math.sqrt(len(present)) if present else 0.0


def nearest_similarity(rows: Matrix, bank: npt.NDArray[np.floating[Any]], k: int) -> npt.NDArray[np.float64]:
    """Mean cosine of each row to its k nearest bank rows (0 for an empty bank)."""
    if bank.shape[0] == 0 or rows.shape[0] == 0:
        return np.zeros(rows.shape[0])
    sims = rows.astype(np.float64) @ bank.astype(np.float64, copy=False).T
    k = min(k, bank.shape[0])
    result: npt.NDArray[np.float64] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    return result


def bank_matrix(thousandths: Sequence[Sequence[int]] | npt.NDArray[np.int64]) -> Matrix:
    """A bank of embeddings stored in thousandths, as unit-scale floats."""
    rows: Matrix = (np.asarray(thousandths, dtype=np.float32) / BANK_SCALE).astype(np.float32)
    return rows


def pack_bank(thousandths: Sequence[Sequence[int]] | npt.NDArray[np.int64]) -> str:
    """A bank of embeddings in thousandths as text: little-endian int16, row after row, in base64 (a
    quarter of the size of a JSON list of integers, and read without parsing a number at a time)."""
    rows = np.asarray(thousandths, dtype=np.int64)
    if rows.size and np.abs(rows).max() > np.iinfo(np.int16).max:
        raise ValueError("a bank value is beyond int16")
    return base64.b64encode(rows.astype("<i2").tobytes()).decode("ascii")


def unpack_bank(text: str, dimension: int) -> npt.NDArray[np.int64]:
    """The rows `pack_bank` stored (ValueError when the text is not such a bank of that dimension)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("a bank is not base64 text") from exc
    if dimension <= 0 or len(raw) % (2 * dimension):
        raise ValueError(f"a bank's {len(raw)} bytes are not rows of {dimension} int16 values")
    return np.frombuffer(raw, dtype="<i2").astype(np.int64).reshape(-1, dimension)


class CueHead(BaseModel):
    """P(crisis) of one unit: a logistic score over five kinds of input (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    unit: list[float] = Field(description="Weights of the unit's embedding.")
    whole: list[float] = Field(description="Weights of the whole message's embedding.")
    pattern: float = Field(description="Weight of 'the labeller's crisis patterns match the unit'.")
    longest_ngram: int
    lexicon: dict[str, float] = Field(
        description="Weight of each word n-gram; a unit's present n-grams count 1/sqrt(how many)."
    )
    k: int = Field(description="How many nearest training statements the similarity inputs average.")
    nearest: list[float] = Field(description="Weights of the similarity to the crisis and none banks.")
    bank_crisis: str = Field(
        description="Embeddings of the crisis training statements, in thousandths (`pack_bank`)."
    )
    bank_none: str = Field(
        description="Embeddings of the hard non-crisis training statements, in thousandths (`pack_bank`)."
    )
    bias: float
    threshold: float

    _banks: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] = PrivateAttr()

    @model_validator(mode="after")
    def _banks_fit(self) -> CueHead:
        """Decode both banks once, here: a bank that is not rows of the head's dimension is refused."""
        self._banks = (
            bank_matrix(unpack_bank(self.bank_crisis, len(self.unit))).astype(np.float64),
            bank_matrix(unpack_bank(self.bank_none, len(self.unit))).astype(np.float64),
        )
        return self

    def lexical(self, text: str) -> float:
        """The lexicon's contribution to the logit of one unit."""
        return float(lexicon_input(text, self.lexicon, self.longest_ngram))

    @property
    def banks(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The crisis and none banks as float64 matrices of (statements, dimension), decoded on load."""
        return self._banks

    def similarity(self, rows: Matrix) -> Matrix:
        """Each row's similarity to the crisis bank and to the none bank (two columns)."""
        columns = [nearest_similarity(rows, bank, self.k) for bank in self.banks]
        stacked: Matrix = np.stack(columns, axis=1).astype(np.float32)
        return stacked

    def probability(
        self, units: Matrix, wholes: Matrix, patterns: Sequence[bool], texts: Sequence[str]
    ) -> npt.NDArray[np.float64]:
        """P(crisis) per unit, from its embedding, its message's, its pattern input and its text."""
        if units.shape[0] == 0:
            return np.zeros(0)
        logits = (
            units.astype(np.float64) @ np.asarray(self.unit)
            + wholes.astype(np.float64) @ np.asarray(self.whole)
            + self.pattern * np.asarray(patterns, dtype=np.float64)
            + np.asarray([self.lexical(t) for t in texts])
            + self.similarity(units).astype(np.float64) @ np.asarray(self.nearest)
            + self.bias
        )
        return logistic(logits)


class KindHead(BaseModel):
    """P(each kind of cue) of a unit: softmax(weights . x + bias), one row of weights per label."""

    model_config = ConfigDict(extra="forbid")

    labels: list[str]
    weights: list[list[float]]
    bias: list[float]
    danger_alone: float = Field(
        description="P(harm-from-others) from which danger from another person is read as the only kind."
    )
    floor: float = Field(description="P from which a kind counts beside the most likely one.")

    @model_validator(mode="after")
    def _shapes(self) -> KindHead:
        if not self.labels or len(self.weights) != len(self.labels) or len(self.bias) != len(self.labels):
            raise ValueError("a kind head needs one row of weights and one bias per label")
        if len({len(row) for row in self.weights}) != 1:
            raise ValueError("the kind head's rows of weights differ in length")
        return self

    def probabilities(self, rows: Matrix) -> npt.NDArray[np.float64]:
        """One row of P(kind) per input row, in the order of `labels`."""
        if rows.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        logits = rows.astype(np.float64) @ np.asarray(self.weights, dtype=np.float64).T + np.asarray(
            self.bias
        )
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result


class SafetyHeads(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    format: str
    encoder: str
    rebuild: str
    sources: dict[str, Any]
    figures: dict[str, Any]
    cue: CueHead
    kinds: KindHead
    parts: dict[str, Head]

    @model_validator(mode="after")
    def _fits_the_encoder(self) -> SafetyHeads:
        """Every head reads the shared encoder's embeddings, and every rule is a probability."""
        from esc_cli.safety.kinds import KINDS
        from esc_cli.text.encoder import DIMENSION

        rows = {
            "cue.unit": len(self.cue.unit),
            "cue.whole": len(self.cue.whole),
            **{f"parts.{name}.weights": len(head.weights) for name, head in self.parts.items()},
            **{f"kinds.weights[{i}]": len(row) for i, row in enumerate(self.kinds.weights)},
        }
        for where, size in rows.items():
            if size != DIMENSION:
                raise ValueError(f"{where} has {size} weights, not the encoder's {DIMENSION}")
        if sorted(self.kinds.labels) != sorted(KINDS):
            raise ValueError(f"kinds.labels must be {', '.join(KINDS)}")
        if sorted(self.parts) != ["ask", "help", "leave"]:
            raise ValueError("parts must be ask, help and leave")
        rules = {
            "cue.threshold": self.cue.threshold,
            "kinds.danger_alone": self.kinds.danger_alone,
            "kinds.floor": self.kinds.floor,
            **{f"parts.{name}.threshold": head.threshold for name, head in self.parts.items()},
        }
        for where, value in rules.items():
            if not 0.0 <= value <= 1.0:  # also false for NaN
                raise ValueError(f"{where} is {value}, not a probability between 0 and 1")
        for where, bank in (("cue.bank_crisis", self.cue.bank_crisis), ("cue.bank_none", self.cue.bank_none)):
            if not bank:
                raise ValueError(f"{where} is empty: the head compares each statement with its banks")
        return self


def asset_path() -> Path:
    return Path(str(resources.files("esc_cli") / "assets" / HEADS_ASSET))


def read_heads(path: Path) -> SafetyHeads:
    """Read and check a heads file; damage is an InputError naming the file, the place and the rebuild."""
    import json

    fix = f"rebuild it: {REBUILD_COMMAND}"
    text = read_text(path, max_bytes=MAX_HEADS_BYTES, empty_fix=fix)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(path, f"not a safety heads file (not JSON: {exc})", fix=fix) from exc
    if isinstance(data, dict) and data.get("format") != HEADS_FORMAT:
        raise InputError(path, f"format {data.get('format')!r} is not {HEADS_FORMAT!r}", fix=fix)
    try:
        heads = SafetyHeads.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(path, f"not a safety heads file: {message}", where=where, fix=fix) from exc
    return heads


@cache
def shipped_heads() -> SafetyHeads:
    """The heads shipped with esc, read once."""
    return read_heads(asset_path())
