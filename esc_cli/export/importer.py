"""`esc import claude`: exported skill folders back into bank files (`skills/<id>.md`).

The id and version come from `metadata`, the conditions, risks and evidence from the YAML blocks of
the reference files, and the body from the Guidance in SKILL.md plus `references/examples.md` and
the Pitfalls of `references/risks.md`. Every folder is read and checked before any file is written,
and no existing bank file is replaced without `force`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from esc_cli.bank.files import SkillFileErrors, write_skill
from esc_cli.bank.model import Skill, SkillMeta
from esc_cli.errors import InputError
from esc_cli.export.blocks import markdown_sections, read_yaml_block
from esc_cli.export.frontmatter import parse_skill_md
from esc_cli.export.manifest import check_complete
from esc_cli.export.names import UMBRELLA_NAME
from esc_cli.export.render import (
    AVOID_HEADING,
    BODY_SECTIONS_IN_REFERENCES,
    CONDITIONS_KEYS,
    REFERENCES_HEADING,
)
from esc_cli.export.umbrella import UMBRELLA_ROLE
from esc_cli.export.write import written_by_esc
from esc_cli.fileio import read_text, validation_errors

MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class ImportResult:
    written: list[Path]
    skipped: list[Path]


def skill_folders(source: Path) -> list[Path]:
    """The skill folder itself, or the folders inside `source` that hold a SKILL.md."""
    if not source.is_dir():
        raise InputError(
            source, "not a folder", fix="pass the folder esc export claude wrote, e.g. .claude/skills"
        )
    if (source / "SKILL.md").is_file():
        return [source]
    found = sorted(
        p
        for p in source.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "SKILL.md").is_file()
    )
    if not found:
        raise InputError(
            source, "holds no skill folders with a SKILL.md", fix="pass the folder esc export claude wrote"
        )
    if any(written_by_esc(folder) for folder in found):
        check_complete(source)
    return found


def _read(path: Path) -> str:
    return read_text(path, max_bytes=MAX_FILE_BYTES, what="skill export file")


def _optional(path: Path) -> str:
    return _read(path) if path.is_file() else ""


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    meta = data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def is_umbrella(data: dict[str, Any]) -> bool:
    return data.get("name") == UMBRELLA_NAME or _metadata(data).get("esc-role") == UMBRELLA_ROLE


def _version(meta: dict[str, Any], path: Path) -> int:
    raw = meta.get("esc-version")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 9:
        raise InputError(
            path,
            f"esc-version {raw!r} is not a whole number",
            where="metadata.esc-version",
            fix="re-export the skill",
        )
    return int(raw)


def _body(skill_body: str, examples: str, risks: str) -> str:
    """The bank body: Guidance, Examples, Pitfalls, then any other section, in the bank's order."""
    generated = (REFERENCES_HEADING, AVOID_HEADING)  # written by the export from the front matter
    sections = {t: s for t, s in markdown_sections(skill_body).items() if t not in generated}
    guidance = sections.pop("Guidance", "")
    example_text = examples.split("\n", 1)[1].strip() if "\n" in examples else ""
    rebuilt = {
        "Guidance": guidance,
        "Examples": example_text,
        "Pitfalls": markdown_sections(risks).get("Pitfalls", ""),
    }
    rebuilt.update({t: s for t, s in sections.items() if t not in BODY_SECTIONS_IN_REFERENCES})
    return "\n\n".join(f"## {title}\n\n{text}" for title, text in rebuilt.items() if text) + "\n"


def read_export(folder: Path) -> Skill:
    """Rebuild one bank skill from an exported folder."""
    skill_md = folder / "SKILL.md"
    data, body = parse_skill_md(_read(skill_md), skill_md)
    meta = _metadata(data)
    if "esc-id" not in meta:
        raise InputError(
            skill_md,
            "not an esc export: metadata.esc-id is missing",
            fix="import only folders that esc export claude wrote",
        )
    refs = folder / "references"
    conditions = read_yaml_block(_read(refs / "conditions.md"), refs / "conditions.md")
    risks_text = _optional(refs / "risks.md")
    evidence_text = _optional(refs / "evidence.md")
    fields: dict[str, Any] = {"id": meta["esc-id"], "version": _version(meta, skill_md), "status": "active"}
    fields.update({k: conditions[k] for k in CONDITIONS_KEYS if k in conditions})
    if risks_text:
        fields["risks"] = read_yaml_block(risks_text, refs / "risks.md").get("risks", [])
    if evidence_text:
        fields["evidence"] = read_yaml_block(evidence_text, refs / "evidence.md").get("evidence")
    try:
        skill_meta = SkillMeta.model_validate(fields)
    except ValidationError as exc:
        raise SkillFileErrors(validation_errors(skill_md, exc)) from exc
    return Skill(meta=skill_meta, body=_body(body, _optional(refs / "examples.md"), risks_text))


def import_claude(source: Path, out: Path, *, force: bool = False) -> ImportResult:
    """Read every exported folder under `source`, then write `out/<id>.md` for each skill."""
    skills: list[tuple[Path, Skill]] = []
    skipped: list[Path] = []
    for folder in skill_folders(source):
        data, _ = parse_skill_md(_read(folder / "SKILL.md"), folder / "SKILL.md")
        if is_umbrella(data):
            skipped.append(folder)
            continue
        skills.append((folder, read_export(folder)))
    seen: dict[str, Path] = {}
    for folder, skill in skills:
        if skill.id in seen:
            raise InputError(
                folder, f"skill id '{skill.id}' also comes from {seen[skill.id]}", fix="import one of them"
            )
        seen[skill.id] = folder
        target = out / f"{skill.id}.md"
        if target.exists() and not force:
            raise InputError(
                target, "already exists", fix="pass --force to replace it, or choose another --out"
            )
    written = []
    for _, skill in skills:
        target = out / f"{skill.id}.md"
        write_skill(target, skill)
        written.append(target)
    return ImportResult(written=written, skipped=skipped)
