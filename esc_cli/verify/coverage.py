"""Skill coverage: how often the verify run exercised each changed skill, on base and on head.

For every dialogue turn the router is replayed on what the run recorded (the seeker states the agent
read, the turn, the skills it used in its last two turns), so the counts are the agent's own:

- routed: the skill was among the skills routed for the turn (a model agent sees its text then);
- spoken: the agent's reply used the skill (the offline agent speaks one routed skill's line);
- eligible: the skill's `applies_when` held and its `avoid_when` did not (it could have been routed).

A skill is *exercised* on the turns where the agent used its text: spoken turns for the offline agent,
routed turns for a model agent. A change to a skill exercised on fewer than `--min-coverage` turns (on
the busier side) is not measured by the score, and criterion `coverage` says what would exercise it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from esc_cli.bank.model import Conditions, Skill
from esc_cli.sim.records import Dialogue
from esc_cli.sim.router import CRISIS_STATE, applies, route_skills

DEFAULT_MIN_COVERAGE = 10
RECENT_TURNS = 2


@dataclass(frozen=True)
class SideCount:
    """One skill's turns on one side."""

    routed: int = 0
    spoken: int = 0
    eligible: int = 0
    profiles: tuple[str, ...] = ()
    """Profiles where the skill was exercised."""
    eligible_profiles: tuple[str, ...] = ()
    active: bool = False
    """Whether the skill was active on this side (all counts are 0 when it was not)."""


@dataclass(frozen=True)
class SkillCoverage:
    """A changed skill's coverage on base and head; `exercised` counts the busier side."""

    skill: str
    base: SideCount
    head: SideCount
    by_routing: bool
    conditions: str = ""
    past_end: bool = False
    """The skill's turn window (as shown in `conditions`) starts after the dialogues' last turn."""

    def on(self, side: SideCount) -> int:
        return side.routed if self.by_routing else side.spoken

    @property
    def exercised(self) -> int:
        return max(self.on(self.base), self.on(self.head))

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.base.profiles) | set(self.head.profiles)))


def _count(skill_id: str, skills: Sequence[Skill], dialogues: Sequence[Dialogue], limit: int) -> SideCount:
    skill = next((s for s in skills if s.id == skill_id), None)
    if skill is None:  # not active on this side (added, removed or deprecated)
        return SideCount()
    routed = spoken = eligible = 0
    used_on: Counter[str] = Counter()
    eligible_on: Counter[str] = Counter()
    active = list(skills)
    for dialogue in dialogues:
        history: list[list[str]] = []
        for turn in dialogue.turns:
            recent = [s for used in history[-RECENT_TURNS:] for s in used]
            chosen = route_skills(list(turn.seeker_states), turn.index, active, recent=recent, limit=limit)
            history.append(list(turn.skills))
            is_routed = any(s.id == skill_id for s in chosen)
            is_spoken = skill_id in turn.skills
            routed += is_routed
            spoken += is_spoken
            crisis_turn = skill.meta.crisis and CRISIS_STATE in turn.seeker_states
            if crisis_turn or applies(skill, turn.seeker_states, turn.index):
                eligible += 1
                eligible_on[dialogue.profile] += 1
            if is_spoken or is_routed:
                used_on[dialogue.profile] += 1
    return SideCount(
        routed=routed,
        spoken=spoken,
        eligible=eligible,
        profiles=tuple(sorted(used_on)),
        eligible_profiles=tuple(sorted(eligible_on)),
        active=True,
    )


def _past_end(conditions: Conditions, max_turns: int) -> bool:
    return conditions.min_turn > max_turns - 1


def _window(conditions: Conditions, max_turns: int) -> str:
    last = conditions.max_turn if conditions.max_turn is not None else max_turns - 1
    if _past_end(conditions, max_turns):
        return f"turns from {conditions.min_turn}, past the dialogues' last turn ({max_turns - 1})"
    return f"turns {conditions.min_turn}-{last}"


def conditions_text(skill: Skill, max_turns: int) -> str:
    """When the skill can be routed, in words: states, turn window and what it avoids."""
    when = skill.meta.applies_when
    text = f"seeker states {', '.join(when.seeker_states) or '(none)'} in {_window(when, max_turns)}"
    avoid = skill.meta.avoid_when
    if avoid.seeker_states:
        text += f", not when {', '.join(avoid.seeker_states)}"
    elif avoid.min_turn > 0 or avoid.max_turn is not None:
        text += f", not in {_window(avoid, max_turns)}"
    if skill.meta.crisis:
        text += ", and first whenever a crisis cue shows"
    return text


def skill_coverage(
    skill_ids: Sequence[str],
    base: tuple[Sequence[Skill], Sequence[Dialogue]],
    head: tuple[Sequence[Skill], Sequence[Dialogue]],
    *,
    by_routing: bool,
    limit: int,
    max_turns: int,
) -> list[SkillCoverage]:
    """Coverage of each skill id on base and head (skills are the active skills each side ran)."""
    found: list[SkillCoverage] = []
    for skill_id in skill_ids:
        head_skill = next((s for s in head[0] if s.id == skill_id), None)
        base_skill = next((s for s in base[0] if s.id == skill_id), None)
        shown = head_skill or base_skill
        found.append(
            SkillCoverage(
                skill=skill_id,
                base=_count(skill_id, base[0], base[1], limit),
                head=_count(skill_id, head[0], head[1], limit),
                by_routing=by_routing,
                conditions=conditions_text(shown, max_turns) if shown is not None else "not active",
                past_end=shown is not None and _past_end(shown.meta.applies_when, max_turns),
            )
        )
    return found


def unreachable(rows: Sequence[SkillCoverage], active: set[str], minimum: int) -> list[SkillCoverage]:
    """Changed skills, still active on head, that base exercised on at least `minimum` turns and whose
    conditions held on no turn of head's run: the change took them out of every verify profile's
    reach (retiring a skill is `status: deprecated`, which this does not count). A skill narrowed to
    turns where other skills rank first is still reachable: coverage speaks for it."""
    return [r for r in rows if r.skill in active and r.on(r.base) >= max(minimum, 1) and r.head.eligible == 0]


def reach_detail(lost: Sequence[SkillCoverage], profile_set: str) -> str:
    """The `reach` criterion's message: each skill the change made unreachable, and what to do."""
    if not lost:
        return (
            "no changed skill lost every turn it had on base (removed and deprecated skills are "
            "retired on purpose and not counted; they are listed under the skills that changed)"
        )
    verb = "routed" if lost[0].by_routing else "spoken"
    return " | ".join(
        f"{row.skill} {verb} on {row.on(row.base)} turn(s) on base; on head its conditions held on no "
        f"turn: the change leaves it out of reach of every profile in {profile_set} (it now needs "
        f"{row.conditions}). To retire "
        "a skill, set status: deprecated; to keep it, widen its applies_when"
        for row in lost
    )


def coverage_detail(short: Sequence[SkillCoverage], minimum: int, profile_set: str) -> str:
    """The criterion's message: each under-exercised skill and what would exercise it."""
    if not short:
        return f"every changed skill exercised on at least {minimum} turns"
    parts: list[str] = []
    for row in short:
        verb = "routed" if row.by_routing else "spoken"
        side = row.head if row.head.active else row.base  # the side whose conditions `conditions` shows
        eligible = list(side.eligible_profiles)
        where = (
            f"its conditions held on {side.eligible} turn(s), in "
            f"{', '.join(eligible[:4])}{' …' if len(eligible) > 4 else ''} (other skills ranked first there)"
            if eligible
            else f"no profile in {profile_set} reached its conditions"
        )
        if row.past_end:
            fix = "lower its min_turn into the dialogues' turns"
        else:
            outranked = ", or raise its priority if it should win there" if eligible else ""
            fix = f"add profiles to {profile_set} whose seekers show those states in that window{outranked}"
        parts.append(
            f"{row.skill} {verb} on {row.exercised} turn(s) (< {minimum}); it needs {row.conditions}; "
            f"{where}. To exercise it, {fix}"
        )
    return " | ".join(parts)
