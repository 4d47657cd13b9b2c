"""Profile-specific failures: a skill that helps on average but hurts one personality or intention.

The agent never sees a seeker's personality or hidden intention, so a finding is restated in what it
can see: the seeker states (and early turns) where the skill's use went wrong for that group. The
edit a proposer makes from it is then a condition the router can check.
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.evolve.findings import HURTS_GROUP, Category, Finding, finding_id
from esc_cli.evolve.settings import AnalysisSettings
from esc_cli.evolve.traces import (
    Subject,
    TurnView,
    early_window,
    group_by,
    mean_change,
    summarise_group,
    window_words,
)
from esc_cli.sim.router import CRISIS_STATE

CATEGORY: Category = "profile-specific-failure"
GROUP_FIELDS = ("personality", "intention")
_FIELD_WORDS = {"personality": "whose personality is", "intention": "whose hidden intention is"}


def _by_field(views: Sequence[TurnView], name: str) -> dict[str, list[TurnView]]:
    """Turns grouped by a dialogue field the analyst knows and the agent does not."""
    return group_by(views, lambda v: [str(getattr(v.dialogue, name))])


def profile_findings(
    views: Sequence[TurnView], run: str, total: int, settings: AnalysisSettings
) -> list[Finding]:
    used = [v for v in views if v.primary_skill and CRISIS_STATE not in v.states]
    found: list[Finding] = []
    for skill, turns in group_by(used, lambda v: [v.primary_skill]).items():
        overall = mean_change(turns)
        if overall <= 0:
            continue
        for name in GROUP_FIELDS:
            for value, group in _by_field(turns, name).items():
                finding = _group_finding(skill, name, value, group, turns, overall, run, total, settings)
                if finding is not None:
                    found.append(finding)
    return found


def _group_finding(
    skill: str,
    name: str,
    value: str,
    group: Sequence[TurnView],
    turns: Sequence[TurnView],
    overall: float,
    run: str,
    total: int,
    settings: AnalysisSettings,
) -> Finding | None:
    if len(group) < settings.min_support or mean_change(group) > settings.harm_threshold:
        return None
    by_state = group_by(group, lambda v: v.states)
    hurt = sorted(
        (s for s, g in by_state.items() if mean_change(g) < 0), key=lambda s: (mean_change(by_state[s]), s)
    )
    if not hurt:
        return None
    states = hurt[:3]
    bad = [v for v in group if set(v.states) & set(states)]
    window = early_window(bad, turns, limit=3)
    seen = f"'{', '.join(states)}'" + window_words(window)
    subject = Subject(
        id=finding_id(CATEGORY, HURTS_GROUP, skill, f"{name}={value}"),
        category=CATEGORY,
        kind=HURTS_GROUP,
        summary=(
            f"'{skill}' helps on average (mean change {overall:+.1f} over {len(turns)} turns) but hurts seekers "
            f"{_FIELD_WORDS[name]} '{value}' (mean {mean_change(group):+.1f} over {len(group)} turns); "
            f"the agent can see it when the seeker is {seen}."
        ),
        skill=skill,
        states=tuple(states),
        max_turn=window,
        group=f"{name}={value}",
    )
    return summarise_group(subject, bad, run, total)
