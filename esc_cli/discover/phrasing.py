"""Harmful phrasing in a supporter's words (minimising, blaming, toxic positivity, dismissing).

The cues are the labeller's (`OfflineLabeller.harmful`); this module adds the sentence a skill's risk
says about each, so discovery can turn a flag that is common in failed IUs into a written risk.
"""

from __future__ import annotations

from esc_cli.iu.cues import HARM_IDS
from esc_cli.iu.labeller import harmful

DESCRIPTIONS: dict[str, str] = {
    "minimising": "Phrases such as 'at least' or 'it could be worse' shrink the problem and leave it unheard.",
    "blaming": "Phrases such as 'you should have' put the fault on the seeker.",
    "toxic-positivity": "Phrases such as 'stay positive' push cheer before the feeling has been heard.",
    "dismissive": "Brushing the feeling aside tells the seeker it does not matter.",
}


def phrasing_flags(text: str) -> list[str]:
    """The harm ids a supporter utterance raises, in the labeller's order."""
    return harmful(text)


def is_phrasing_flag(label: str) -> bool:
    return label in HARM_IDS


def phrasing_description(flag: str) -> str:
    return DESCRIPTIONS.get(flag, f"Harmful phrasing ('{flag}') in the supporter's words.")
