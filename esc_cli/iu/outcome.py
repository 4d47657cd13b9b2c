"""The outcome of one intervention: which evidence decides the emotional change, and how strongly.

Evidence, strongest first; the strongest one present decides, and the IU records which it was:

1. `feedback`: the seeker's 1..5 helpfulness rating on their next turn, mapped 1 -> -10, 2 -> -5,
   3 -> 0, 4 -> +5, 5 -> +10 on the SAGE scale. A direct rating from the seeker beats any estimate.
2. `affect`: the VADER compound of the seeker's next turn minus that of their turn before the
   intervention, times 6 (so a shift of about 0.42 is a step and 1.25 a strong one; smaller VADER
   shifts are mostly noise), clipped to [-10, 10].
   Needs both seeker turns.
3. `survey`: the dialogue's pre-chat minus post-chat intensity (1..5) times 2.5. It says how the
   whole chat went, so it only decides where no local signal exists (e.g. the closing turn).
4. `failed-dialogue`: membership in FailedESConv (a dialogue rejected as failed): -5.

With none of these, the change is 0 and the evidence `none`. The direction is
`taxonomy.direction_of_delta(delta)`, and an IU is `key` where that direction is not neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

from esc_cli.data.dialogue import FAILURE
from esc_cli.taxonomy import direction_of_delta

FEEDBACK_DELTA: dict[int, float] = {1: -10.0, 2: -5.0, 3: 0.0, 4: 5.0, 5: 10.0}
AFFECT_SCALE = 6.0
SURVEY_SCALE = 2.5
FAILED_DELTA = -5.0
EVIDENCE_ORDER: tuple[str, ...] = ("feedback", "affect", "survey", "failed-dialogue", "none")


@dataclass(frozen=True, slots=True)
class Outcome:
    delta: float
    direction: str
    evidence: str

    @property
    def key(self) -> bool:
        return self.direction != "neutral"


# Each direction's sign, read off the taxonomy's own delta scale rather than spelled out here.
_SIGNS = {direction_of_delta(delta): (delta > 0) - (delta < 0) for delta in (-10.0, -5.0, 0.0, 5.0, 10.0)}


def direction_sign(direction: str) -> int:
    """+1 for the improved directions, -1 for the worsened ones, 0 for neutral."""
    return _SIGNS[direction]


def _clip(value: float) -> float:
    return max(-10.0, min(10.0, value))


def decide_outcome(
    *,
    feedback: int | None = None,
    affect_before: float | None = None,
    affect_after: float | None = None,
    survey_change: int | None = None,
    dialogue_outcome: str = "success",
) -> Outcome:
    """Apply the order of strength above to whatever evidence is present."""
    if feedback is not None:
        delta, evidence = FEEDBACK_DELTA[feedback], "feedback"
    elif affect_before is not None and affect_after is not None:
        delta, evidence = _clip(AFFECT_SCALE * (affect_after - affect_before)), "affect"
    elif survey_change is not None:
        delta, evidence = _clip(SURVEY_SCALE * survey_change), "survey"
    elif dialogue_outcome == FAILURE:
        delta, evidence = FAILED_DELTA, "failed-dialogue"
    else:
        delta, evidence = 0.0, "none"
    delta = round(delta, 2)
    return Outcome(delta, direction_of_delta(delta), evidence)
