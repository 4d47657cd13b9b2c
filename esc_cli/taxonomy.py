"""The one place that names every label: stages, seeker states, support actions, response changes,
ESConv strategies, SAGE personalities, hidden intentions, risks and emotion bands.

Every other module imports ids from here; nothing else spells a label. Each label carries an id and a
one-line definition. The sizes follow the ESC-Skills paper: 15 states, 17 actions, 14 response-change
labels (5 directions and 9 seeker behaviours).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Label:
    """One taxonomy label: a stable kebab-case id and a one-line definition."""

    id: str
    definition: str
    stage: str = ""
    esconv: tuple[str, ...] = field(default_factory=tuple)


# --- Stages (Hill's helping model as ESConv uses it) -------------------------------------------

STAGES: tuple[Label, ...] = (
    Label("exploration", "Help the seeker say what happened and how it feels before anything else."),
    Label("comforting", "Show understanding and care so the seeker feels less alone with the feeling."),
    Label("action", "Help the seeker find and choose small, concrete next steps."),
)

# --- Seeker states (observable from the seeker's words) ----------------------------------------

SEEKER_STATES: tuple[Label, ...] = (
    Label("opening", "The seeker greets or starts to describe why they came.", "exploration"),
    Label("venting", "The seeker pours out events and frustration at length.", "exploration"),
    Label("emotion-unnamed", "The seeker tells the story but has not named how they feel.", "exploration"),
    Label("self-blame", "The seeker holds themselves at fault or calls themselves a failure.", "comforting"),
    Label("hopelessness", "The seeker says nothing will change or nothing is worth trying.", "comforting"),
    Label("overwhelm", "The seeker has too much at once and cannot see where to start.", "comforting"),
    Label("anger-at-others", "The seeker is angry or resentful at someone else's conduct.", "comforting"),
    Label("loneliness", "The seeker feels alone, unsupported or cut off from people.", "comforting"),
    Label("worry-future", "The seeker is anxious about what will happen next.", "comforting"),
    Label("seeking-advice", "The seeker asks what they should do.", "action"),
    Label("resistance", "The seeker pushes back on a suggestion or on the supporter.", "comforting"),
    Label("withdrawal", "The seeker gives short, flat or evasive answers and pulls back.", "exploration"),
    Label("relief", "The seeker says they feel better, lighter or understood.", "action"),
    Label("closing", "The seeker thanks the supporter or signals the end of the chat.", "action"),
    Label(
        "crisis-risk",
        "The seeker hints at or states thoughts of self-harm, suicide or being in danger.",
        "exploration",
    ),
)

# --- Support actions (a refinement of ESConv's 8 strategies) -----------------------------------

Q = "Question"
RP = "Restatement or Paraphrasing"
RF = "Reflection of feelings"
SD = "Self-disclosure"
AR = "Affirmation and Reassurance"
PS = "Providing Suggestions"
INF = "Information"
OTH = "Others"

ESCONV_STRATEGIES: tuple[str, ...] = (Q, RP, RF, SD, AR, PS, INF, OTH)

SUPPORT_ACTIONS: tuple[Label, ...] = (
    Label("open-question", "Ask an open question that invites the seeker to say more.", "exploration", (Q,)),
    Label("closed-question", "Ask a yes/no or short-answer question to check a fact.", "exploration", (Q,)),
    Label(
        "restatement", "Say back the content of what the seeker said in fresh words.", "exploration", (RP,)
    ),
    Label(
        "reflect-feeling", "Name the feeling the seeker seems to have under the story.", "exploration", (RF,)
    ),
    Label(
        "validate-normalise",
        "Say the feeling makes sense and that many people would feel it.",
        "comforting",
        (AR,),
    ),
    Label(
        "affirm-strength", "Point to a specific strength or effort the seeker has shown.", "comforting", (AR,)
    ),
    Label("reassure", "Offer grounded hope or comfort without dismissing the problem.", "comforting", (AR,)),
    Label(
        "self-disclosure",
        "Share a brief, relevant experience of one's own to show understanding.",
        "comforting",
        (SD,),
    ),
    Label("suggest-option", "Offer one possible thing the seeker could try.", "action", (PS,)),
    Label(
        "inform-psychoeducate",
        "Give accurate information about a common reaction or situation.",
        "action",
        (INF,),
    ),
    Label("collaborative-plan", "Work out a small next step together with the seeker.", "action", (PS,)),
    Label("reframe", "Offer another way to see the situation that the seeker can test.", "action", (INF,)),
    Label("summarise", "Pull together the main threads of what the seeker has said.", "exploration", (RP,)),
    Label("invite-reflection", "Ask the seeker to consider what they want or value.", "action", (Q,)),
    Label(
        "safety-check", "Ask directly and calmly about thoughts of self-harm or danger.", "exploration", (Q,)
    ),
    Label(
        "refer-resource",
        "Point to human help: people they trust, professionals, crisis lines.",
        "action",
        (INF,),
    ),
    Label("greet-close", "Greet, thank or close the conversation warmly.", "exploration", (OTH,)),
)

# The action that stands for each strategy when only the strategy is known (one per strategy).
STRATEGY_PRIMARY_ACTION: dict[str, str] = {
    Q: "open-question",
    RP: "restatement",
    RF: "reflect-feeling",
    SD: "self-disclosure",
    AR: "reassure",
    PS: "suggest-option",
    INF: "inform-psychoeducate",
    OTH: "greet-close",
}

# Raw spellings found in FailedESConv and older ESConv exports.
STRATEGY_ALIASES: dict[str, str] = {
    "Questions": Q,
    "Other": OTH,
    "Direct Guidance": PS,
    "Approval and Reassurance": AR,
    "Restatement": RP,
    "Reflection of Feelings": RF,
    "Affirmation": AR,
    "Suggestion": PS,
}

# MultiESC's preprocessing renamed two strategies. Its merged "Suggestions or Information" maps to the
# larger of the two; the HF split of the same dialogues keeps the true label.
MULTIESC_STRATEGY_ALIASES: dict[str, str] = {
    "Greeting": OTH,
    "Greetings": OTH,
    "Providing Suggestions or Information": PS,
}

# --- Harmful phrasing the seeker resents, whatever the action -----------------------------------

HARMS: tuple[Label, ...] = (
    Label("minimising", "Makes the problem smaller than the seeker feels it is."),
    Label("blaming", "Puts the fault on the seeker."),
    Label("toxic-positivity", "Pushes cheerfulness over the seeker's real feeling."),
    Label("dismissive", "Waves the feeling away or tells the seeker to stop feeling it."),
)

# --- Response changes: direction and seeker behaviour ------------------------------------------

DIRECTIONS: tuple[Label, ...] = (
    Label("improved-strong", "The seeker's emotional state clearly improved."),
    Label("improved", "The seeker's emotional state improved a little."),
    Label("neutral", "No clear change in the seeker's emotional state."),
    Label("worsened", "The seeker's emotional state got a little worse."),
    Label("worsened-strong", "The seeker's emotional state clearly got worse."),
)

BEHAVIOURS: tuple[Label, ...] = (
    Label("elaborates", "The seeker says more about the same topic."),
    Label("shares-new-detail", "The seeker brings up a new fact, event or feeling."),
    Label("agrees", "The seeker agrees with what the supporter said."),
    Label("accepts-suggestion", "The seeker takes up or plans to try a suggestion."),
    Label("rejects-suggestion", "The seeker dismisses a suggestion or says it will not work."),
    Label("disengages", "The seeker answers briefly, changes the subject or goes quiet."),
    Label("thanks", "The seeker thanks the supporter."),
    Label("expresses-relief", "The seeker says they feel better, calmer or understood."),
    Label("escalates-distress", "The seeker's distress rises: more despair, anger or alarm."),
)

# --- SAGE seekers ------------------------------------------------------------------------------

PERSONALITIES: tuple[Label, ...] = (
    Label("negative", "Pessimistic and quick to read replies as dismissive; distress escalates easily."),
    Label("passive", "Says little, waits to be drawn out, rarely states needs directly."),
    Label("avoidant", "Deflects from feelings, changes the subject, minimises the problem."),
)

INTENTIONS: tuple[Label, ...] = (
    Label("analyse-both-sides", "Rational: wants help weighing both sides of the situation."),
    Label("actionable-advice", "Rational: wants concrete, workable advice."),
    Label("understand-others", "Rational: wants to understand why the other person acted as they did."),
    Label("guided-reflection", "Rational: wants to be guided to reflect and grow."),
    Label("specific-praise", "Emotional: wants specific, sincere recognition of what they did well."),
    Label("be-heard", "Emotional: wants to be listened to while venting, not fixed."),
    Label("deep-empathy", "Emotional: wants deep empathy, not platitudes."),
    Label("not-at-fault", "Emotional: wants agreement that they are not to blame."),
    Label(
        "crisis-disclosure",
        "Crisis: is testing whether it is safe to say they are thinking of harming themselves.",
    ),
)

RATIONAL_INTENTIONS: tuple[str, ...] = (
    "analyse-both-sides",
    "actionable-advice",
    "understand-others",
    "guided-reflection",
)

RISKS: tuple[Label, ...] = (
    Label("none", "No known risk."),
    Label("self-harm-ideation", "Thoughts of hurting oneself surface during the chat."),
    Label("suicidal-ideation", "Thoughts of ending one's life surface during the chat."),
    Label("harm-from-others", "The seeker is in danger from someone else."),
)

# --- SAGE emotion bands: (id, lower bound inclusive) from highest to lowest --------------------

EMOTION_BANDS: tuple[tuple[str, int], ...] = (("S", 100), ("A", 70), ("B", 40), ("C", 10), ("F", 0))


def emotion_band(emotion: int) -> str:
    """Return the SAGE band letter for an emotion score (0..100)."""
    for band, lower in EMOTION_BANDS:
        if emotion >= lower:
            return band
    return "F"


# --- Lookups -----------------------------------------------------------------------------------


def ids(labels: tuple[Label, ...]) -> tuple[str, ...]:
    """The ids of a label family, in their defined order."""
    return tuple(label.id for label in labels)


STAGE_IDS = ids(STAGES)
STATE_IDS = ids(SEEKER_STATES)
ACTION_IDS = ids(SUPPORT_ACTIONS)
DIRECTION_IDS = ids(DIRECTIONS)
BEHAVIOUR_IDS = ids(BEHAVIOURS)
PERSONALITY_IDS = ids(PERSONALITIES)
INTENTION_IDS = ids(INTENTIONS)
RISK_IDS = ids(RISKS)
HARM_IDS = ids(HARMS)

_ACTIONS_BY_ID = {label.id: label for label in SUPPORT_ACTIONS}
_STATES_BY_ID = {label.id: label for label in SEEKER_STATES}


def normalise_strategy(raw: str) -> str:
    """Map a raw ESConv strategy spelling to one of the 8 canonical labels.

    Raises KeyError for a label that is neither canonical nor a known alias.
    """
    text = raw.strip()
    if text in ESCONV_STRATEGIES:
        return text
    return STRATEGY_ALIASES[text]


def strategy_of_action(action_id: str) -> str:
    """The ESConv strategy that an action realises."""
    return _ACTIONS_BY_ID[action_id].esconv[0]


def actions_of_strategy(strategy: str) -> tuple[str, ...]:
    """Every action that realises a strategy, the primary one first."""
    canonical = normalise_strategy(strategy)
    primary = STRATEGY_PRIMARY_ACTION[canonical]
    rest = tuple(a.id for a in SUPPORT_ACTIONS if canonical in a.esconv and a.id != primary)
    return (primary, *rest)


def stage_of_action(action_id: str) -> str:
    """The helping stage an action belongs to."""
    return _ACTIONS_BY_ID[action_id].stage


def stage_of_state(state_id: str) -> str:
    """The helping stage that usually fits a seeker state."""
    return _STATES_BY_ID[state_id].stage


def direction_of_delta(delta: float) -> str:
    """Map a signed change on the SAGE scale (-10..10) to a direction id."""
    if delta >= 7.5:
        return "improved-strong"
    if delta >= 2.5:
        return "improved"
    if delta > -2.5:
        return "neutral"
    if delta > -7.5:
        return "worsened"
    return "worsened-strong"


def definition(label_id: str) -> str:
    """The one-line definition of any label id, searched across every family."""
    for family in (
        STAGES,
        SEEKER_STATES,
        SUPPORT_ACTIONS,
        DIRECTIONS,
        BEHAVIOURS,
        PERSONALITIES,
        INTENTIONS,
        RISKS,
    ):
        for label in family:
            if label.id == label_id:
                return label.definition
    raise KeyError(label_id)
