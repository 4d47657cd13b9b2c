"""The crisis checks' learned heads, shipped as plain data (`esc_cli/assets/safety_heads.json`).

Every head is a logistic regression over the shared encoder's sentence embedding (the cue head also
reads one more input, whether the labeller's crisis patterns match), so the file is a few thousand
numbers plus a record of how it was made: the sources (file hashes, the ESConv split and how many of
its turns), the cross-validated threshold and figures on the training data, and the command that
rebuilds it (`REBUILD_COMMAND`). Never a pickle: the file is JSON checked by pydantic.

    cue     P(crisis) of a seeker message or one of its sentences; `threshold` was chosen by
            cross-validation on the training statements and ESConv train seeker turns only
    kinds   one prototype (mean embedding of its seeds) per kind of cue: the nearest names the kind
    parts   per sentence of a reply: P(asks about safety), P(points to human help), P(leaves the seeker)
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import read_text

HEADS_FORMAT = "esc-safety-heads/1"
HEADS_ASSET = "safety_heads.json"
REBUILD_COMMAND = "python -m esc_cli.safety.train --data $ESC_DATA -o esc_cli/assets/safety_heads.json"
Matrix = npt.NDArray[np.float32]


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
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return result


class SafetyHeads(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    format: str
    encoder: str
    rebuild: str
    sources: dict[str, Any]
    figures: dict[str, Any]
    cue: Head
    kinds: dict[str, list[float]]
    parts: dict[str, Head]


def asset_path() -> Path:
    return Path(str(resources.files("esc_cli") / "assets" / HEADS_ASSET))


def read_heads(path: Path) -> SafetyHeads:
    """Read and check a heads file; damage is an InputError naming the file and the rebuild."""
    import json

    try:
        heads = SafetyHeads.model_validate(json.loads(read_text(path)))
    except (ValueError, ValidationError) as exc:
        raise InputError(
            path, f"not a safety heads file ({exc.__class__.__name__})", fix=REBUILD_COMMAND
        ) from exc
    if heads.format != HEADS_FORMAT:
        raise InputError(path, f"format {heads.format!r} is not {HEADS_FORMAT!r}", fix=REBUILD_COMMAND)
    return heads


@cache
def shipped_heads() -> SafetyHeads:
    """The heads shipped with esc, read once."""
    return read_heads(asset_path())
