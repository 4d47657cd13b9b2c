"""Export the bank as Agent Skills folders (`<name>/SKILL.md`) and import them back.

names       skill id -> folder name, reserved-word normalisation
text        front-matter-safe text and the `description` field
render      one skill as an in-memory folder: SKILL.md and references/
umbrella    the `emotional-support` skill: safety rules and routing table
validate    the strictest Agent Skills rules, on memory or on disk
write       folders and zip archives onto disk, atomically
claude      `esc export claude`
importer    `esc import claude`
"""

from __future__ import annotations

from esc_cli.export.claude import export_claude, render_export
from esc_cli.export.importer import ImportResult, import_claude, read_export
from esc_cli.export.names import UMBRELLA_NAME, skill_name
from esc_cli.export.render import SkillFolder, render_skill
from esc_cli.export.validate import validate_files, validate_folder

__all__ = [
    "UMBRELLA_NAME",
    "ImportResult",
    "SkillFolder",
    "export_claude",
    "import_claude",
    "read_export",
    "render_export",
    "render_skill",
    "skill_name",
    "validate_files",
    "validate_folder",
]
