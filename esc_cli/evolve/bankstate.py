"""A bank held in memory while it evolves: every skill by id, whatever its status.

Evolution never writes the user's skills folder. Candidate banks live here; changed skills are
linted from a temporary copy; accepted edits leave only as git commits (branch.py) or as the files a dry run prints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from esc_cli.bank.files import dump_skill
from esc_cli.bank.lint import check_bank, lint_paths
from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill

BankState = dict[str, Skill]


def read_bank(folder: Path) -> BankState:
    """Every skill of a folder by id, deprecated and draft ones included."""
    return {s.id: s for s in load_skills(folder, include_inactive=True)}


def active(bank: Mapping[str, Skill]) -> list[Skill]:
    """The skills a simulation uses, in id order."""
    return [bank[k] for k in sorted(bank) if bank[k].meta.status == "active"]


def with_changes(bank: Mapping[str, Skill], changes: Mapping[str, Skill]) -> BankState:
    """A new bank with `changes` (id -> new skill) applied over `bank`."""
    return {**bank, **changes}


def _file_errors(skills: Mapping[str, Skill]) -> set[str]:
    """Per-file lint of these skills, written to a temporary folder as they would be committed."""
    if not skills:
        return set()
    with tempfile.TemporaryDirectory(prefix="esc-evolve-lint-") as tmp:
        folder = Path(tmp) / "skills"
        folder.mkdir()
        for skill_id, skill in skills.items():
            (folder / f"{skill_id}.md").write_text(dump_skill(skill), encoding="utf-8")
        report = lint_paths([folder], base=Path(tmp), bank_rules=False)
    return {f.render() for f in report.findings if f.severity != "warning"}


def _bank_errors(bank: Mapping[str, Skill]) -> set[str]:
    """The bank-wide lint rules (one crisis skill, unique ids...) on the skills in memory."""
    pairs = [(skill, f"skills/{skill_id}.md") for skill_id, skill in sorted(bank.items())]
    return {f.render() for f in check_bank(pairs) if f.severity != "warning"}


def new_lint_errors(before: Mapping[str, Skill], after: Mapping[str, Skill]) -> list[str]:
    """Lint errors the edited bank has and the current one has not.

    The changed skill files are linted from a temporary copy (per-file rules); the bank-wide rules
    run on both banks. A bank that already fails a bank-wide rule (a damaged bank with no crisis
    skill) can still take edits that add no failure of their own.
    """
    changed = {k: v for k, v in after.items() if before.get(k) is not v}
    new = _file_errors(changed) | (_bank_errors(after) - _bank_errors(before))
    return sorted(new)


def changed_files(before: Mapping[str, Skill], after: Mapping[str, Skill]) -> dict[str, str]:
    """`<id>.md` -> normalised text for every skill that differs (new ones included)."""
    changed: dict[str, str] = {}
    for skill_id, skill in sorted(after.items()):
        text = dump_skill(skill)
        old = before.get(skill_id)
        if old is None or dump_skill(old) != text:
            changed[f"{skill_id}.md"] = text
    return changed
