"""Load and dump round-trip byte for byte on normalised files; the body is never a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import REPO, skill_text

from esc_cli.bank.files import dump_skill, load_skill, parse_skill
from esc_cli.bank.load import bank_hash, load_skills, skill_hash


def test_normalised_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "sample-skill.md"
    path.write_text(skill_text(), encoding="utf-8")
    once = dump_skill(load_skill(path))
    path.write_text(once, encoding="utf-8")
    assert dump_skill(load_skill(path)) == once
    assert "strategies: [Reflection of feelings]\n" in once
    assert once.endswith("## Pitfalls\n\n- Do not parrot.\n")


def test_multiline_and_special_text_survive(tmp_path: Path) -> None:
    text = skill_text().replace(
        "description: When the seeker vents.",
        "description: 'Colons: quotes \"x\", a # hash and {{ braces }}'",
    )
    skill = parse_skill(text, tmp_path / "x.md")
    again = parse_skill(dump_skill(skill), tmp_path / "x.md")
    assert again == skill
    assert again.meta.applies_when.description == 'Colons: quotes "x", a # hash and {{ braces }}'


@pytest.mark.parametrize("path", sorted((REPO / "skills").glob("*.md")), ids=lambda p: p.stem)
def test_seed_bank_files_are_normalised(path: Path) -> None:
    assert dump_skill(load_skill(path)) == path.read_text(encoding="utf-8")


def test_hashes_change_with_content(tmp_path: Path) -> None:
    (tmp_path / "sample-skill.md").write_text(skill_text(), encoding="utf-8")
    before = load_skills(tmp_path)
    (tmp_path / "sample-skill.md").write_text(
        skill_text().replace("1. Listen.", "1. Listen well."), encoding="utf-8"
    )
    after = load_skills(tmp_path)
    assert skill_hash(before[0]) != skill_hash(after[0])
    assert bank_hash(before) != bank_hash(after)
