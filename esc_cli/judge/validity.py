"""Validity figures of a judge: plain statistics over judged material, no model in here.

spearman(a, b)            rank correlation (average ranks for ties)
bootstrap_interval(...)   a percentile bootstrap interval of a statistic over paired items
preference(better, worse) share of pairs where the first scores higher (ties count half)
auc(positive, negative)   the same over every cross pair: the area under the ROC curve
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


def _ranks(values: Sequence[float]) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    order = np.argsort(array, kind="mergesort")
    ranks = np.empty(len(array), dtype=np.float64)
    ranks[order] = np.arange(1, len(array) + 1)
    for value in np.unique(array):
        tied = array == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho; 0.0 when either side is constant or there are fewer than 3 items."""
    if len(a) != len(b):
        raise ValueError("spearman needs two sequences of the same length")
    if len(a) < 3:
        return 0.0
    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def bootstrap_interval(
    a: Sequence[float], b: Sequence[float], statistic: Callable[[Sequence[float], Sequence[float]], float]
) -> tuple[float, float]:
    """The 95% percentile interval of `statistic` over BOOTSTRAP_RESAMPLES resamples of the pairs."""
    rng = random.Random(BOOTSTRAP_SEED)
    n = len(a)
    if n < 3:
        return (0.0, 0.0)
    values = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        picks = [rng.randrange(n) for _ in range(n)]
        values.append(statistic([a[i] for i in picks], [b[i] for i in picks]))
    values.sort()
    return (values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1])


def preference(better: Sequence[float], worse: Sequence[float]) -> float:
    """Share of pairs where `better` scores higher than `worse`; ties count half."""
    if len(better) != len(worse):
        raise ValueError("preference needs paired scores")
    if not better:
        return 0.0
    wins = sum(1.0 if x > y else 0.5 if x == y else 0.0 for x, y in zip(better, worse, strict=True))
    return wins / len(better)


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Probability that a positive item scores above a negative one (ties half): ROC AUC."""
    if not positive or not negative:
        return 0.0
    ranks = _ranks([*positive, *negative])
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
