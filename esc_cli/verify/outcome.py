"""The result of one verification: the criteria, the paired figures and everything the reports show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from esc_cli.sim.pairing import Pair
from esc_cli.sim.records import Summary
from esc_cli.verify.bankdiff import SkillChange
from esc_cli.verify.safety import SafetyFinding
from esc_cli.verify.stats import Interval

if TYPE_CHECKING:  # profileset imports Criterion from here
    from esc_cli.verify.profileset import ProfileSetDiff

PASS = "pass"
FAIL = "fail"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Criterion:
    """One gate criterion; each becomes a JUnit test case."""

    name: str
    passed: bool
    detail: str


@dataclass
class VerifyOutcome:
    base_ref: str
    head_ref: str
    base_sha: str
    changed_files: list[str]
    engine: str
    note: str = ""
    head_sha: str = ""
    """The commit of the head; empty for the working tree, which has none."""
    margin: float = 0.0
    level: float = 0.95
    require_improvement: bool = False
    seeds: int = 0
    profiles: int = 0
    skill_changes: list[SkillChange] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    overall: Interval | None = None
    by_personality: dict[str, Interval] = field(default_factory=dict)
    by_intention: dict[str, Interval] = field(default_factory=dict)
    base_summary: Summary | None = None
    head_summary: Summary | None = None
    pairs: list[Pair] = field(default_factory=list)
    safety: list[SafetyFinding] = field(default_factory=list)
    profile_set: ProfileSetDiff | None = None

    @property
    def verdict(self) -> str:
        if not self.changed_files:
            return UNCHANGED
        return PASS if all(c.passed for c in self.criteria) else FAIL

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == FAIL else 0
