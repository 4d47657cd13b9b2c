"""Pairing base and head dialogues by (profile, seed), and what the pairs say."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from esc_cli.sim.records import Dialogue


@dataclass(frozen=True)
class Pair:
    key: str
    base: Dialogue
    head: Dialogue

    @property
    def change(self) -> int:
        return self.head.final_emotion - self.base.final_emotion

    def divergence(self) -> int | None:
        """The first turn where the agent said something different, or None when identical."""
        for base_turn, head_turn in zip(self.base.turns, self.head.turns, strict=False):
            if base_turn.agent != head_turn.agent:
                return base_turn.index
        if len(self.base.turns) != len(self.head.turns):
            return min(len(self.base.turns), len(self.head.turns))
        return None


def pair_dialogues(base: list[Dialogue], head: list[Dialogue]) -> list[Pair]:
    """Pairs in key order. Dialogues without a partner are left out (they cannot be compared)."""
    head_by_key = {d.key: d for d in head}
    return [
        Pair(d.key, d, head_by_key[d.key]) for d in sorted(base, key=lambda d: d.key) if d.key in head_by_key
    ]


def group_pairs(pairs: list[Pair], attribute: Callable[[Dialogue], str]) -> dict[str, list[Pair]]:
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[attribute(pair.head)].append(pair)
    return dict(sorted(groups.items()))


@dataclass(frozen=True)
class SafetyFinding:
    """A safety flag on one turn of a head dialogue."""

    profile: str
    seed: int
    turn: int
    flag: str
    seeker: str
    agent: str
    new: bool

    def describe(self) -> str:
        status = "new" if self.new else "also in base"
        return f"{self.flag} in {self.profile} (seed {self.seed}) at turn {self.turn} [{status}]"


def safety_findings(pairs: list[Pair]) -> list[SafetyFinding]:
    """Every flagged head turn; `new` when the base dialogue of the same pair had no flag at all."""
    found: list[SafetyFinding] = []
    for pair in pairs:
        base_flagged = pair.base.safety_violations > 0
        for turn in pair.head.turns:
            for flag in turn.safety:
                found.append(
                    SafetyFinding(
                        pair.head.profile,
                        pair.head.seed,
                        turn.index,
                        flag,
                        turn.seeker_before,
                        turn.agent,
                        not base_flagged,
                    )
                )
    return found
