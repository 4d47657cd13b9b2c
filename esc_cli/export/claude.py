"""`esc export claude`: the bank's active skills as Agent Skills folders or zip archives.

Everything is rendered and validated in memory first; nothing is written unless every folder,
the umbrella skill included, passes `validate_files`. Folders are staged, then renamed into place,
and the manifest (`export.manifest`) is written last.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from esc_cli.bank.load import bank_hash
from esc_cli.bank.model import Skill
from esc_cli.errors import InputError
from esc_cli.export.budget import DEFAULT_DESCRIPTION_BUDGET, check_descriptions
from esc_cli.export.manifest import finish_export, start_export
from esc_cli.export.names import assign_names
from esc_cli.export.render import SkillFolder, render_skill
from esc_cli.export.text import exported_text
from esc_cli.export.umbrella import render_umbrella
from esc_cli.export.validate import validate_files
from esc_cli.export.write import check_target, clear_debris, write_folders, write_zip, written_by_esc
from esc_cli.fileio import ensure_dir
from esc_cli.safety.lines import CrisisLines
from esc_cli.suggest import unknown


def select_skills(skills: Sequence[Skill], only: Sequence[str]) -> list[Skill]:
    """The skills named by `--only` (all when empty), refusing an id the bank does not hold.

    The crisis skill always comes along: an agent loaded with a subset must still meet a crisis cue
    with a safety check and a pointer to human help.
    """
    if not only:
        return list(skills)
    known = {s.id: s for s in skills}
    for skill_id in only:
        if skill_id not in known:
            raise InputError(
                None, unknown("active skill", skill_id, known), where="--only", fix="see `esc skill list`"
            )
    crisis = [s.id for s in skills if s.meta.crisis]
    return [known[i] for i in dict.fromkeys([*only, *crisis])]


def render_export(
    skills: Sequence[Skill],
    *,
    only: Sequence[str] = (),
    license_text: str | None = None,
    description_budget: int = DEFAULT_DESCRIPTION_BUDGET,
    crisis_lines: CrisisLines | None = None,
) -> list[SkillFolder]:
    """Every folder to write, the umbrella skill last, each already validated, and the descriptions
    together within `description_budget` characters."""
    chosen = select_skills(skills, only)
    if not chosen:
        raise InputError(None, "no active skills to export", fix="add skills or set status: active")
    names = assign_names(s.id for s in chosen)
    digest = bank_hash(skills)
    titles = Counter(s.meta.title.strip().lower() for s in chosen)
    folders = [
        render_skill(
            s,
            names[s.id],
            digest,
            license_text=license_text,
            qualify=titles[s.meta.title.strip().lower()] > 1,
        )
        for s in chosen
    ]
    folders.append(
        render_umbrella(chosen, names, digest, license_text=license_text, crisis_lines=crisis_lines)
    )
    folders = [
        SkillFolder(name=f.name, files={path: exported_text(text) for path, text in f.files.items()})
        for f in folders
    ]
    for skill_id, folder in zip([*(s.id for s in chosen), "umbrella"], folders, strict=True):
        problems = validate_files(folder.name, folder.files)
        if problems:
            raise InputError(
                f"{folder.name}/SKILL.md",
                f"the export of {skill_id!r} breaks the Agent Skills rules: {'; '.join(problems)}",
                fix="shorten or fix the skill, then export again",
            )
    check_descriptions(folders, description_budget)
    return folders


def export_claude(
    skills: Sequence[Skill],
    out: Path,
    *,
    only: Sequence[str] = (),
    archives: bool = False,
    force: bool = False,
    license_text: str | None = None,
    description_budget: int = DEFAULT_DESCRIPTION_BUDGET,
    crisis_lines: CrisisLines | None = None,
) -> list[Path]:
    """Write one folder (or `<name>.zip` with `archives`) per skill plus the umbrella; return the paths."""
    folders = render_export(
        skills,
        only=only,
        license_text=license_text,
        description_budget=description_budget,
        crisis_lines=crisis_lines,
    )
    if not archives:
        for folder in folders:
            check_target(out / folder.name, force=force)
    ensure_dir(out)
    clear_debris(out)
    if archives:
        start_export(out)
        written = [write_zip(folder, out) for folder in folders]
    else:
        written = write_folders(folders, out, before_swap=lambda: start_export(out))
    finish_export(out, written, bank_hash(skills))
    return written


def stale_folders(out: Path, folders: Sequence[Path]) -> list[Path]:
    """Skill folders in `out` that esc wrote but a full export no longer writes (a skill deprecated or
    removed since): left in place, an agent would keep loading them. Hand-written folders are kept."""
    if not out.is_dir():
        return []
    current = {folder.name for folder in folders}
    return sorted(p for p in out.iterdir() if p.is_dir() and p.name not in current and written_by_esc(p))


def remove_folders(folders: Sequence[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder)
