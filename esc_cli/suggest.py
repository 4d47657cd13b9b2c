"""Spelling suggestions for unknown ids: the one place that phrases "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "" when nothing is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def unknown(kind: str, word: str, choices: Iterable[str]) -> str:
    """The standard message for an id that is not in the taxonomy."""
    return f"unknown {kind} '{word}'{did_you_mean(word, choices)}"
