"""Descriptions Claude Code will list: distinct openings, no contraindications, within the budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, make_bank, skill_text

from esc_cli.bank.load import load_skills
from esc_cli.errors import InputError
from esc_cli.export.budget import (
    DEFAULT_DESCRIPTION_BUDGET,
    check_descriptions,
    description_of,
    description_total,
    first_sentence,
)
from esc_cli.export.claude import render_export
from esc_cli.export.render import SkillFolder


def test_the_seed_bank_fits_the_default_budget_with_distinct_openings() -> None:
    skills = load_skills(REPO / "skills")
    folders = render_export(skills)
    total = description_total(folders)
    assert total <= DEFAULT_DESCRIPTION_BUDGET
    openings = [first_sentence(description_of(f)).lower() for f in folders]
    assert len(set(openings)) == len(openings)
    by_name = {f.name: description_of(f) for f in folders}
    for skill in skills:
        text = by_name[skill.id]
        assert text.startswith(skill.meta.title.rstrip(".")), skill.id  # what sets it apart comes first
        assert "Use when" in text and "Do not use when" not in text, skill.id
        assert text.count("Guides an emotional-support agent") == 0


def test_contraindications_move_into_the_body(tmp_path: Path, esc: EscRunner) -> None:
    done = esc("export", "claude", "--out", str(tmp_path / "out"), cwd=REPO)
    assert done.code == 0, done.err
    total = sum(
        len(description_of(SkillFolder(p.name, {"SKILL.md": (p / "SKILL.md").read_text(encoding="utf-8")})))
        for p in (tmp_path / "out").iterdir()
    )
    assert f"descriptions: {total:,} of 8,000 characters (--description-budget)" in done.out
    body = (tmp_path / "out" / "affirm-strengths" / "SKILL.md").read_text(encoding="utf-8")
    section = body.split("\n## Do not use when\n", 1)[1].split("\n## ", 1)[0]
    assert "`crisis-risk`" in section and "praise in the middle of venting" in section


def test_an_export_over_the_budget_is_refused_with_the_total(tmp_path: Path, esc: EscRunner) -> None:
    out = tmp_path / "out"
    total = description_total(render_export(load_skills(REPO / "skills")))
    refused = esc("export", "claude", "--out", str(out), "--description-budget", "2000", cwd=REPO)
    assert refused.code == 2 and not out.exists()
    assert f"descriptions total {total:,} characters, over the budget of 2,000" in refused.err
    assert re.search(r"\(longest: [a-z-]+ \d+, ", refused.err)
    assert "raise --description-budget" in refused.err


def test_shared_titles_are_told_apart_by_id(tmp_path: Path) -> None:
    bank = make_bank(tmp_path, {"one-skill": skill_text("one-skill"), "two-skill": skill_text("two-skill")})
    folders = render_export(load_skills(bank / "skills"))
    openings = [first_sentence(description_of(f)) for f in folders]
    assert "A sample skill (one-skill)." in openings and "A sample skill (two-skill)." in openings


def test_the_check_refuses_two_descriptions_with_one_opening() -> None:
    def folder(name: str, description: str) -> SkillFolder:
        return SkillFolder(name, {"SKILL.md": f"---\nname: {name}\ndescription: {description}\n---\nBody\n"})

    same = [folder("a", "Listen first. Use when sad."), folder("b", "Listen first. Use when angry.")]
    with pytest.raises(InputError, match="opens with the same sentence as a's"):
        check_descriptions(same, 10_000)
    assert check_descriptions([same[0]], 10_000) == len("Listen first. Use when sad.")
