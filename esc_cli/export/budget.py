"""The description budget of an export: what an agent lists of every skill before it loads any.

Claude Code lists each skill's name and description within a budget of about 1% of its context
window, with an 8,000-character fallback (older releases used about 15,000); skills past the budget
are dropped without notice. An export therefore counts the descriptions of all its folders, the
umbrella skill included, and refuses to write more than `--description-budget` characters. It also
refuses two descriptions that open with the same sentence: the listing could not tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

from esc_cli.errors import InputError
from esc_cli.export.render import SkillFolder

DEFAULT_DESCRIPTION_BUDGET = 8000
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def description_of(folder: SkillFolder) -> str:
    """The `description` field of a rendered folder's SKILL.md."""
    text = folder.files["SKILL.md"]
    header = text.split("---", 2)[1]
    data = yaml.safe_load(header)
    return str(data["description"])


def first_sentence(description: str) -> str:
    return _SENTENCE_END.split(description.strip(), maxsplit=1)[0]


def description_total(folders: Sequence[SkillFolder]) -> int:
    """Characters of every description in the export, the umbrella skill's included."""
    return sum(len(description_of(f)) for f in folders)


def check_descriptions(folders: Sequence[SkillFolder], budget: int) -> int:
    """The total, or an InputError naming the total, the longest descriptions and the fix."""
    lengths = {f.name: len(description_of(f)) for f in folders}
    total = sum(lengths.values())
    if total > budget:
        longest = sorted(lengths.items(), key=lambda item: -item[1])[:3]
        shown = ", ".join(f"{name} {n}" for name, n in longest)
        raise InputError(
            None,
            f"the {len(folders)} descriptions total {total:,} characters, over the budget of {budget:,} "
            f"(longest: {shown}); past its budget an agent drops skills without notice",
            where="--description-budget",
            fix="shorten titles or applies_when descriptions, export fewer skills with --only, "
            "or raise --description-budget if your agent lists more",
        )
    seen: dict[str, str] = {}
    for folder in folders:
        opening = first_sentence(description_of(folder)).lower()
        if opening in seen:
            raise InputError(
                f"{folder.name}/SKILL.md",
                f"its description opens with the same sentence as {seen[opening]}'s",
                fix="give the skills distinct titles",
            )
        seen[opening] = folder.name
    return total
