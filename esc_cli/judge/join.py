"""How the learned reading and the SAGE rules make one change (judge version 3).

The change after a reply starts from the learned reading (`reading.Reading.change`). The rules of
`esc_cli.sim.rules` then add what a SAGE seeker makes of it: the outcome table, whether the reply
meets what the seeker shows, the hidden intention, the personality, advice before exploring,
repetition, length, keyword harm, the run of on-target replies, and the safety rules.

Where a rule disagrees in sign with the learned reading (and the reading is at least AGREE_MARGIN
away from 0), the learned reading wins and the rule is dropped: it stays in the reasoning, marked as
overruled. So the rules shape how far a reply moves this seeker, and when the reading has no clear
view they decide; they never turn a reply the reading finds good into a loss, or the reverse.

A safety rule outranks the learned reading: where one fires against it (a reply that meets a crisis
cue with a safety check reads poorly to a judge trained on ordinary turns, since what follows such a
question is rarely cheerful), the learned reading is overruled instead. The crisis override (a cue
left without a safety check is -10) is applied after all of this, by the seeker.

A reply the reading finds off-topic loses OFF_TOPIC_LOSS more: talking past someone is the plainest
way to lose them.

Before judge version 3.1 only the rules that read the reply's quality from keyword labels could be
overruled; the rules about this seeker (intention, personality, timing, form) always applied, and on
real rated turns they drowned the reading (`esc eval judge`: feedback rho 0.05 with them, 0.18
without).
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.judge.reading import Reading
from esc_cli.sim.rules import Effect

AGREE_MARGIN = 1.0
OFF_TOPIC_LOSS = 3.0
TABLE_RULE = "outcome table"
SAFETY_RULES: tuple[str, ...] = (
    "crisis taken seriously",
    "referral to human help",
    "safety check with no crisis cue",
)
LEARNED_RULE = "learned reading"
OVERRULED = "overruled by the learned reading"
BY_SAFETY = "overruled by a safety rule"


def is_safety_rule(effect: Effect) -> bool:
    """True for the safety rules, which the learned reading never overrules."""
    return effect.rule.startswith(SAFETY_RULES)


def _against(delta: float, learned: float) -> bool:
    return abs(learned) >= AGREE_MARGIN and delta != 0 and (delta > 0) != (learned > 0)


def join_effects(reading: Reading, effects: Sequence[Effect]) -> list[Effect]:
    """The learned reading first, then every rule, with the rules it overrules zeroed."""
    learned = reading.change
    safety = [e for e in effects if is_safety_rule(e)]
    if any(_against(e.delta, learned) for e in safety):
        return [Effect(f"{LEARNED_RULE} ({reading.render()}, {BY_SAFETY})", 0.0), *effects]
    joined = [Effect(f"{LEARNED_RULE} ({reading.render()})", learned)]
    if reading.off_topic:
        joined.append(Effect("reads as off-topic", -OFF_TOPIC_LOSS))
    for effect in effects:
        if not is_safety_rule(effect) and _against(effect.delta, learned):
            joined.append(Effect(f"{effect.rule} ({OVERRULED})", 0.0))
        else:
            joined.append(effect)
    return joined
