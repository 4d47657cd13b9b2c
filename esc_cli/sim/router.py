"""Skill routing: which skills of the bank fit the seeker's states at this turn.

Pure and deterministic, with no side effects on import: the agent calls it every turn, and
`esc eval strategy` calls it on every supporter turn of ESConv test.

Rules, in order:
1. A skill is a candidate when its `applies_when.seeker_states` share a state with the seeker's, the
   turn lies in its `[min_turn, max_turn]`, and its `avoid_when` does not hold.
   `avoid_when` holds when the turn lies in its window and either one of its states is present or it
   lists no states but narrows the window (so `avoid_when: {max_turn: 1}` means "not in turns 0-1").
2. When 'crisis-risk' is among the states, every crisis skill comes first, whatever its conditions.
3. Skills used in the recent turns (`recent`) drop out, unless nothing else is left.
4. The rest rank by a fit score, highest first, then by id:
   fit = STAGE_WEIGHT x stage fit + states covered + priority.
   Stage fit rewards the stage that fits the seeker's states (the taxonomy's stage of each state) and
   the stage that fits the turn (exploration early, comforting next, action later). Priority adds to
   the score, so small priorities break ties and a large one (above STAGE_WEIGHT) overrides stage
   preference on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli import taxonomy
from esc_cli.bank.model import Conditions, Skill, SkillMeta

CRISIS_STATE = "crisis-risk"
STAGE_WEIGHT = 3
# The helping stage that fits a 0-based supporter turn: exploration first, then comforting, then action.
TURN_STAGES: tuple[tuple[int, str], ...] = ((0, "exploration"), (2, "comforting"), (4, "action"))
_STAGE_ORDER = {stage: index for index, stage in enumerate(taxonomy.STAGE_IDS)}


def turn_stage(turn: int) -> str:
    """The stage that fits a supporter turn."""
    stage = TURN_STAGES[0][1]
    for first_turn, name in TURN_STAGES:
        if turn >= first_turn:
            stage = name
    return stage


def _in_window(conditions: Conditions, turn: int) -> bool:
    return conditions.min_turn <= turn and (conditions.max_turn is None or turn <= conditions.max_turn)


def applies(skill: Skill, states: Sequence[str], turn: int) -> bool:
    """True when the skill's `applies_when` holds and its `avoid_when` does not."""
    return _applies(skill.meta, frozenset(states), turn)


def _applies(meta: SkillMeta, states: frozenset[str], turn: int) -> bool:
    when = meta.applies_when
    if states.isdisjoint(when.seeker_states) or not _in_window(when, turn):
        return False
    return not _avoided(meta, states, turn)


def avoided(skill: Skill, states: Sequence[str], turn: int) -> bool:
    """True when the skill's `avoid_when` holds at this turn for these states."""
    return _avoided(skill.meta, frozenset(states), turn)


def _avoided(meta: SkillMeta, states: frozenset[str], turn: int) -> bool:
    avoid = meta.avoid_when
    if not _in_window(avoid, turn):
        return False
    if avoid.seeker_states:
        return not states.isdisjoint(avoid.seeker_states)
    return avoid.min_turn > 0 or avoid.max_turn is not None


def stage_fit(stage: str, states: Sequence[str], turn: int) -> float:
    """How well a stage fits: 1 when it is the stage of a seeker state, plus up to 1 for the turn."""
    state_stages = {taxonomy.stage_of_state(s) for s in states if s in taxonomy.STATE_IDS}
    by_state = 1.0 if stage in state_stages else 0.0
    distance = abs(_STAGE_ORDER[stage] - _STAGE_ORDER[turn_stage(turn)])
    by_turn = 1.0 - distance / 2
    return by_state + by_turn


def fit_score(skill: Skill, states: Sequence[str], turn: int) -> float:
    """The ranking score of a candidate (see the module docstring)."""
    covered = len(set(skill.meta.applies_when.seeker_states) & set(states))
    return STAGE_WEIGHT * stage_fit(skill.meta.stage, states, turn) + covered + skill.meta.priority


def route_skills(
    states: list[str],
    turn: int,
    skills: list[Skill],
    *,
    recent: Sequence[str] = (),
    limit: int = 2,
) -> list[Skill]:
    """The skills to use for this turn, best first, at most `limit` (crisis skills come first).

    `states` are the seeker state ids read in the seeker's last message, `turn` the 0-based supporter
    turn, and `recent` the ids of skills the agent used in its last two turns.
    """
    shown = frozenset(states)
    crisis = [s for s in skills if s.meta.crisis] if CRISIS_STATE in shown else []
    crisis.sort(key=lambda s: (-s.meta.priority, s.meta.id))
    first = {s.meta.id for s in crisis}
    candidates = [s for s in skills if s.meta.id not in first and _applies(s.meta, shown, turn)]
    avoid = set(recent)
    fresh = [s for s in candidates if s.meta.id not in avoid]
    pool = fresh or candidates
    if len(pool) > 1:
        stages = {
            stage: STAGE_WEIGHT * stage_fit(stage, states, turn) for stage in {s.meta.stage for s in pool}
        }
        pool.sort(
            key=lambda s: (
                -(
                    stages[s.meta.stage]
                    + len(shown.intersection(s.meta.applies_when.seeker_states))
                    + s.meta.priority
                ),
                s.meta.id,
            )
        )
    return (crisis + pool)[: max(limit, 0)]
