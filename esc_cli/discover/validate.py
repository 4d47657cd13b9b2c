"""Checking a discovered bank with the project's own lint before anything is written."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from esc_cli.bank.files import write_skill
from esc_cli.bank.lint import LintReport, lint_bank
from esc_cli.bank.model import Skill
from esc_cli.errors import CheckFailed


def lint_skills(skills: Sequence[Skill]) -> LintReport:
    """Lint a set of skills as one bank, through a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="esc-discover-") as scratch:
        folder = Path(scratch) / "skills"
        for skill in skills:
            write_skill(folder / f"{skill.id}.md", skill)
        return lint_bank(folder, base=Path(scratch))


def require_clean(skills: Sequence[Skill]) -> LintReport:
    """Lint the skills; raise CheckFailed naming the first problem when any rule fails."""
    report = lint_skills(skills)
    if report.exit_code != 0:
        problems = [f for f in report.findings if f.severity != "warning"]
        raise CheckFailed(
            f"the discovered bank fails lint ({len(problems)} problem(s)); first: {problems[0].render()}"
        )
    return report
