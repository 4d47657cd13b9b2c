"""The knobs of evolution, with their defaults in one place."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from esc_cli.verify.stats import DEFAULT_LEVEL, DEFAULT_RESAMPLES

DEFAULT_ROUNDS = 2
DEFAULT_SEEDS = 2
DEFAULT_MAX_SEEDS = 8
DEFAULT_MAX_PROPOSALS = 8
BRANCH_PREFIX = "esc/evolve"


@dataclass(frozen=True)
class AnalysisSettings:
    """When a pattern in the traces is strong enough to report."""

    min_support: int = 2
    """Turns a pattern needs before it becomes a finding."""
    harm_threshold: float = -1.0
    """A skill 'hurts' where its mean change is at or below this (SAGE points per turn)."""


@dataclass(frozen=True)
class AcceptanceRule:
    """When a proposal is kept. Paired over the same (profile, seed) dialogues:

    - the mean change of the final emotion is at least `min_gain` points, and
    - the lower end of the `level` paired-bootstrap interval is strictly above `min_low` (0: better
      beyond the noise; a lower end of exactly 0 is not enough), and
    - no dialogue gains a safety flag it did not have.
    """

    min_gain: float = 0.5
    min_low: float = 0.0
    level: float = DEFAULT_LEVEL
    resamples: int = DEFAULT_RESAMPLES

    def describe(self) -> str:
        return (
            f"mean paired change >= {self.min_gain:+g}, lower end of the {self.level:.0%} paired bootstrap "
            f"interval > {self.min_low:+g}, and no new safety flag"
        )


@dataclass(frozen=True)
class EvolveSettings:
    """One evolution: how many rounds, seeds and proposals, and the rules it applies."""

    rounds: int = DEFAULT_ROUNDS
    seeds: int = DEFAULT_SEEDS
    max_seeds: int = DEFAULT_MAX_SEEDS
    """A proposal whose interval straddles its threshold (mean gain enough, lower end not above it)
    is checked again on twice the seeds, up to this many, before it is dropped as noise."""
    max_proposals: int = DEFAULT_MAX_PROPOSALS
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    acceptance: AcceptanceRule = field(default_factory=AcceptanceRule)

    def looked_rule(self) -> AcceptanceRule:
        """The acceptance rule at the level each check is taken at. A proposal may be checked once per
        doubling of the seeds and kept at the first check it passes, so each check's interval is
        taken at the Bonferroni level over the checks it may get (2, 4, 8 seeds: 3 checks, 98.3%):
        being kept by luck at one of them stays as unlikely as at a single check at `level`."""
        from esc_cli.verify.seeds import bonferroni_level, looks

        count = looks(self.seeds, self.max_seeds)
        return replace(self.acceptance, level=bonferroni_level(self.acceptance.level, count))
