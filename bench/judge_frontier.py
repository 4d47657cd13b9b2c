"""How far the judge's learned heads can go: the best joining of them, not the shipped one.

`bench/judge_eval.py` prints the shipped judge's figures. This script asks whether ANY joining of the
shipped heads (every setting of the grid `judge.train` searches: the weights of rapport, success and
relevance, the hinge and its point) could reach the targets of issue 14 for per-turn feedback
(Spearman rho >= 0.25) and for the real reply over another dialogue's reply (>= 0.90). It reads the
learned score only (no SAGE rules, no harm), as the joining does.

1. valid (ESConv valid with its per-turn feedback): where the joining is chosen. Each head alone, the
   shipped joining, and the best setting for each figure.
2. test (ESConv test with its per-turn feedback): the shipped joining, and the best setting for each
   figure chosen in hindsight: a ceiling for these heads, never a tuned figure; nothing is chosen from it.

The relevance figure here pairs every turn with one foreign reply (`turns.foreign_replies`, the seed of
`esc eval judge`), not the 600-turn sample of `esc eval judge`, so it differs from it a little.

    ESC_DATA=/path/to/shared/data python bench/judge_frontier.py

Deterministic (the encoder rounds its vectors): one run is the median of any.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from esc_cli.errors import EscError  # noqa: E402
from esc_cli.judge import train  # noqa: E402
from esc_cli.judge.evaluate import RELEVANCE_SEED  # noqa: E402
from esc_cli.judge.features import pair_features, reading_features  # noqa: E402
from esc_cli.judge.heads import Heads, default_heads  # noqa: E402
from esc_cli.judge.turns import JudgedTurn, foreign_replies  # noqa: E402
from esc_cli.judge.validity import preference, spearman  # noqa: E402
from esc_cli.text import shared_encoder  # noqa: E402

RHO_TARGET = 0.25
RELEVANCE_TARGET = 0.90
TEST_FILES = ("esconv/hf_splits/test.jsonl", "esconv/multiesc_feedback/test.jsonl")
Values = dict[str, np.ndarray]


def head_values(heads: Heads, turns: Sequence[JudgedTurn], replies: Sequence[str]) -> Values:
    """Each scored head's value for each reply in its turn's context."""
    encoder = shared_encoder()
    contexts = [t.context for t in turns]
    pairs = pair_features(encoder, contexts, replies)
    relevance = (pairs @ heads.relevance.vector() + heads.relevance.bias).astype(np.float64)
    x = reading_features(encoder, contexts, replies, pairs, relevance)
    return {
        "outlook": x @ heads.outlook.vector() + heads.outlook.bias,
        "rapport": x @ heads.rapport.vector() + heads.rapport.bias,
        "success": x @ heads.success.vector() + heads.success.bias,
        "relevance": relevance,
    }


def figures(
    score_real: np.ndarray, score_foreign: np.ndarray, rated: list[int], ratings: list[float]
) -> tuple[float, float]:
    rho = spearman([float(score_real[i]) for i in rated], ratings)
    return rho, preference(score_real.tolist(), score_foreign.tolist())


def measure(name: str, heads: Heads, turns: list[JudgedTurn]) -> None:
    real = head_values(heads, turns, [t.reply for t in turns])
    foreign = head_values(heads, turns, foreign_replies(turns, RELEVANCE_SEED))
    rated = [i for i, t in enumerate(turns) if t.rating is not None]
    ratings = [float(turns[i].rating or 0) for i in rated]
    print(f"{name}: {len(turns)} turns, {len(rated)} rated")
    for head in ("outlook", "rapport", "success", "relevance"):
        rho, pref = figures(real[head], foreign[head], rated, ratings)
        print(f"  {head:<10} alone: rho {rho:.3f}, real over foreign {pref:.3f}")
    rho, pref = figures(heads.combine.score(real), heads.combine.score(foreign), rated, ratings)
    print(f"  shipped joining:  rho {rho:.3f}, real over foreign {pref:.3f}")
    c = heads.combine
    grid = {}
    for setting in itertools.product(
        train.WEIGHTS, train.WEIGHTS, train.RELEVANCE_WEIGHTS, train.HINGES, train.HINGE_AT
    ):
        combine = train._combine(setting, c.means, c.deviations)
        grid[setting] = figures(combine.score(real), combine.score(foreign), rated, ratings)
    best_rho = max(grid.values(), key=lambda f: f[0])
    best_pref = max(grid.values(), key=lambda f: f[1])
    both = sum(1 for f in grid.values() if f[0] >= RHO_TARGET and f[1] >= RELEVANCE_TARGET)
    print(
        f"  best of {len(grid)} joinings for rho:       rho {best_rho[0]:.3f}, real over foreign {best_rho[1]:.3f}"
    )
    print(
        f"  best of {len(grid)} joinings for relevance: rho {best_pref[0]:.3f}, real over foreign {best_pref[1]:.3f}"
    )
    print(
        f"  joinings meeting both targets (rho >= {RHO_TARGET}, real over foreign >= {RELEVANCE_TARGET}): {both}"
    )


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    data = os.environ.get("ESC_DATA")
    if not data:
        sys.exit("set ESC_DATA to the data folder (see the README's Data section)")
    heads = default_heads()
    try:
        valid = train._turns([Path(data) / f for f in train.VALID_FILES])
        test = train._turns([Path(data) / f for f in TEST_FILES])
    except EscError as exc:
        sys.exit(f"error: {exc}")
    measure("valid (where the joining is chosen)", heads, valid)
    measure("test (best joinings in hindsight: a ceiling, not a figure)", heads, test)


if __name__ == "__main__":
    main()
