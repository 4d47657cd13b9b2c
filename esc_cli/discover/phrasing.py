"""Harmful-phrasing flags on a supporter's words: minimising, blaming and toxic positivity.

Discovery counts these in failed and successful IUs to find risks that are about how an action was
phrased rather than which action it was.
"""

from __future__ import annotations

import re

PHRASES: dict[str, tuple[str, ...]] = {
    "minimising": (
        "at least",
        "not a big deal",
        "no big deal",
        "could be worse",
        "it's nothing",
        "its nothing",
        "calm down",
        "get over it",
        "overreacting",
        "don't worry",
        "dont worry",
    ),
    "blaming": (
        "your fault",
        "you should have",
        "you shouldn't have",
        "you should not have",
        "why didn't you",
        "why did you",
        "you brought",
    ),
    "toxic-positivity": (
        "everything happens for a reason",
        "stay positive",
        "look on the bright side",
        "just be happy",
        "think positive",
        "cheer up",
        "good vibes",
        "everything will be fine",
        "everything will be okay",
    ),
}

DESCRIPTIONS: dict[str, str] = {
    "minimising": "Phrases such as 'at least' or 'don't worry' shrink the problem and leave it unheard.",
    "blaming": "Phrases such as 'you should have' put the fault on the seeker.",
    "toxic-positivity": "Phrases such as 'stay positive' push cheer before the feeling has been heard.",
}

_PATTERNS = {
    flag: re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)
    for flag, phrases in PHRASES.items()
}


def phrasing_flags(text: str) -> list[str]:
    """The harmful-phrasing flags a supporter utterance raises, in a fixed order."""
    normalised = text.replace("\u2019", "'")
    return [flag for flag, pattern in _PATTERNS.items() if pattern.search(normalised)]
