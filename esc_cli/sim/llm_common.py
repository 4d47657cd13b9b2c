"""Pieces the LLM agent and LLM seeker share: schemas, robust parsing, transcripts, request seeds."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from esc_cli.sim.engines import Utterance
from esc_cli.sim.protocol import MAX_CHANGE
from esc_cli.sim.seeds import stable_seed

_NUMBER = re.compile(r"[-+−]?\s*\d+(?:\.\d+)?")

AGENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reply": {"type": "string", "minLength": 1},
        "skills_used": {"type": "array", "items": {"type": "string"}},
        "strategy": {"type": "string"},
    },
    "required": ["reply", "skills_used", "strategy"],
}

ANALYSIS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "understanding": {"type": "string"},
        "serves_goals": {"type": "string"},
        "inner_reaction": {"type": "string"},
        "feeling": {"type": "string"},
        # A number is asked for; strings such as "+5" are accepted here and parsed by `parse_change`.
        "change": {"type": ["integer", "number", "string"]},
    },
    "required": ["understanding", "serves_goals", "inner_reaction", "feeling", "change"],
}

REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"message": {"type": "string", "minLength": 1}, "goodbye": {"type": "boolean"}},
    "required": ["message", "goodbye"],
}


def parse_change(value: object) -> int:
    """A signed change from whatever the model wrote ("+5", "-5 points", 7.5, "−10"), clipped to ±10.

    Anything without a number counts as no change.
    """
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _NUMBER.search(str(value))
        if match is None:
            return 0
        number = float(match.group().replace("−", "-").replace(" ", ""))
    if math.isnan(number):
        return 0
    return round(max(-MAX_CHANGE, min(MAX_CHANGE, number)))


def text_field(data: Any, name: str) -> str:
    """A string field of a JSON reply, '' when missing or not a string."""
    value = data.get(name) if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) else ""


def transcript(
    history: Sequence[Utterance], *, seeker: str = "Seeker", agent: str = "Supporter"
) -> list[dict[str, str]]:
    """The dialogue as a list of {speaker, text} for templates."""
    return [{"speaker": seeker if u.speaker == "seeker" else agent, "text": u.text} for u in history]


def request_seed(seed: int, turn: int, call: str) -> int:
    """A per-call seed within 31 bits (what every API accepts), stable for (dialogue, turn, call)."""
    return stable_seed(seed, turn, call) % (2**31)
