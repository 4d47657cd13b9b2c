"""Export then import gives back the same skills: lint passes and the guidance is identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import REPO, EscRunner, make_bank

from esc_cli.bank.files import dump_skill
from esc_cli.bank.lint import lint_bank
from esc_cli.bank.load import load_skills
from esc_cli.errors import InputError
from esc_cli.export import export_claude, import_claude


def test_seed_bank_survives_export_and_import(tmp_path: Path) -> None:
    original = load_skills(REPO / "skills")
    export_claude(original, tmp_path / "out")
    result = import_claude(tmp_path / "out", tmp_path / "skills")
    assert [p.name for p in result.skipped] == ["emotional-support"]
    assert lint_bank(tmp_path / "skills").exit_code == 0
    back = {s.id: s for s in load_skills(tmp_path / "skills")}
    assert sorted(back) == sorted(s.id for s in original)
    for skill in original:
        again = back[skill.id]
        assert again.section("Guidance") == skill.section("Guidance")
        assert again.section("Examples") == skill.section("Examples")
        assert again.section("Pitfalls") == skill.section("Pitfalls")
        assert again.meta == skill.meta
        assert dump_skill(again) == dump_skill(skill)


def test_import_refuses_to_overwrite_without_force(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank")
    assert esc("--bank", str(bank), "export", "claude", "--out", str(tmp_path / "out")).code == 0
    refused = esc("--bank", str(bank), "import", "claude", str(tmp_path / "out"))
    assert refused.code == 2
    assert refused.err == (
        f"error: {bank / 'skills' / 'crisis-check.md'}: already exists "
        "(pass --force to replace it, or choose another --out)\n"
    )
    forced = esc("--bank", str(bank), "import", "claude", str(tmp_path / "out"), "--force")
    assert forced.code == 0, forced.err
    assert "skipped" in forced.out and "2 skill(s) imported" in forced.out


def test_import_reads_one_folder_and_skips_foreign_ones(tmp_path: Path) -> None:
    bank = make_bank(tmp_path / "bank")
    export_claude(load_skills(bank / "skills"), tmp_path / "out")
    one = import_claude(tmp_path / "out" / "sample-skill", tmp_path / "one")
    assert [p.name for p in one.written] == ["sample-skill.md"]
    foreign = tmp_path / "foreign" / "pdf-tools"
    foreign.mkdir(parents=True)
    (foreign / "SKILL.md").write_text(
        "---\nname: pdf-tools\ndescription: Works with PDFs.\n---\nBody\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        import_claude(tmp_path / "foreign", tmp_path / "two")
    assert str(caught.value) == (
        f"{foreign / 'SKILL.md'}: not an esc export: metadata.esc-id is missing "
        "(import only folders that esc export claude wrote)"
    )
    assert not (tmp_path / "two").exists()
