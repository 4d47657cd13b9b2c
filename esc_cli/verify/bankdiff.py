"""What changed between two banks, and the version-bump rule: every changed skill must bump `version`."""

from __future__ import annotations

from dataclasses import dataclass

from esc_cli.bank.load import skill_hash
from esc_cli.bank.model import Skill


@dataclass(frozen=True)
class SkillChange:
    """One skill that differs: added, removed or changed, with its versions on each side."""

    id: str
    kind: str
    base_version: int | None
    head_version: int | None

    @property
    def bumped(self) -> bool:
        if self.kind != "changed":
            return True
        return (
            self.base_version is not None
            and self.head_version is not None
            and self.head_version > self.base_version
        )

    def describe(self) -> str:
        if self.kind == "added":
            return f"{self.id}: added (v{self.head_version})"
        if self.kind == "removed":
            return f"{self.id}: removed (was v{self.base_version})"
        return f"{self.id}: v{self.base_version} -> v{self.head_version}"


def diff_banks(base: list[Skill], head: list[Skill]) -> list[SkillChange]:
    """Skills added, removed or changed in content, sorted by id."""
    base_by_id = {s.id: s for s in base}
    head_by_id = {s.id: s for s in head}
    changes: list[SkillChange] = []
    for skill_id in sorted(base_by_id.keys() | head_by_id.keys()):
        old, new = base_by_id.get(skill_id), head_by_id.get(skill_id)
        if old is None and new is not None:
            changes.append(SkillChange(skill_id, "added", None, new.meta.version))
        elif new is None and old is not None:
            changes.append(SkillChange(skill_id, "removed", old.meta.version, None))
        elif old is not None and new is not None and skill_hash(old) != skill_hash(new):
            changes.append(SkillChange(skill_id, "changed", old.meta.version, new.meta.version))
    return changes


def unbumped(changes: list[SkillChange], skills_dir_name: str = "skills") -> list[str]:
    """One message per changed skill whose version did not go up, saying what to do."""
    return [
        f"{skills_dir_name}/{c.id}.md changed but its version is still {c.head_version} "
        f"(set version: {(c.base_version or 0) + 1} or higher)"
        for c in changes
        if not c.bumped
    ]
