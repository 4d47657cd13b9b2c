"""Skill ids to Agent Skills folder names, and the reserved-word normalisation.

An Agent Skills `name` is 1-64 characters of lowercase ASCII letters, digits and single hyphens,
with no hyphen at either end, and equals its folder name. Claude also refuses the reserved words
"claude" and "anthropic" anywhere in a name.

Normalisation (documented in `esc export claude --help`): each reserved word in an id is replaced,
"claude" by "assistant" and "anthropic" by "provider", and runs of hyphens are collapsed. The
original id travels in `metadata.esc-id`, so `esc import claude` restores it exactly. Anything else
that is not a legal name (upper case, `/`, `..`, spaces, other characters) is refused, never
rewritten: such an id cannot come from a valid bank, so it is treated as hostile input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from esc_cli.errors import InputError

MAX_NAME_LENGTH = 64
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RESERVED_WORDS: dict[str, str] = {"claude": "assistant", "anthropic": "provider"}
UMBRELLA_NAME = "emotional-support"


def reserved_word_in(name: str) -> str | None:
    """The first reserved word found in a name, or None."""
    return next((word for word in RESERVED_WORDS if word in name), None)


def name_problem(name: str) -> str | None:
    """Why a string is not a legal Agent Skills name, or None when it is legal."""
    if not name:
        return "is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"is {len(name)} characters, over the {MAX_NAME_LENGTH} limit"
    if not NAME_PATTERN.match(name):
        return "may hold only a-z, 0-9 and single hyphens between them"
    word = reserved_word_in(name)
    if word is not None:
        return f"contains the reserved word '{word}'"
    return None


def skill_name(skill_id: str) -> str:
    """The folder name and `name` field for a skill id, or an InputError saying why there is none."""
    if not NAME_PATTERN.match(skill_id) or len(skill_id) > MAX_NAME_LENGTH:
        raise InputError(
            None,
            f"skill id {skill_id!r} cannot become a skill folder name",
            fix="use lowercase letters, digits and single hyphens, at most 64 characters",
        )
    name = skill_id
    for word, replacement in RESERVED_WORDS.items():
        name = name.replace(word, replacement)
    name = re.sub(r"-{2,}", "-", name).strip("-")
    problem = name_problem(name)
    if problem is not None:
        raise InputError(
            None, f"skill id {skill_id!r} gives the name {name!r}, which {problem}", fix="rename the skill"
        )
    return name


def assign_names(skill_ids: Iterable[str]) -> dict[str, str]:
    """Names for a set of ids, refusing two ids that normalise to one name or take the umbrella's."""
    names: dict[str, str] = {}
    owners: dict[str, str] = {UMBRELLA_NAME: "the umbrella skill"}
    for skill_id in skill_ids:
        name = skill_name(skill_id)
        if name in owners:
            raise InputError(
                None,
                f"skill id {skill_id!r} exports as {name!r}, already used by {owners[name]}",
                fix="rename one of the skills",
            )
        owners[name] = f"skill {skill_id!r}"
        names[skill_id] = name
    return names
