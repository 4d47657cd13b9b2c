"""Paired statistics for the verify gate: a percentile bootstrap on the mean paired change.

Base and head run on the same (profile, seed) pairs, so each pair gives one difference
`head_final - base_final`. Resampling pairs (not dialogues) keeps the pairing. The resampling uses
its own seeded generator (numpy's PCG64, drawn in blocks so that memory stays small on large runs),
so the same runs always give the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

import numpy as np

DEFAULT_RESAMPLES = 2000
BLOCK_CELLS = 1 << 21  # indices drawn at once: 16 MB
DEFAULT_LEVEL = 0.95
BOOTSTRAP_SEED = 20_260_521


@dataclass(frozen=True)
class Interval:
    """Mean paired change with a two-sided bootstrap interval at `level`."""

    n: int
    mean: float
    low: float
    high: float
    level: float


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile of already sorted values (the same rule as numpy's default)."""
    position = q * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] * (1 - weight) + sorted_values[upper] * weight


def paired_bootstrap(
    differences: Sequence[float],
    *,
    level: float = DEFAULT_LEVEL,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Interval:
    """Bootstrap the mean of paired differences. Needs at least one pair; a constant sample has zero width."""
    if not differences:
        raise ValueError("no paired dialogues to compare")
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    n = len(differences)
    values = np.asarray(differences, dtype=np.float64)
    rng = np.random.default_rng(seed)
    block = max(1, BLOCK_CELLS // n)
    parts = [
        values[rng.integers(0, n, size=(min(block, resamples - start), n))].mean(axis=1)
        for start in range(0, resamples, block)
    ]
    means = sorted(np.concatenate(parts).tolist())
    tail = (1 - level) / 2
    return Interval(
        n=n, mean=fmean(differences), low=_quantile(means, tail), high=_quantile(means, 1 - tail), level=level
    )
