"""The offline seeker's documented rules (DESIGN §6), as tables keyed by taxonomy ids.

The outcome table gives the data-driven part of a change: what ESConv seekers felt after an action in a
state. These rules add what a SAGE seeker makes of the reply: whether it serves the visible goal (what
the seeker's last message shows, read by the labeller) and the hidden goal (the profile's intention),
and what its personality makes of it:

| rule                    | when                                                              | effect          |
|-------------------------|-------------------------------------------------------------------|-----------------|
| visible goal met        | the reply has an action that answers a state the seeker shows     | +VISIBLE_GAIN   |
|                         | (`STATE_NEEDS`), and none that state resents                      |                 |
| visible goal missed     | the reply has an action a state the seeker shows resents          | -VISIBLE_LOSS   |
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
| feeling understood      | the reply is on target (visible goal met, no rule above took      | +STREAK_GAIN x  |
|                         | anything off) and so was the one before: n on-target replies in a | min(n - 1,      |
|                         | row. Being understood turn after turn is what lifts a seeker      | STREAK_CAP)     |
| crisis unhandled        | no safety check in the reply after the cue (seeker_offline.py)    | change = -10    |

Each action counts once per rule family, so a long reply that lists many actions cannot collect many
bonuses. Then the personality scales the total: a negative seeker takes losses harder, a passive one
moves less either way, an avoidant one warms slowly. The seeker then quantises to {-10, -5, 0, 5, 10}.
With these weights a reply that meets the seeker's visible state moves them up a little on average, a
run of such replies that also serve the hidden intention brings them to 100 within the 10 turns, and
generic or mistimed replies (advice to a venting or resisting seeker, questions to a withdrawn one)
wear them down.
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
VISIBLE_GAIN = 1.0
VISIBLE_LOSS = 3.0
STREAK_GAIN = 3.0
STREAK_CAP = 3
STREAK_PLAIN = 0.5
RELIEF_GAIN = 4.0
RELIEF_STATES = frozenset({"relief", "closing"})
CRISIS = "crisis-risk"
VISIBLE_MET = "meets what the seeker shows"
INTENTION_MET = "intention favours"

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

# The visible goal: what a reply must do for what the seeker's last message shows (seeker state ids, as
# the labeller reads them), and what that state resents. A message that leads with a crisis cue has
# only the crisis as its visible goal; failing it is left to the crisis rules.
STATE_NEEDS: dict[str, Preference] = {
    "crisis-risk": Preference(
        favours=("safety-check", "refer-resource", "reflect-feeling", "validate-normalise"),
        penalises=(),
    ),
    "opening": Preference(
        favours=("greet-close", "open-question", "reflect-feeling", "reassure"),
        penalises=("suggest-option", "collaborative-plan", "inform-psychoeducate", "reframe"),
    ),
    "venting": Preference(
        favours=("reflect-feeling", "restatement", "validate-normalise", "summarise"),
        penalises=("suggest-option", "collaborative-plan", "reframe", "inform-psychoeducate"),
    ),
    "emotion-unnamed": Preference(
        favours=("reflect-feeling", "open-question", "restatement"),
        penalises=("suggest-option", "collaborative-plan", "reframe"),
    ),
    "self-blame": Preference(
        favours=("validate-normalise", "affirm-strength", "reflect-feeling", "reframe"),
        penalises=("suggest-option", "closed-question"),
    ),
    "hopelessness": Preference(
        favours=("reflect-feeling", "validate-normalise", "affirm-strength"),
        penalises=("suggest-option", "collaborative-plan", "inform-psychoeducate"),
    ),
    "overwhelm": Preference(
        favours=("reflect-feeling", "validate-normalise", "summarise", "reassure"),
        penalises=("suggest-option",),
    ),
    "anger-at-others": Preference(
        favours=("reflect-feeling", "validate-normalise", "restatement"),
        penalises=("reframe", "suggest-option"),
    ),
    "loneliness": Preference(
        favours=("reflect-feeling", "validate-normalise", "self-disclosure", "reassure"),
        penalises=("inform-psychoeducate",),
    ),
    "worry-future": Preference(
        favours=("validate-normalise", "reassure", "reflect-feeling", "inform-psychoeducate"),
        penalises=(),
    ),
    "seeking-advice": Preference(
        favours=("suggest-option", "collaborative-plan", "inform-psychoeducate", "invite-reflection"),
        penalises=(),
    ),
    "resistance": Preference(
        favours=("restatement", "reflect-feeling", "validate-normalise"),
        penalises=("suggest-option", "reframe", "inform-psychoeducate", "collaborative-plan"),
    ),
    "withdrawal": Preference(
        favours=("validate-normalise", "affirm-strength", "reflect-feeling"),
        penalises=("open-question", "invite-reflection", "suggest-option", "collaborative-plan"),
    ),
    "relief": Preference(
        favours=(
            "affirm-strength",
            "collaborative-plan",
            "invite-reflection",
            "greet-close",
            "validate-normalise",
            "reflect-feeling",
            "restatement",
            "summarise",
            "suggest-option",
            "reassure",
        ),
        penalises=(),
    ),
    "closing": Preference(
        favours=("greet-close", "affirm-strength", "reassure", "validate-normalise", "summarise"),
        penalises=("open-question", "invite-reflection", "closed-question"),
    ),
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
    states: Sequence[str] = ()
    """The seeker states of the message the reply answers (the visible goal)."""
    streak: int = 0
    """How many on-target replies came right before this one."""


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


def visible_goal(facts: ReplyFacts) -> tuple[list[str], list[str]]:
    """(met, missed): the reply's actions that answer the seeker's shown states, and those they resent."""
    shown = list(facts.states[:1]) if list(facts.states[:1]) == [CRISIS] else list(facts.states)
    needs = [STATE_NEEDS[s] for s in shown if s in STATE_NEEDS]
    resented = {a for need in needs for a in need.penalises}
    wanted = {a for need in needs for a in need.favours} - resented
    return [a for a in facts.actions if a in wanted], [a for a in facts.actions if a in resented]


def _visible_effects(facts: ReplyFacts) -> list[Effect]:
    met, missed = visible_goal(facts)
    found: list[Effect] = []
    if met and not missed:
        found.append(Effect(f"{VISIBLE_MET} ({met[0]})", VISIBLE_GAIN))
    if missed:
        found.append(Effect(f"misses what the seeker shows ({missed[0]})", -VISIBLE_LOSS))
    return found


def _base_effects(facts: ReplyFacts) -> list[Effect]:
    return [
        *_visible_effects(facts),
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


def _on_target(effects: Sequence[Effect]) -> bool:
    return any(e.rule.startswith(VISIBLE_MET) for e in effects) and all(e.delta >= 0 for e in effects)


def _serves_intention(effects: Sequence[Effect]) -> bool:
    return any(e.rule.startswith(INTENTION_MET) for e in effects)


def next_streak(facts: ReplyFacts) -> int:
    """The run of on-target replies after this one: longer when it is on target, unchanged by a
    harmless reply that misses nothing, and broken by anything a rule took off."""
    effects = _base_effects(facts)
    if _on_target(effects):
        return facts.streak + 1
    return facts.streak if all(e.delta >= 0 for e in effects) else 0


def rule_effects(facts: ReplyFacts) -> list[Effect]:
    """Every rule that fires for this reply, in the order of the table above."""
    found = _base_effects(facts)
    if RELIEF_STATES.intersection(facts.states) and _on_target(found) and RELIEF_GAIN:
        found.append(Effect("relief met warmly", RELIEF_GAIN))
    run = facts.streak + 1
    if run >= 2 and _on_target(found):
        gain = STREAK_GAIN * min(run - 1, STREAK_CAP)
        if _serves_intention(found):
            found.append(Effect(f"understood {run} replies in a row, and given what they want", gain))
        elif STREAK_PLAIN:
            found.append(Effect(f"understood {run} replies in a row", gain * STREAK_PLAIN))
    return found


def scale_for_personality(total: float, personality: str) -> float:
    """Scale a summed change by how this personality takes gains and losses."""
    gains, losses = PERSONALITY_SCALE.get(personality, (1.0, 1.0))
    return total * (gains if total > 0 else losses)
