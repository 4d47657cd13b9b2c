"""Pairing two runs' dialogues by (profile, seed): the one definition that `esc sim compare`, the
compare report and the verify gate share.

Two runs of the same profiles and seeds differ only where the banks (or engines) differ, so each pair's
change in final emotion measures the change alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from esc_cli.sim.records import Dialogue


@dataclass(frozen=True)
class Pair:
    """One (profile, seed) in both runs: `base` is run A, `head` is run B."""

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


def pair_dialogues(base: Sequence[Dialogue], head: Sequence[Dialogue]) -> list[Pair]:
    """Pairs in key order. Dialogues without a partner are left out (see `unpaired`)."""
    head_by_key = {d.key: d for d in head}
    return [
        Pair(d.key, d, head_by_key[d.key]) for d in sorted(base, key=lambda d: d.key) if d.key in head_by_key
    ]


def unpaired(base: Sequence[Dialogue], head: Sequence[Dialogue]) -> tuple[list[str], list[str]]:
    """Keys found only in base, and only in head."""
    base_keys, head_keys = {d.key for d in base}, {d.key for d in head}
    return sorted(base_keys - head_keys), sorted(head_keys - base_keys)


def group_pairs(pairs: Sequence[Pair], attribute: Callable[[Dialogue], str]) -> dict[str, list[Pair]]:
    """Pairs grouped by an attribute of the head dialogue (personality, intention, profile), sorted."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[attribute(pair.head)].append(pair)
    return dict(sorted(groups.items()))


def mean_change(pairs: Sequence[Pair]) -> float:
    return sum(p.change for p in pairs) / len(pairs) if pairs else 0.0
