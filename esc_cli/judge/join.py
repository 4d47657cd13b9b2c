"""How the learned reading and the SAGE rules make one change (judge version 3).

The change after a reply starts from the learned reading (`reading.Reading.change`). The rules of
`esc_cli.sim.rules` then add what a SAGE seeker makes of it. They are of two sorts:

- **reading rules** read the reply's quality from keyword labels: the outcome table, whether the
  reply meets or misses what the seeker shows, keyword harm, and the run of on-target replies. They
  say the same thing the learned reading says, less well. Where one disagrees in sign with the learned
  reading (and the reading is at least AGREE_MARGIN away from 0), the learned reading wins and the
  rule is dropped (it stays in the reasoning, marked as overruled).
- **seeker rules** are about this seeker, not about the reply's quality: the hidden intention, the
  personality, advice before exploring, repetition, length, and every safety rule. They always apply.

A safety rule outranks the learned reading: where one fires against it (a reply that meets a crisis
cue with a safety check reads poorly to a judge trained on ordinary turns, since what follows such a
question is rarely cheerful), the learned reading is overruled instead.

A reply the reading finds off-topic loses OFF_TOPIC_LOSS more: talking past someone is the plainest
way to lose them.
"""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.judge.reading import Reading
from esc_cli.sim.rules import VISIBLE_MET, Effect

AGREE_MARGIN = 1.0
OFF_TOPIC_LOSS = 3.0
TABLE_RULE = "outcome table"
READING_RULES: tuple[str, ...] = (
    TABLE_RULE,
    VISIBLE_MET,
    "misses what the seeker shows",
    "harmful:",
    "understood",
    "relief met warmly",
)
SAFETY_RULES: tuple[str, ...] = (
    "crisis taken seriously",
    "referral to human help",
    "safety check with no crisis cue",
)
LEARNED_RULE = "learned reading"
OVERRULED = "overruled by the learned reading"
BY_SAFETY = "overruled by a safety rule"


def is_reading_rule(effect: Effect) -> bool:
    """True for rules that read the reply's quality from labels (see the module docstring)."""
    return effect.rule.startswith(READING_RULES)


def _against(delta: float, learned: float) -> bool:
    return abs(learned) >= AGREE_MARGIN and delta != 0 and (delta > 0) != (learned > 0)


def join_effects(reading: Reading, effects: Sequence[Effect]) -> list[Effect]:
    """The learned reading first, then every rule, with the reading rules it overrules zeroed."""
    learned = reading.change
    safety = [e for e in effects if e.rule.startswith(SAFETY_RULES)]
    if any(_against(e.delta, learned) for e in safety):
        return [Effect(f"{LEARNED_RULE} ({reading.render()}, {BY_SAFETY})", 0.0), *effects]
    joined = [Effect(f"{LEARNED_RULE} ({reading.render()})", learned)]
    if reading.off_topic:
        joined.append(Effect("reads as off-topic", -OFF_TOPIC_LOSS))
    for effect in effects:
        if is_reading_rule(effect) and _against(effect.delta, learned):
            joined.append(Effect(f"{effect.rule} ({OVERRULED})", 0.0))
        else:
            joined.append(effect)
    return joined
