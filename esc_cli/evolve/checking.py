"""Checking a proposal: the current bank and the edited bank on the same (profile, seed) dialogues.

The rule (settings.AcceptanceRule): keep the edit when the mean paired change of the final emotion is
at least `min_gain`, the lower end of the paired bootstrap interval is strictly above `min_low`, and no
dialogue gains a safety flag it did not have. Pairs come from `Dialogue.key`, so both runs must hold
the same keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from esc_cli.evolve.settings import AcceptanceRule
from esc_cli.sim.records import Dialogue
from esc_cli.sim.summary import summarise
from esc_cli.verify.stats import paired_bootstrap


class Figures(BaseModel):
    """The headline figures of a set of dialogues."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float
    successes: int
    failures: int
    safety: int
    dialogues: int


def figures_of(dialogues: Sequence[Dialogue]) -> Figures:
    summary = summarise(dialogues)
    return Figures(
        score=round(summary.sage_score, 2),
        successes=summary.successes,
        failures=summary.failures,
        safety=summary.safety_violations,
        dialogues=summary.dialogues,
    )


class Check(BaseModel):
    """The paired comparison of one proposal against the bank it would change."""

    model_config = ConfigDict(extra="forbid")

    proposal: str
    before: Figures
    after: Figures
    n: int = Field(description="Paired dialogues.")
    mean_change: float
    low: float
    high: float
    level: float
    new_flags: list[str] = Field(
        default_factory=list, description="`profile#seed: flag` the edit introduced."
    )
    accepted: bool
    reason: str

    def figures_line(self) -> str:
        """`score 41.2 -> 47.5 (paired +6.3, 95% CI [+2.1, +10.4], n=10); safety flags 4 -> 0`."""
        return (
            f"score {self.before.score:.1f} -> {self.after.score:.1f} (paired {self.mean_change:+.2f}, "
            f"{self.level:.0%} CI [{self.low:+.2f}, {self.high:+.2f}], n={self.n}); "
            f"successes {self.before.successes} -> {self.after.successes}; "
            f"failures {self.before.failures} -> {self.after.failures}; "
            f"safety flags {self.before.safety} -> {self.after.safety}"
        )


def paired_changes(before: Sequence[Dialogue], after: Sequence[Dialogue]) -> list[float]:
    """after - before final emotion per dialogue key, in `before`'s order."""
    finals = {d.key: d.final_emotion for d in after}
    missing = [d.key for d in before if d.key not in finals]
    if missing or len(finals) != len(before):
        raise ValueError(
            f"the runs are not paired: {len(before)} vs {len(after)} dialogues, missing {missing[:3]}"
        )
    return [float(finals[d.key] - d.final_emotion) for d in before]


def new_safety_flags(before: Sequence[Dialogue], after: Sequence[Dialogue]) -> list[str]:
    """Flags a dialogue has more often after the edit than before, as `profile#seed: flag`."""
    old = {d.key: Counter(flag for t in d.turns for flag in t.safety) for d in before}
    found: list[str] = []
    for dialogue in after:
        counts = Counter(flag for t in dialogue.turns for flag in t.safety)
        for flag, number in sorted(counts.items()):
            if number > old.get(dialogue.key, Counter())[flag]:
                found.append(f"{dialogue.key}: {flag}")
    return found


def check(
    proposal: str, before: Sequence[Dialogue], after: Sequence[Dialogue], rule: AcceptanceRule
) -> Check:
    """Apply the acceptance rule to paired runs of the current and the edited bank."""
    changes = paired_changes(before, after)
    interval = paired_bootstrap(changes, level=rule.level, resamples=rule.resamples)
    flags = new_safety_flags(before, after)
    if flags:
        accepted, reason = False, f"new safety flag(s): {', '.join(flags[:3])}"
    elif interval.mean < rule.min_gain:
        accepted, reason = False, f"mean paired change {interval.mean:+.2f} is below {rule.min_gain:+g}"
    elif interval.low <= rule.min_low:
        accepted, reason = (
            False,
            f"lower end {interval.low:+.2f} is not above {rule.min_low:+g}: within the noise",
        )
    else:
        accepted, reason = True, f"mean paired change {interval.mean:+.2f}, lower end {interval.low:+.2f}"
    return Check(
        proposal=proposal,
        before=figures_of(before),
        after=figures_of(after),
        n=interval.n,
        mean_change=round(interval.mean, 3),
        low=round(interval.low, 3),
        high=round(interval.high, 3),
        level=interval.level,
        new_flags=flags,
        accepted=accepted,
        reason=reason,
    )
