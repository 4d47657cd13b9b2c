"""Decisions above noise: the score rules of the gate, and how many seeds to run for them.

Overall (non-inferiority): the paired change passes when the lower end of its `level` bootstrap
interval is above the floor (-margin, or 0 with `--require-improvement`). It is undecided while the
interval straddles the floor (low <= floor < high).

Per personality (a guard against harm to one group): with k personality types, each group's interval
is taken at the Bonferroni level 1 - (1 - level) / k, and a group fails only when that interval lies
wholly below zero and reaches the floor: a drop shown beyond the noise of testing k groups at once. A
harmless change then fails some group by chance at most (1 - level) / 2 of the time over all k
groups together, where k separate tests at `level` would each add their own chance. A group is
undecided while its interval holds both the floor and zero.

Adaptive seeds: verify starts at `--seeds` and, while any criterion is undecided, doubles the seeds
(capped at `--max-seeds`), running only the new seeds on both sides. Each doubling is one more look
at the same criteria, and stopping at the first look that settles a criterion would raise its error
beyond 1 - level (optional stopping). So every interval is taken at the Bonferroni level over the
looks the run may take as well: with 3 to 12 seeds there are 3 looks, the overall interval is taken
at 1 - 0.05 / 3 (98.3%) and each of 3 personality types at 1 - 0.05 / 9 (99.4%). The chance that a
harmless change fails some criterion by luck at any look stays within 1 - level. Coverage counts as undecided
when a changed skill was exercised on some turns but fewer than `--min-coverage`, at a rate that would
reach it by `--max-seeds`. Undecided at `--max-seeds`, the
overall criterion fails (not shown safe) and a group passes (not shown harmed); the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from esc_cli.llm.client import ModelClient
from esc_cli.sim.pairing import Pair, group_pairs
from esc_cli.verify.coverage import SkillCoverage
from esc_cli.verify.stats import Interval, paired_bootstrap

DEFAULT_MAX_SEEDS = 12
CORRECTION = "Bonferroni"

PASSED = "pass"
FAILED = "fail"
UNDECIDED = "undecided"


@dataclass(frozen=True)
class ScoreDecision:
    """One score criterion: its name, interval, the rule it was held to and the state it reached."""

    name: str
    interval: Interval
    state: str
    rule: str


def seeds_text(count: int) -> str:
    """`1 seed`, `3 seeds`."""
    return f"{count} seed" if count == 1 else f"{count} seeds"


def bonferroni_level(level: float, groups: int) -> float:
    """The per-group confidence level that keeps the family's error at 1 - level."""
    return 1 - (1 - level) / max(groups, 1)


def looks(seeds: int, max_seeds: int) -> int:
    """How many times a decision can be taken while the seeds double from `seeds` up to `max_seeds`."""
    count, current = 1, seeds
    while current < max_seeds:
        current = min(max_seeds, current * 2)
        count += 1
    return count


def overall_decision(
    pairs: Sequence[Pair], floor: float, level: float, rule: str, looked: int = 1
) -> ScoreDecision:
    """The overall decision, its interval at the Bonferroni level over the `looked` looks the adaptive
    seeds may take (see the module docstring); `rule` is the threshold as the report words it."""
    corrected = bonferroni_level(level, looked)
    if looked > 1:
        rule += f" at {corrected:.1%} ({CORRECTION}, {looked} looks)"
    interval = paired_bootstrap([p.change for p in pairs], level=corrected)
    if interval.low > floor:
        state = PASSED
    elif interval.high > floor and interval.high > interval.low:
        state = UNDECIDED
    else:
        state = FAILED
    return ScoreDecision("score", interval, state, rule)


def group_decisions(
    pairs: Sequence[Pair], floor: float, level: float, looked: int = 1
) -> list[ScoreDecision]:
    """One decision per personality type, at the Bonferroni level over the types and the `looked`
    looks the adaptive seeds may take (see the module docstring)."""
    groups = group_pairs(pairs, lambda d: d.personality)
    corrected = bonferroni_level(level, len(groups) * looked)
    over = f"k={len(groups)}" if looked == 1 else f"k={len(groups)} types x {looked} looks"
    rule = f"wholly below 0 reaching {floor:+g} at {corrected:.1%} ({CORRECTION}, {over})"
    found: list[ScoreDecision] = []
    for name, members in groups.items():
        interval = paired_bootstrap([p.change for p in members], level=corrected)
        if interval.high < 0 and interval.low <= floor:
            state = FAILED
        elif interval.low <= floor and interval.high >= 0 and interval.high > interval.low:
            state = UNDECIDED
        else:
            state = PASSED
        found.append(ScoreDecision(f"score[{name}]", interval, state, rule))
    return found


def coverage_undecided(
    rows: Sequence[SkillCoverage], minimum: int, current: int, max_seeds: int
) -> list[str]:
    """Changed skills under `minimum` turns that more seeds would lift to it: exercised on some turns
    already, at a rate that reaches the minimum by `max_seeds`. A skill never exercised stays short."""
    return [
        f"coverage[{row.skill}]"
        for row in rows
        if 0 < row.exercised < minimum and row.exercised * max_seeds / current >= minimum
    ]


def undecided_names(decisions: Sequence[ScoreDecision]) -> list[str]:
    return [d.name for d in decisions if d.state == UNDECIDED]


def next_seed_count(current: int, max_seeds: int, undecided: Sequence[str]) -> int | None:
    """The seed count to grow to, or None when nothing is undecided or the cap is reached."""
    if current >= max_seeds or not undecided:
        return None
    return min(max_seeds, current * 2)


def cost_notice(
    current: int, target: int, clients: Sequence[ModelClient | None], undecided: Sequence[str]
) -> str:
    """The line shown before more seeds are spent: why, and on a model path what it will cost."""
    why = f"{', '.join(undecided)} undecided at {seeds_text(current)}: running seeds {current}-{target - 1}"
    ledgers = {id(c.ledger): c.ledger for c in clients if c is not None}
    if not ledgers:
        return why + " (offline: no model calls)"
    calls = sum(ledger.total_calls for ledger in ledgers.values())
    cost = sum(ledger.total_cost for ledger in ledgers.values())
    priced = all(row.priced for ledger in ledgers.values() for row in ledger.rows())
    extra = target - current
    per_seed_calls, per_seed_cost = calls / current, cost / current
    each = f"${per_seed_cost:.4f}" if priced else "an unknown cost (no price for the model)"
    total = f"${per_seed_cost * extra:.4f}" if priced else "cost unknown"
    return (
        f"{why}: so far about {per_seed_calls:.0f} model calls and {each} per seed (cached calls "
        f"included); {extra} more seed(s): about {per_seed_calls * extra:.0f} calls, {total}; "
        "--max-seeds bounds it"
    )
