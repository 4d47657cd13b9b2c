"""The judge's learned heads, shipped as plain data (`esc_cli/assets/judge_heads.json`).

Every head is linear over `features.pair_features` (or, for harm, over one sentence's embedding), so
the file is a few thousand numbers and a record of how it was made: the sources it was trained on
(train and valid splits only), the figures it reached on valid, and the command that rebuilds it
(`REBUILD_COMMAND`). Never a pickle: the file is JSON checked by pydantic.

    relevance  logit that the reply was said to this seeker (vs a reply from another dialogue at a
               similar turn), over `features.pair_features`
    outlook    the affect (VADER compound, -1..1) of the seeker's next turn after the reply, over
               `features.outlook_features`: how the reply is likely to leave the seeker
    harm       one logit per harm kind and `none`, per sentence of the reply, over its embedding
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import read_text

HEADS_FORMAT = "esc-judge-heads/1"
HEADS_ASSET = "judge_heads.json"
HEADS_MAX_BYTES = 4 << 20
REBUILD_COMMAND = "python -m esc_cli.judge.train --data $ESC_DATA -o esc_cli/assets/judge_heads.json"
Vector = npt.NDArray[np.float32]


class Linear(BaseModel):
    """One linear score: weights . x + bias."""

    model_config = ConfigDict(extra="forbid")

    weights: list[float]
    bias: float

    def vector(self) -> Vector:
        return np.asarray(self.weights, dtype=np.float32)


class Multi(BaseModel):
    """One linear score per label."""

    model_config = ConfigDict(extra="forbid")

    labels: list[str]
    weights: list[list[float]]
    bias: list[float]


class Combine(BaseModel):
    """How the heads make one learned score, and how that score becomes a SAGE change.

    score = outlook * z(outlook) + relevance * z(rel) + hinge * min(0, z(rel) - hinge_at), where z()
    standardises by the means and deviations of real replies on valid and `rel` is the relevance
    logit: the hinge takes off only for a reply that fits clearly worse than real replies do, so it
    punishes talking past the seeker without letting fit decide among fitting replies.
    change = clip(scale * (score - center)).
    """

    model_config = ConfigDict(extra="forbid")

    relevance: float
    outlook: float
    hinge: float
    hinge_at: float
    means: list[float] = Field(min_length=2, max_length=2)
    deviations: list[float] = Field(min_length=2, max_length=2)
    scale: float
    center: float
    off_topic_below: float = Field(description="Relevance probability under which a reply is off-topic.")
    harm_above: float = Field(description="Harm probability over which a sentence counts as harmful.")


class Heads(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    format: str
    encoder: str
    features: int
    relevance: Linear
    outlook: Linear
    harm: Multi
    combine: Combine
    meta: dict[str, object] = Field(description="Sources, splits, valid figures, rebuild command.")

    def check(self, where: str, widths: dict[str, int], dimension: int) -> None:
        """Raise InputError unless every head has the widths the feature maps give."""
        for name, width in widths.items():
            if len(getattr(self, name).weights) != width:
                raise InputError(
                    where, f"head {name} has the wrong width", fix=f"rebuild it: {REBUILD_COMMAND}"
                )
        rows = self.harm.weights
        if len(rows) != len(self.harm.labels) or any(len(row) != dimension for row in rows):
            raise InputError(where, "head harm has the wrong shape", fix=f"rebuild it: {REBUILD_COMMAND}")


def parse_heads(text: str, where: str) -> Heads:
    """Heads from the file's text, or one InputError naming the file and the fix."""
    from esc_cli.judge.features import OUTLOOK_WIDTH, WIDTH
    from esc_cli.text import DIMENSION

    try:
        heads = Heads.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise InputError(where, f"{place}: {first['msg']}", fix=f"rebuild it: {REBUILD_COMMAND}") from None
    if heads.format != HEADS_FORMAT:
        raise InputError(
            where, f"format {heads.format!r} is not {HEADS_FORMAT}", fix=f"rebuild it: {REBUILD_COMMAND}"
        )
    heads.check(where, {"relevance": WIDTH, "outlook": OUTLOOK_WIDTH}, DIMENSION)
    return heads


def load_heads(path: Path) -> Heads:
    """Heads from a file."""
    return parse_heads(read_text(path, max_bytes=HEADS_MAX_BYTES, what="judge heads file"), str(path))


@cache
def default_heads() -> Heads:
    """The shipped heads."""
    text = resources.files("esc_cli").joinpath("assets", HEADS_ASSET).read_text(encoding="utf-8")
    return parse_heads(text, f"esc_cli/assets/{HEADS_ASSET}")
