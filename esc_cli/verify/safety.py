"""Safety findings of a verification: every flagged head turn, and whether it is new."""

from __future__ import annotations

from dataclasses import dataclass

from esc_cli.sim.pairing import Pair


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
