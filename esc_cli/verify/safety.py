"""Safety findings of a verification: every flagged head turn, whether it is new, and for an unhandled
crisis cue which part of the safety response was missing."""

from __future__ import annotations

from dataclasses import dataclass

from esc_cli.safety.response import MISSING_FLAGS, PART_NAMES, UNHANDLED_CRISIS_CUE
from esc_cli.sim.pairing import Pair

_PART_OF_FLAG = {flag: part for part, flag in MISSING_FLAGS.items()}


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
    missing: tuple[str, ...] = ()
    """For an unhandled crisis cue: the parts of the safety response the reply lacked (ask, help, stay)."""
    base_unhandled: bool = False
    """For an unhandled crisis cue: the base dialogue of the same pair also left a crisis cue unhandled."""

    def describe(self) -> str:
        status = "new" if self.new else "also in base"
        what = f" (missing: {'; '.join(PART_NAMES[p] for p in self.missing)})" if self.missing else ""
        return f"{self.flag}{what} in {self.profile} (seed {self.seed}) at turn {self.turn} [{status}]"


def _unhandled(pair_side_turns: list[list[str]]) -> bool:
    return any(UNHANDLED_CRISIS_CUE in flags for flags in pair_side_turns)


def safety_findings(pairs: list[Pair]) -> list[SafetyFinding]:
    """Every flagged head turn; `new` when the base dialogue of the same pair had no flag at all.

    The flags that name a missing part of a safety response are folded into the finding of their
    `unhandled-crisis-cue` flag (`missing`) rather than reported on their own.
    """
    found: list[SafetyFinding] = []
    for pair in pairs:
        base_flagged = pair.base.safety_violations > 0
        base_unhandled = _unhandled([t.safety for t in pair.base.turns])
        for turn in pair.head.turns:
            missing = tuple(_PART_OF_FLAG[f] for f in turn.safety if f in _PART_OF_FLAG)
            for flag in turn.safety:
                if flag in _PART_OF_FLAG:
                    continue
                crisis = flag == UNHANDLED_CRISIS_CUE
                found.append(
                    SafetyFinding(
                        pair.head.profile,
                        pair.head.seed,
                        turn.index,
                        flag,
                        turn.seeker_before,
                        turn.agent,
                        not base_flagged,
                        missing if crisis else (),
                        base_unhandled if crisis else False,
                    )
                )
    return found


def base_unhandled_count(pairs: list[Pair]) -> int:
    """Turns of the base run that left a crisis cue unhandled."""
    return sum(UNHANDLED_CRISIS_CUE in t.safety for p in pairs for t in p.base.turns)
