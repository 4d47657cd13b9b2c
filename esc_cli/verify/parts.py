"""Which parts of a skill a change touched, and which of them the offline agent reads.

The offline agent (sim/agent_offline.py) routes by `applies_when`, `avoid_when`, `stage`, `priority`,
`crisis` and `status`, realises a skill from its `## Examples` (or, with `--ius`, from ESConv
utterances of its `strategies` and `actions`), and labels its reply with a strategy of the skill. It
never reads the title, the descriptions, the expected outcome, the risks, the evidence, `## Guidance`
or `## Pitfalls`: a model agent reads those (they are what the export puts in SKILL.md). A change
confined to them cannot move an offline simulation, so verify names it as unmeasured instead of
calling it harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from esc_cli.bank.model import Skill

# Front-matter keys the offline agent reads, and the parts it does not.
READ_KEYS = ("status", "stage", "crisis", "priority", "strategies", "actions")
UNREAD_KEYS = ("title", "expected_outcome", "risks", "evidence")
CONDITIONS = ("applies_when", "avoid_when")
READ_SECTIONS = ("Examples",)
UNREAD_SECTIONS = ("Guidance", "Pitfalls")
OTHER_BODY = "other body text"


@dataclass(frozen=True)
class PartChange:
    """One changed skill: the parts the offline agent reads and the parts it does not."""

    skill: str
    read: tuple[str, ...]
    unread: tuple[str, ...]

    @property
    def confined_to_unread(self) -> bool:
        """True when nothing the offline agent reads changed, yet something else did."""
        return not self.read and bool(self.unread)


def _dump(skill: Skill, key: str) -> Any:
    return skill.meta.model_dump(mode="json").get(key)


def _body_rest(skill: Skill) -> str:
    sections = skill.sections()
    return "\n".join(f"{k}\n{v}" for k, v in sections.items() if k not in (*READ_SECTIONS, *UNREAD_SECTIONS))


def changed_parts(base: Skill, head: Skill) -> PartChange:
    """The parts that differ between two versions of one skill (the version number is not a part)."""
    read: list[str] = []
    unread: list[str] = []
    for key in READ_KEYS:
        if _dump(base, key) != _dump(head, key):
            read.append(key)
    for key in CONDITIONS:
        old, new = dict(_dump(base, key) or {}), dict(_dump(head, key) or {})
        old_words, new_words = old.pop("description", ""), new.pop("description", "")
        if old != new:
            read.append(key)
        if old_words != new_words:
            unread.append(f"{key}.description")
    for key in UNREAD_KEYS:
        if _dump(base, key) != _dump(head, key):
            unread.append(key)
    for title in READ_SECTIONS:
        if base.section(title) != head.section(title):
            read.append(f"## {title}")
    for title in UNREAD_SECTIONS:
        if base.section(title) != head.section(title):
            unread.append(f"## {title}")
    if _body_rest(base) != _body_rest(head):
        unread.append(OTHER_BODY)
    return PartChange(head.id, tuple(read), tuple(unread))


def unmeasured_detail(confined: list[PartChange], skills_dir: str) -> str:
    """The criterion's message: what is unmeasured, how to measure it, and that a reviewer must read it."""
    if not confined:
        return "every changed skill changed a part the offline agent reads"
    named = "; ".join(f"{skills_dir}/{c.skill}.md: {', '.join(c.unread)}" for c in confined)
    return (
        f"unmeasured by simulation: {named} — the offline agent does not read these parts. "
        "Measure them with a model agent (`esc skill verify --agent-backend anthropic` or "
        "`--agent-backend openai --agent-model MODEL`), and have a reviewer read the text"
    )
