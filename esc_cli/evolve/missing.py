"""Missing skills: turns where no skill applied, or where emotion fell in a state no skill covers."""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.bank.model import Skill
from esc_cli.evolve.findings import NO_CRISIS_SKILL, NO_SKILL, UNCOVERED_STATE, Category, Finding, finding_id
from esc_cli.evolve.settings import AnalysisSettings
from esc_cli.evolve.traces import Subject, TurnView, group_by, mean_change, summarise_group
from esc_cli.sim.crisis import UNHANDLED_CRISIS_CUE
from esc_cli.sim.router import CRISIS_STATE

CATEGORY: Category = "missing-skill"


def covered_states(skills: Sequence[Skill]) -> set[str]:
    """States that at least one active skill lists in `applies_when`."""
    return {
        s for skill in skills if skill.meta.status == "active" for s in skill.meta.applies_when.seeker_states
    }


def missing_skill_findings(
    views: Sequence[TurnView],
    skills: Sequence[Skill],
    run: str,
    total: int,
    settings: AnalysisSettings,
) -> list[Finding]:
    found = _no_crisis_skill(views, skills, run, total)
    # Turns on a crisis cue belong to the crisis findings, whatever else the seeker's words showed.
    calm = [v for v in views if not v.turn.safety and CRISIS_STATE not in v.states]
    bare = [v for v in calm if not v.turn.skills]
    for state, group in group_by(bare, lambda v: v.states).items():
        if len(group) < settings.min_support:
            continue
        subject = Subject(
            id=finding_id(CATEGORY, NO_SKILL, state),
            category=CATEGORY,
            kind=NO_SKILL,
            summary=(
                f"No skill applied on {len(group)} turn(s) where the seeker was '{state}' "
                f"(mean change {mean_change(group):+.1f})."
            ),
            states=(state,),
            max_turn=max(v.turn.index for v in group),
        )
        found.append(summarise_group(subject, group, run, total))
    covered = covered_states(skills)
    falls = [v for v in calm if v.turn.skills and v.turn.change < 0]
    uncovered = group_by(falls, lambda v: [s for s in v.states if s not in covered])
    for state, group in uncovered.items():
        if len(group) < settings.min_support:
            continue
        subject = Subject(
            id=finding_id(CATEGORY, UNCOVERED_STATE, state),
            category=CATEGORY,
            kind=UNCOVERED_STATE,
            summary=(
                f"Emotion fell on {len(group)} turn(s) where the seeker was '{state}', a state no skill "
                f"lists in applies_when (mean change {mean_change(group):+.1f})."
            ),
            states=(state,),
        )
        found.append(summarise_group(subject, group, run, total))
    return found


def _no_crisis_skill(
    views: Sequence[TurnView], skills: Sequence[Skill], run: str, total: int
) -> list[Finding]:
    if any(s.meta.crisis and s.meta.status == "active" for s in skills):
        return []
    cues = [v for v in views if CRISIS_STATE in v.states or UNHANDLED_CRISIS_CUE in v.turn.safety]
    if not cues:
        return []
    subject = Subject(
        id=finding_id(CATEGORY, NO_CRISIS_SKILL),
        category=CATEGORY,
        kind=NO_CRISIS_SKILL,
        summary=(
            f"The bank has no active crisis skill, and {len(cues)} turn(s) in "
            f"{len({v.key for v in cues})} dialogue(s) carried crisis cues."
        ),
        states=(CRISIS_STATE,),
        flag=UNHANDLED_CRISIS_CUE,
        floor=0.95,
    )
    return [summarise_group(subject, cues, run, total)]
