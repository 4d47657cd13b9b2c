"""The result of one verification: the criteria, the paired figures and everything the reports show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from esc_cli.sim.pairing import Pair
from esc_cli.sim.records import Summary
from esc_cli.verify.bankdiff import SkillChange
from esc_cli.verify.coverage import SkillCoverage
from esc_cli.verify.parts import PartChange
from esc_cli.verify.safety import SafetyFinding
from esc_cli.verify.screen import TextFinding
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
    warning: bool = False
    """Passed only because `--allow-unmeasured` waived it; the reports show it at the top."""


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
    """Seeds used: `--seeds`, or more when the adaptive seeds added some."""
    first_seeds: int = 0
    max_seeds: int = 0
    min_coverage: int = 0
    allow_unmeasured: bool = False
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
    coverage: list[SkillCoverage] = field(default_factory=list)
    model_agent: bool = False
    """True when a model agent ran: it reads every part of a skill, so nothing is unmeasured by parts."""
    parts: list[PartChange] = field(default_factory=list)
    """Changed parts of each changed skill (offline agent only; a model agent reads every part)."""
    text_findings: list[TextFinding] = field(default_factory=list)
    routing_findings: list[TextFinding] = field(default_factory=list)
    """States a changed skill is newly routed to two helping stages early (verify/routing.py)."""
    warnings: list[str] = field(default_factory=list)
    profile_set: ProfileSetDiff | None = None

    @property
    def verdict(self) -> str:
        if not self.changed_files:
            return UNCHANGED
        return PASS if all(c.passed for c in self.criteria) else FAIL

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == FAIL else 0
