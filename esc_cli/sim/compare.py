"""Paired comparison of two runs: the same profiles and seeds, final emotion A versus B.

Dialogues pair by (profile, seed). Pairs present in only one run are counted but not scored, so the
mean paired change compares like with like.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from esc_cli.sim.records import Dialogue


class Pair(BaseModel):
    """One (profile, seed) in both runs."""

    model_config = ConfigDict(extra="forbid")

    profile: str
    seed: int
    personality: str
    intention: str
    final_a: int
    final_b: int
    outcome_a: str
    outcome_b: str
    safety_a: int
    safety_b: int

    @property
    def change(self) -> int:
        return self.final_b - self.final_a


class Comparison(BaseModel):
    """The paired table and its means."""

    model_config = ConfigDict(extra="forbid")

    pairs: list[Pair]
    only_a: list[str]
    only_b: list[str]

    @property
    def mean_change(self) -> float:
        return sum(p.change for p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    @property
    def better(self) -> int:
        return sum(1 for p in self.pairs if p.change > 0)

    @property
    def worse(self) -> int:
        return sum(1 for p in self.pairs if p.change < 0)

    def mean_change_by(self, field: str) -> dict[str, float]:
        """Mean paired change per personality or intention."""
        groups: dict[str, list[int]] = {}
        for pair in self.pairs:
            groups.setdefault(str(getattr(pair, field)), []).append(pair.change)
        return {name: sum(v) / len(v) for name, v in sorted(groups.items())}


def compare_dialogues(a: Sequence[Dialogue], b: Sequence[Dialogue]) -> Comparison:
    """Pair the dialogues of two runs by (profile, seed), in run A's order."""
    by_key_b = {d.key: d for d in b}
    keys_a = {d.key for d in a}
    pairs = [
        Pair(
            profile=da.profile,
            seed=da.seed,
            personality=da.personality,
            intention=da.intention,
            final_a=da.final_emotion,
            final_b=db.final_emotion,
            outcome_a=da.outcome,
            outcome_b=db.outcome,
            safety_a=da.safety_violations,
            safety_b=db.safety_violations,
        )
        for da in a
        if (db := by_key_b.get(da.key)) is not None
    ]
    return Comparison(
        pairs=pairs,
        only_a=[d.key for d in a if d.key not in by_key_b],
        only_b=[d.key for d in b if d.key not in keys_a],
    )
