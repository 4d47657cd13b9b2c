"""Loading a whole bank of skills, and the hashes that identify a bank's content."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from esc_cli.bank.files import dump_skill, load_skill
from esc_cli.bank.model import Skill
from esc_cli.errors import InputError


def skill_files(folder: Path) -> list[Path]:
    """The skill files of a bank folder (`*.md`, sorted), refusing a missing folder."""
    if not folder.is_dir():
        raise InputError(folder, "skills folder not found", fix="create it or set [tool.esc] skills = '...'")
    return sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith("."))


def load_skills(folder: Path, *, include_inactive: bool = False) -> list[Skill]:
    """Load every skill of a folder, failing on the first unreadable file or duplicate id.

    Deprecated and draft skills are left out unless `include_inactive`.
    """
    skills: list[Skill] = []
    seen: dict[str, Path] = {}
    for path in skill_files(folder):
        skill = load_skill(path)
        if skill.id != path.stem:
            raise InputError(
                path,
                f"id '{skill.id}' differs from the file name",
                where="id",
                fix=f"rename to {skill.id}.md or set id: {path.stem}",
            )
        if skill.id in seen:
            raise InputError(
                path,
                f"duplicate id '{skill.id}' (also in {seen[skill.id]})",
                where="id",
                fix="give each skill its own id",
            )
        seen[skill.id] = path
        if include_inactive or skill.meta.status == "active":
            skills.append(skill)
    return skills


def skill_hash(skill: Skill) -> str:
    """A short content hash of one skill in normalised form.

    Memoised on the skill's JSON (every field, so equal JSON means an equal normalised file), which
    costs a few microseconds where the YAML dump costs a hundred: verify hashes each skill often."""
    key = skill.model_dump_json()
    found = _HASHES.get(key)
    if found is None:
        if len(_HASHES) >= HASH_MEMO_LIMIT:
            _HASHES.clear()
        found = _HASHES[key] = hashlib.sha256(dump_skill(skill).encode("utf-8")).hexdigest()[:16]
    return found


HASH_MEMO_LIMIT = 4096
_HASHES: dict[str, str] = {}


def bank_hash(skills: Iterable[Skill]) -> str:
    """A short hash of a whole bank: the sorted (id, skill hash) pairs."""
    digest = hashlib.sha256()
    for skill in sorted(skills, key=lambda s: s.id):
        digest.update(f"{skill.id}:{skill_hash(skill)}\n".encode())
    return digest.hexdigest()[:16]
