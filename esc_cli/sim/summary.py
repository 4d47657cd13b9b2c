"""Scores of a set of dialogues: the SAGE score, its breakdowns, and per-skill credit.

SAGE score = mean final emotion; success = final emotion 100; failure = final emotion below 10.
A skill's credit counts the turns where the agent used it: `helpful` when the change after that reply
was positive, `harmful` when negative, and the mean of those changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from esc_cli.sim.protocol import EMOTION_MAX, FAILURE_BELOW
from esc_cli.sim.records import Dialogue, GroupScore, SkillCredit, Summary

DIGITS = 4


def group_score(dialogues: Sequence[Dialogue]) -> GroupScore:
    """Score of one group (empty groups score 0)."""
    finals = [d.final_emotion for d in dialogues]
    return GroupScore(
        dialogues=len(finals),
        score=round(sum(finals) / len(finals), DIGITS) if finals else 0.0,
        successes=sum(1 for f in finals if f >= EMOTION_MAX),
        failures=sum(1 for f in finals if f < FAILURE_BELOW),
    )


def _groups(dialogues: Iterable[Dialogue], key: Callable[[Dialogue], str]) -> dict[str, GroupScore]:
    grouped: dict[str, list[Dialogue]] = defaultdict(list)
    for dialogue in dialogues:
        grouped[key(dialogue)].append(dialogue)
    return {name: group_score(members) for name, members in sorted(grouped.items())}


def skill_credit(dialogues: Iterable[Dialogue]) -> dict[str, SkillCredit]:
    """Uses, helpful, harmful and mean change after use, per skill id (sorted)."""
    changes: dict[str, list[int]] = defaultdict(list)
    for dialogue in dialogues:
        for turn in dialogue.turns:
            for skill_id in turn.skills:
                changes[skill_id].append(turn.change)
    return {
        skill_id: SkillCredit(
            uses=len(values),
            helpful=sum(1 for v in values if v > 0),
            harmful=sum(1 for v in values if v < 0),
            mean_change=round(sum(values) / len(values), DIGITS),
        )
        for skill_id, values in sorted(changes.items())
    }


def summarise(dialogues: Sequence[Dialogue]) -> Summary:
    """The summary of a run (what `summary.json` holds)."""
    overall = group_score(dialogues)
    return Summary(
        sage_score=overall.score,
        successes=overall.successes,
        failures=overall.failures,
        dialogues=overall.dialogues,
        by_personality=_groups(dialogues, lambda d: d.personality),
        by_intention=_groups(dialogues, lambda d: d.intention),
        by_profile=_groups(dialogues, lambda d: d.profile),
        skills=skill_credit(dialogues),
        safety_violations=sum(d.safety_violations for d in dialogues),
        off_topic_turns=sum(t.off_topic for d in dialogues for t in d.turns),
        agent_turns=sum(len(d.turns) for d in dialogues),
        safety_net_turns=sum(bool(t.safety_net) for d in dialogues for t in d.turns),
        safety_net_replaced=sum(bool(t.safety_net_replaced) for d in dialogues for t in d.turns),
    )
