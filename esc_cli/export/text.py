"""Making skill text safe for SKILL.md front matter, and writing the `description` field.

Front-matter strings are one line, hold no `<` or `>` (Claude refuses XML tags there) and no run
of three hyphens: the reference parser splits the file at the first `---` it finds, so a YAML
document separator inside a value would cut the front matter short. Bodies stay verbatim: they are
Markdown data after the closing fence and cannot reach the front matter.
"""

from __future__ import annotations

import re

from esc_cli import taxonomy
from esc_cli.bank.model import Conditions, Skill

MAX_DESCRIPTION_LENGTH = 1024
# Bidirectional overrides and isolates (and the invisible marks) can make exported text read one way
# and mean another ("Trojan Source"); none belongs in a skill.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{BIDI}]")
_BODY_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI}]")
_HYPHEN_RUN = re.compile(r"-{3,}")
_SPACE = re.compile(r"\s+")
_ANGLES = str.maketrans({"<": "‹", ">": "›"})


def front_matter_text(text: str) -> str:
    """One clean line: no control characters, no angle brackets, no `---`, single spaces."""
    text = _CONTROL.sub(" ", text).translate(_ANGLES)
    text = _HYPHEN_RUN.sub("-", text)
    return _SPACE.sub(" ", text).strip()


def exported_text(text: str) -> str:
    """A file's text as exported: bidi controls and control characters other than tab and newline
    removed (a carriage return becomes a newline)."""
    return _BODY_UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _sentence(text: str) -> str:
    text = front_matter_text(text).rstrip(" .;:,")
    return f"{text}." if text else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _states(conditions: Conditions) -> str:
    """The state definitions as one clause: 'the seeker ...; or the seeker ...'."""
    parts = [_lower_first(taxonomy.definition(state).rstrip(".")) for state in conditions.seeker_states]
    return "; or ".join(parts)


def _condition(lead: str, conditions: Conditions) -> str:
    states = _states(conditions)
    described = _lower_first(front_matter_text(conditions.description))
    clause = f"{states}: {described}" if states and described else states or described
    return _sentence(f"{lead} {clause}") if clause else ""


def _fit(parts: list[str], limit: int) -> str:
    """Join sentences, dropping the last optional ones, then cutting at a word, to stay within limit."""
    text = " ".join(p for p in parts if p)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" .;:,")
    return f"{cut}…"


def skill_description(skill: Skill, *, qualify: bool = False) -> str:
    """Third-person description that leads with what sets this skill apart, then when to use it.

    The first sentence is the skill's title (unique in a bank), so an agent that lists many skills
    tells them apart at once; the second says when it applies. When not to use it lives in the
    SKILL.md body and references/conditions.md: every description counts against the agent's
    listing budget (see export/budget.py). At most 1024 characters. `qualify` adds the id to the
    title, for a bank where two skills share a title.
    """
    meta = skill.meta
    what = _sentence(f"{meta.title} ({skill.id})" if qualify else meta.title)
    when = _lower_first(front_matter_text(meta.applies_when.description)) or _states(meta.applies_when)
    use = _sentence(f"Use when {when}") if when else ""
    kind = _sentence(f"An emotional-support skill for the {meta.stage} stage")
    return _fit([what, use, kind], MAX_DESCRIPTION_LENGTH)
