"""Risks from failed IUs: seeker behaviours and harmful phrasing that mark interventions gone wrong.

A label is a *warning sign* when, over all key IUs, it is at least `risk_ratio` times as frequent
after a worsened IU as after an improved one; a skill's risks are the warning signs seen most often
after its own worsened IUs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from esc_cli import taxonomy
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.phrasing import is_phrasing_flag, phrasing_description, phrasing_flags
from esc_cli.discover.prototypes import improved, worsened
from esc_cli.iu.records import IU


@dataclass(frozen=True)
class RiskFinding:
    """A pattern that is more common after failed IUs than after successful ones."""

    id: str
    description: str
    ius: tuple[str, ...]
    failed: int
    """How many worsened IUs the pattern was looked for in."""


def _labels(iu: IU) -> set[str]:
    """The behaviours after an IU and the harmful phrasing in it."""
    return {*iu.outcome.behaviours, *phrasing_flags(iu.action.text)}


def _shares(ius: Sequence[IU]) -> tuple[Counter[str], Counter[str], int, int]:
    failed: Counter[str] = Counter()
    good: Counter[str] = Counter()
    n_failed = n_good = 0
    for iu in ius:
        if worsened(iu):
            failed.update(_labels(iu))
            n_failed += 1
        elif improved(iu):
            good.update(_labels(iu))
            n_good += 1
    return failed, good, n_failed, n_good


def warning_signs(ius: Sequence[IU], config: DiscoveryConfig) -> frozenset[str]:
    """Labels at least `risk_ratio` times as frequent after worsened key IUs as after improved ones,
    over all IUs: escalating distress is a warning sign, elaborating (common after any move) is not."""
    failed, good, n_failed, n_good = _shares(ius)
    if not n_failed:
        return frozenset()
    return frozenset(
        label
        for label, count in failed.items()
        if count / n_failed >= config.risk_ratio * (good[label] / n_good if n_good else 0.0)
    )


def risk_findings(
    family_ius: Sequence[IU], signs: frozenset[str], config: DiscoveryConfig
) -> tuple[RiskFinding, ...]:
    """The warning signs seen after this family's worsened IUs, most frequent first."""
    failed = [iu for iu in family_ius if worsened(iu)]
    members: dict[str, list[str]] = defaultdict(list)
    for iu in failed:
        for label in _labels(iu) & signs:
            members[label].append(iu.id)
    floor = max(2, config.min_support // 4)
    chosen = sorted(
        (label for label in members if len(members[label]) >= floor), key=lambda k: (-len(members[k]), k)
    )
    return tuple(
        RiskFinding(
            label,
            risk_text(label, len(members[label]), len(failed)),
            tuple(sorted(members[label])),
            len(failed),
        )
        for label in chosen[: config.max_risks]
    )


def risk_text(label: str, count: int, failed: int) -> str:
    """The risk in words, with its count among the worsened IUs of the action family."""
    where = f"{count} of the {failed} IUs where this strategy was followed by a worse state"
    if is_phrasing_flag(label):
        return f"{phrasing_description(label)} Seen in {where}."
    sentence = taxonomy.definition(label)
    return f"In {where}, {sentence[0].lower()}{sentence[1:]}"
