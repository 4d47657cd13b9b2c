"""`esc eval judge`: validity figures of a seeker engine as a judge, beside trivial baselines.

    feedback     Spearman rho between the judged change and real seekers' ratings (bootstrap CI)
    relevance    share of turns where the real reply beats a reply from another dialogue at a
                 similar turn, in the same context (a seeded sample)
    dialogues    AUC of failed against successful dialogues, by their mean judged change
    pairs        preference accuracy on a judged-pair suite, over every kind but `paraphrase` and per
                 kind; for `paraphrase` (two replies that say the same thing), the share of pairs
                 judged within one quantisation step, a figure of its own with no baselines (a
                 preference between equals is a coin toss) that the overall figure leaves out

Each figure is computed for the judge and for two baselines that read no meaning: the reply's
length in words, and its affect (VADER compound). A judge worth using beats both.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from esc_cli.judge.material import PARAPHRASE, Pair
from esc_cli.judge.replay import Item
from esc_cli.judge.turns import JudgedTurn, foreign_replies
from esc_cli.judge.validity import auc, bootstrap_interval, preference, spearman
from esc_cli.sim.protocol import STEP

RELEVANCE_FIGURE = "real reply over another dialogue's reply at a similar turn"
PAIRS_FIGURE = "pair suite (all kinds but paraphrase)"
RELEVANCE_SEED = 7
RELEVANCE_SAMPLE = 600
Judge = Callable[[Sequence[Item]], list[float]]
Baseline = Callable[[str], float]


@dataclass
class Figure:
    """One validity figure: the judge's value, the baselines', the item count, and a CI if any."""

    name: str
    items: int
    judge: float
    baselines: dict[str, float]
    interval: tuple[float, float] | None = None


@dataclass
class PairFigures:
    """The pair suite: overall, and per kind."""

    overall: Figure | None  # None when the suite holds only paraphrase pairs
    kinds: dict[str, Figure] = field(default_factory=dict)


def _items(turns: Sequence[JudgedTurn], replies: Sequence[str] | None = None) -> list[Item]:
    texts = replies if replies is not None else [t.reply for t in turns]
    return [Item(t.context, text, t.turn) for t, text in zip(turns, texts, strict=True)]


def feedback_figure(turns: Sequence[JudgedTurn], judge: Judge, baselines: dict[str, Baseline]) -> Figure:
    """Spearman agreement with the ratings of the rated turns."""
    rated = [t for t in turns if t.rating is not None]
    ratings = [float(t.rating or 0) for t in rated]
    scores = judge(_items(rated))
    return Figure(
        "per-turn feedback (Spearman rho)",
        len(rated),
        spearman(scores, ratings),
        {name: spearman([b(t.reply) for t in rated], ratings) for name, b in baselines.items()},
        bootstrap_interval(scores, ratings, spearman),
    )


def relevance_figure(
    turns: Sequence[JudgedTurn], judge: Judge, baselines: dict[str, Baseline], sample: int = RELEVANCE_SAMPLE
) -> Figure:
    """Real reply over another dialogue's reply at a similar turn, same context (ties count half)."""
    foreign = foreign_replies(turns, RELEVANCE_SEED)
    picks = sorted(random.Random(RELEVANCE_SEED).sample(range(len(turns)), min(sample, len(turns))))
    chosen = [turns[i] for i in picks]
    others = [foreign[i] for i in picks]
    scores = judge([*_items(chosen), *_items(chosen, others)])
    real, fake = scores[: len(chosen)], scores[len(chosen) :]
    return Figure(
        RELEVANCE_FIGURE,
        len(chosen),
        preference(real, fake),
        {
            name: preference([b(t.reply) for t in chosen], [b(o) for o in others])
            for name, b in baselines.items()
        },
    )


def dialogue_means(keys: Sequence[str], scores: Sequence[float]) -> list[float]:
    """The mean score of each dialogue, in order of first appearance (one key per scored turn)."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for key, score in zip(keys, scores, strict=True):
        grouped[key].append(score)
    return [sum(v) / len(v) for v in grouped.values()]


def _dialogue_means(turns: Sequence[JudgedTurn], scores: Sequence[float]) -> list[float]:
    return dialogue_means([t.dialogue for t in turns], scores)


def dialogue_figure(
    failed: Sequence[JudgedTurn],
    succeeded: Sequence[JudgedTurn],
    judge: Judge,
    baselines: dict[str, Baseline],
) -> Figure:
    """AUC of successful over failed dialogues by mean judged change per dialogue."""
    scores = judge([*_items(succeeded), *_items(failed)])
    good = _dialogue_means(succeeded, scores[: len(succeeded)])
    bad = _dialogue_means(failed, scores[len(succeeded) :])
    base = {
        name: auc(
            _dialogue_means(succeeded, [b(t.reply) for t in succeeded]),
            _dialogue_means(failed, [b(t.reply) for t in failed]),
        )
        for name, b in baselines.items()
    }
    return Figure("successful over failed dialogues (AUC)", len(good) + len(bad), auc(good, bad), base)


def _pair_score(pairs: Sequence[Pair], better: Sequence[float], worse: Sequence[float]) -> float:
    wins = [
        (1.0 if abs(b - w) <= STEP else 0.0)
        if p.kind == PARAPHRASE
        else (1.0 if b > w else 0.5 if b == w else 0.0)
        for p, b, w in zip(pairs, better, worse, strict=True)
    ]
    return sum(wins) / len(wins) if wins else 0.0


def pair_figures(pairs: Sequence[Pair], judge: Judge, baselines: dict[str, Baseline]) -> PairFigures:
    """Preference accuracy on a pair suite, overall and per kind (paraphrase: within one step)."""
    items = [Item(p.context, p.better, p.turn) for p in pairs] + [
        Item(p.context, p.worse, p.turn) for p in pairs
    ]
    scores = judge(items)
    better, worse = scores[: len(pairs)], scores[len(pairs) :]

    def figure(name: str, chosen: list[int]) -> Figure:
        sub = [pairs[i] for i in chosen]
        paraphrase = bool(sub) and all(p.kind == PARAPHRASE for p in sub)
        return Figure(
            name,
            len(sub),
            _pair_score(sub, [better[i] for i in chosen], [worse[i] for i in chosen]),
            {}
            if paraphrase
            else {
                bname: preference([b(p.better) for p in sub], [b(p.worse) for p in sub])
                for bname, b in baselines.items()
            },
        )

    kinds = sorted({p.kind for p in pairs})
    preferences = [i for i, p in enumerate(pairs) if p.kind != PARAPHRASE]
    return PairFigures(
        figure(PAIRS_FIGURE, preferences) if preferences else None,
        {k: figure(k, [i for i, p in enumerate(pairs) if p.kind == k]) for k in kinds},
    )
