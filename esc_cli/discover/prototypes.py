"""Prototypes: key IUs grouped by (primary seeker state, primary support action).

A prototype is the smallest unit of evidence discovery works with. It records how many key IUs fall
in the group, how their outcome directions spread, what the seeker typically did next, and which
IUs best represent its successes and failures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from esc_cli import taxonomy
from esc_cli.iu.records import IU

IMPROVED = frozenset({"improved", "improved-strong"})
WORSENED = frozenset({"worsened", "worsened-strong"})
REPRESENTATIVES = 3


def primary_state(iu: IU) -> str:
    """The most salient seeker state of an IU ('' when the labeller found none)."""
    return iu.state.states[0] if iu.state.states else ""


def primary_action(iu: IU) -> str:
    """The first support action of an IU, or the action that stands for its ESConv strategy."""
    if iu.action.actions:
        return iu.action.actions[0]
    return taxonomy.STRATEGY_PRIMARY_ACTION.get(iu.action.strategy, "")


def improved(iu: IU) -> bool:
    return iu.outcome.direction in IMPROVED


def worsened(iu: IU) -> bool:
    return iu.outcome.direction in WORSENED


def prototype_id(state: str, action: str) -> str:
    """The id a prototype is cited by in a skill's evidence: `state/action`."""
    return f"{state}/{action}"


@dataclass(frozen=True)
class Prototype:
    """Key IUs that share a primary seeker state and a primary support action."""

    state: str
    action: str
    ius: tuple[str, ...]
    deltas: tuple[float, ...]
    directions: dict[str, int]
    behaviours: dict[str, int]
    successful: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def id(self) -> str:
        return prototype_id(self.state, self.action)

    @property
    def size(self) -> int:
        return len(self.ius)

    @property
    def mean_delta(self) -> float:
        return fmean(self.deltas) if self.deltas else 0.0

    @property
    def helped(self) -> int:
        return sum(n for d, n in self.directions.items() if d in IMPROVED)

    @property
    def hurt(self) -> int:
        return sum(n for d, n in self.directions.items() if d in WORSENED)

    @property
    def success_rate(self) -> float:
        return self.helped / self.size if self.size else 0.0

    @property
    def typical_behaviour(self) -> str:
        """The seeker's most frequent behaviour after the intervention ('' when none was labelled)."""
        return _most_common(self.behaviours)


def _most_common(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return min(counts, key=lambda k: (-counts[k], k))


def representatives(ius: Sequence[IU], *, success: bool, limit: int = REPRESENTATIVES) -> tuple[str, ...]:
    """The clearest successes (or failures): strongest change first, then the failed or successful
    dialogue that agrees with it, then short texts, then id for a stable order."""
    wanted = "success" if success else "failure"
    picked = [iu for iu in ius if (improved(iu) if success else worsened(iu))]
    picked.sort(
        key=lambda iu: (
            -abs(iu.outcome.delta),
            iu.dialogue_outcome != wanted,
            len(iu.action.text) > 240,
            iu.id,
        )
    )
    return tuple(iu.id for iu in picked[:limit])


def build_prototype(state: str, action: str, members: Sequence[IU]) -> Prototype:
    ordered = sorted(members, key=lambda iu: iu.id)
    behaviours: Counter[str] = Counter(b for iu in ordered for b in iu.outcome.behaviours)
    return Prototype(
        state=state,
        action=action,
        ius=tuple(iu.id for iu in ordered),
        deltas=tuple(iu.outcome.delta for iu in ordered),
        directions=dict(sorted(Counter(iu.outcome.direction for iu in ordered).items())),
        behaviours=dict(sorted(behaviours.items())),
        successful=representatives(ordered, success=True),
        failed=representatives(ordered, success=False),
    )


def build_prototypes(ius: Iterable[IU]) -> list[Prototype]:
    """Group the key IUs by (primary state, primary action); largest prototype first."""
    groups: dict[tuple[str, str], list[IU]] = defaultdict(list)
    for iu in ius:
        state, action = primary_state(iu), primary_action(iu)
        if iu.key and state and action:
            groups[(state, action)].append(iu)
    found = [build_prototype(state, action, members) for (state, action), members in groups.items()]
    return sorted(found, key=lambda p: (-p.size, p.id))
