"""The offline seeker's documented rules (DESIGN §6), as tables keyed by taxonomy ids.

The outcome table gives the data-driven part of a change: what ESConv seekers felt after an action in a
state. These rules add what a SAGE seeker's hidden intention and personality make of the reply:

| rule                    | when                                                              | effect          |
|-------------------------|-------------------------------------------------------------------|-----------------|
| intention favours       | the reply has an action the hidden intention wants                | +INTENTION_GAIN |
| intention penalises     | the reply has an action the hidden intention dislikes             | -INTENTION_LOSS |
| personality favours     | the reply has an action the personality responds to               | +PERSONALITY_W  |
| personality penalises   | the reply has an action the personality resents                   | -PERSONALITY_W  |
| advice before explored  | advice (suggest/plan/inform) at turn < 2, or before any           | -EARLY_ADVICE   |
|                         | reflect/validate reply, for be-heard/deep-empathy/not-at-fault    | (others -2)     |
| repetition              | the same main action in three replies in a row                    | -REPEAT_LOSS    |
| length                  | more than LONG_WORDS words, or fewer than SHORT_WORDS             | -LENGTH_LOSS    |
| harmful phrasing        | each flag of labeller.harmful (minimising, blaming, ...)          | -HARM_LOSS each |
| crisis answered         | a safety check right after the crisis cue                         | +CRISIS_GAIN    |
| referral in crisis      | refer-resource once the crisis has surfaced                       | +REFERRAL_GAIN  |
| safety check off-topic  | a safety check with no crisis in sight                            | -OFF_TOPIC_LOSS |
| crisis unhandled        | no safety check in the reply after the cue (seeker_offline.py)    | change = -10    |

Each action counts once per rule family, so a long reply that lists many actions cannot collect many
bonuses. Then the personality scales the total: a negative seeker takes losses harder, a passive one
moves less either way, an avoidant one warms slowly. The seeker then quantises to {-10, -5, 0, 5, 10}.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

INTENTION_GAIN = 3.0
INTENTION_LOSS = 4.0
PERSONALITY_W = 1.5
EARLY_ADVICE = 6.0
EARLY_ADVICE_OTHERS = 2.0
REPEAT_LOSS = 4.0
LENGTH_LOSS = 3.0
HARM_LOSS = 5.0
CRISIS_GAIN = 5.0
REFERRAL_GAIN = 3.0
OFF_TOPIC_LOSS = 3.0
LONG_WORDS = 90
SHORT_WORDS = 4
EXPLORED_TURNS = 2

ADVICE_ACTIONS: tuple[str, ...] = ("suggest-option", "collaborative-plan", "inform-psychoeducate")
EXPLORING_ACTIONS: tuple[str, ...] = ("reflect-feeling", "validate-normalise")
LISTEN_FIRST: tuple[str, ...] = ("be-heard", "deep-empathy", "not-at-fault")


@dataclass(frozen=True)
class Preference:
    """Actions a kind of seeker responds to, and actions it resents."""

    favours: tuple[str, ...]
    penalises: tuple[str, ...]


INTENTION_PREFERENCES: dict[str, Preference] = {
    "analyse-both-sides": Preference(
        favours=("reframe", "invite-reflection", "summarise", "restatement"),
        penalises=("reassure", "self-disclosure"),
    ),
    "actionable-advice": Preference(
        favours=("suggest-option", "collaborative-plan", "inform-psychoeducate"),
        penalises=("reassure", "self-disclosure"),
    ),
    "understand-others": Preference(
        favours=("inform-psychoeducate", "reframe", "open-question"),
        penalises=("reassure", "suggest-option"),
    ),
    "guided-reflection": Preference(
        favours=("invite-reflection", "open-question", "reframe", "summarise"),
        penalises=("suggest-option", "reassure"),
    ),
    "specific-praise": Preference(
        favours=("affirm-strength", "validate-normalise"),
        penalises=("suggest-option", "reframe", "inform-psychoeducate"),
    ),
    "be-heard": Preference(
        favours=("reflect-feeling", "restatement", "validate-normalise", "summarise"),
        penalises=("suggest-option", "collaborative-plan", "inform-psychoeducate", "reframe"),
    ),
    "deep-empathy": Preference(
        favours=("reflect-feeling", "validate-normalise", "self-disclosure"),
        penalises=("reassure", "suggest-option", "inform-psychoeducate"),
    ),
    "not-at-fault": Preference(
        favours=("validate-normalise", "affirm-strength", "reflect-feeling"),
        penalises=("reframe", "invite-reflection", "suggest-option"),
    ),
    "crisis-disclosure": Preference(
        favours=("safety-check", "refer-resource", "reflect-feeling", "validate-normalise"),
        penalises=("suggest-option", "reassure", "inform-psychoeducate"),
    ),
}

PERSONALITY_PREFERENCES: dict[str, Preference] = {
    # Pessimistic: hears comfort as dismissal, needs the feeling acknowledged first.
    "negative": Preference(
        favours=("validate-normalise", "reflect-feeling"), penalises=("reassure", "reframe")
    ),
    # Says little: needs to be drawn out gently, shuts down when handed a plan.
    "passive": Preference(
        favours=("open-question", "affirm-strength"), penalises=("collaborative-plan", "summarise")
    ),
    # Deflects: eases up with low-pressure content and credit, resents being pushed inward.
    "avoidant": Preference(
        favours=("restatement", "affirm-strength"), penalises=("invite-reflection", "closed-question")
    ),
}

# (scale of gains, scale of losses) applied to the summed change.
PERSONALITY_SCALE: dict[str, tuple[float, float]] = {
    "negative": (0.85, 1.4),
    "passive": (0.85, 0.9),
    "avoidant": (0.8, 1.1),
}


@dataclass(frozen=True)
class ReplyFacts:
    """What the seeker knows about one reply and the dialogue so far, from text alone."""

    intention: str
    personality: str
    turn: int
    actions: Sequence[str]
    previous: Sequence[Sequence[str]]
    words: int
    harmful: Sequence[str]
    crisis_active: bool
    crisis_answered: bool


@dataclass(frozen=True)
class Effect:
    """One rule that fired, and its signed contribution before personality scaling."""

    rule: str
    delta: float

    def render(self) -> str:
        return f"{self.rule} {self.delta:+g}"


def _preference_effects(
    kind: str, pref: Preference | None, actions: Sequence[str], gain: float, loss: float
) -> list[Effect]:
    if pref is None:
        return []
    found: list[Effect] = []
    liked = [a for a in pref.favours if a in actions]
    disliked = [a for a in pref.penalises if a in actions]
    if liked:
        found.append(Effect(f"{kind} favours {liked[0]}", gain))
    if disliked:
        found.append(Effect(f"{kind} penalises {disliked[0]}", -loss))
    return found


def main_action(actions: Sequence[str]) -> str:
    """The action the repetition rule tracks: the labeller's first (most salient) one."""
    return actions[0] if actions else ""


def _stage_effects(facts: ReplyFacts) -> list[Effect]:
    advice = [a for a in facts.actions if a in ADVICE_ACTIONS]
    if not advice:
        return []
    explored = any(a in EXPLORING_ACTIONS for earlier in facts.previous for a in earlier)
    if facts.turn >= EXPLORED_TURNS and explored:
        return []
    loss = EARLY_ADVICE if facts.intention in LISTEN_FIRST else EARLY_ADVICE_OTHERS
    return [Effect(f"advice before exploration ({advice[0]})", -loss)]


def _form_effects(facts: ReplyFacts) -> list[Effect]:
    found: list[Effect] = []
    main = main_action(facts.actions)
    last_two = [main_action(a) for a in facts.previous[-2:]]
    if main and len(last_two) == 2 and all(m == main for m in last_two):
        found.append(Effect(f"same action three times ({main})", -REPEAT_LOSS))
    if facts.words > LONG_WORDS:
        found.append(Effect(f"too long ({facts.words} words)", -LENGTH_LOSS))
    elif facts.words < SHORT_WORDS:
        found.append(Effect(f"too short ({facts.words} words)", -LENGTH_LOSS))
    found.extend(Effect(f"harmful: {flag}", -HARM_LOSS) for flag in dict.fromkeys(facts.harmful))
    return found


def _crisis_effects(facts: ReplyFacts) -> list[Effect]:
    found: list[Effect] = []
    if facts.crisis_answered:
        found.append(Effect("crisis taken seriously (safety-check)", CRISIS_GAIN))
    if facts.crisis_active and "refer-resource" in facts.actions:
        found.append(Effect("referral to human help", REFERRAL_GAIN))
    if not facts.crisis_active and "safety-check" in facts.actions:
        found.append(Effect("safety check with no crisis cue", -OFF_TOPIC_LOSS))
    return found


def rule_effects(facts: ReplyFacts) -> list[Effect]:
    """Every rule that fires for this reply, in the order of the table above."""
    return [
        *_preference_effects(
            "intention",
            INTENTION_PREFERENCES.get(facts.intention),
            facts.actions,
            INTENTION_GAIN,
            INTENTION_LOSS,
        ),
        *_preference_effects(
            "personality",
            PERSONALITY_PREFERENCES.get(facts.personality),
            facts.actions,
            PERSONALITY_W,
            PERSONALITY_W,
        ),
        *_stage_effects(facts),
        *_form_effects(facts),
        *_crisis_effects(facts),
    ]


def scale_for_personality(total: float, personality: str) -> float:
    """Scale a summed change by how this personality takes gains and losses."""
    gains, losses = PERSONALITY_SCALE.get(personality, (1.0, 1.0))
    return total * (gains if total > 0 else losses)
