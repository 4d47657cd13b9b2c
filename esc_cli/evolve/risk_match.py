"""Which known risks a reply shows, read from the trace alone.

Two sources:
- contextual risks, from the reply's labelled actions and the dialogue so far (the conversational
  rules of DESIGN §6, read from `esc_cli.sim.rules` so the thresholds are defined once);
- harmful phrasing, from the labeller's `harmful(text)` flags.

A flag matches a skill's risk when the ids are equal or when the risk id is one of the flag's
aliases below (skill authors name the same problem in their own words).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from esc_cli.evolve.traces import TurnView
from esc_cli.sim.rules import ADVICE_ACTIONS, EXPLORED_TURNS, EXPLORING_ACTIONS, LONG_WORDS, main_action

HarmfulFn = Callable[[str], list[str]]

PREMATURE_ADVICE = "premature-advice"
REPETITION = "repetition"
OVERLONG = "over-long-reply"

# Risk ids that name the same problem as a flag.
ALIASES: dict[str, tuple[str, ...]] = {
    PREMATURE_ADVICE: ("premature-advice", "quick-fix", "premature-prioritising", "advice-dump"),
    REPETITION: ("repetition", "repeating-advice", "parroting", "interrogating"),
    OVERLONG: ("over-long-reply", "over-long-summary", "advice-list", "advice-dump"),
    "minimising": ("minimising", "dismissing-pain", "brush-off", "invalidating", "flattening"),
    "toxic-positivity": ("toxic-positivity", "silver-lining", "premature-reassurance", "false-promise"),
    "blaming": ("blaming", "adding-judgement", "blaming-silence"),
    "dismissive": ("dismissive", "dismissing-pain", "brush-off", "invalidating"),
}

DESCRIPTIONS: dict[str, str] = {
    PREMATURE_ADVICE: "Advice before the seeker feels heard tells them the supporter wants to fix, not listen.",
    REPETITION: "Using the same move three replies in a row feels scripted and stops the seeker opening up.",
    OVERLONG: "A long reply buries the one thing the seeker needed to hear.",
    "minimising": "Making the problem sound small tells the seeker their pain does not count.",
    "toxic-positivity": "Forced cheerfulness skips past the feeling and reads as dismissal.",
    "blaming": "Suggesting the seeker caused it adds shame to the distress.",
    "dismissive": "Brushing the feeling aside tells the seeker it does not matter.",
}


def contextual_risks(view: TurnView) -> list[str]:
    """Risks the reply shows given the dialogue so far (no text analysis)."""
    found: list[str] = []
    actions = view.turn.actions
    if any(a in ADVICE_ACTIONS for a in actions):
        explored = any(a in EXPLORING_ACTIONS for earlier in view.previous_actions for a in earlier)
        if view.turn.index < EXPLORED_TURNS or not explored:
            found.append(PREMATURE_ADVICE)
    main = main_action(actions)
    last_two = [main_action(a) for a in view.previous_actions[-2:]]
    if main and len(last_two) == 2 and all(m == main for m in last_two):
        found.append(REPETITION)
    if len(view.turn.agent.split()) > LONG_WORDS:
        found.append(OVERLONG)
    return found


def matching_risk(flag: str, risk_ids: Sequence[str]) -> str:
    """The skill's risk id that names `flag`, or '' when the skill does not list it."""
    names = ALIASES.get(flag, (flag,))
    for risk in risk_ids:
        if risk == flag or risk in names:
            return risk
    return ""


def describe(flag: str) -> str:
    """A one-sentence risk description for a flag, for a new `risks:` entry."""
    return DESCRIPTIONS.get(
        flag, f"Replies were labelled '{flag}', and the seeker's emotion fell after them."
    )
