"""`esc skill fmt|show|schema`: the commands of esc_cli/cli/skill.py that lint's tests do not cover."""

from __future__ import annotations

from pathlib import Path

from testkit import EscRunner, make_bank, skill_text

from esc_cli.bank.files import dump_skill, load_skill


def _untidy(root: Path) -> Path:
    path = root / "skills" / "sample-skill.md"
    path.write_text(skill_text().replace("version: 1\n", "version:   1\n") + "\n\n", encoding="utf-8")
    return path


def test_fmt_check_then_fmt(tmp_path: Path, esc: EscRunner) -> None:
    root = make_bank(tmp_path)
    untidy = _untidy(root)
    check = esc("skill", "fmt", "--check", cwd=root)
    assert check.code == 1
    assert f"would reformat {untidy}" in check.out
    assert esc("skill", "fmt", cwd=root).code == 0
    assert untidy.read_text(encoding="utf-8") == dump_skill(load_skill(untidy))
    assert esc("skill", "fmt", "--check", cwd=root).code == 0


def test_fmt_rewrites_nothing_when_a_file_is_unreadable(tmp_path: Path, esc: EscRunner) -> None:
    root = make_bank(tmp_path)
    untidy = _untidy(root)
    before = untidy.read_text(encoding="utf-8")
    (root / "skills" / "zz-broken.md").write_bytes(b"---\nid: [unclosed\n---\n")
    result = esc("skill", "fmt", cwd=root)
    assert result.code == 2
    assert "zz-broken.md -> line 3, column 1: malformed YAML" in result.err
    assert untidy.read_text(encoding="utf-8") == before


def test_fmt_skips_what_lint_skips_and_needs_the_skills_folder(tmp_path: Path, esc: EscRunner) -> None:
    root = make_bank(tmp_path)
    assert esc("skill", "fmt", cwd=root).code == 0
    (root / "skills" / "folder.md").mkdir()
    assert esc("skill", "fmt", "--check", cwd=root).code == 0
    assert esc("skill", "lint", cwd=root).code == 0
    (root / "pyproject.toml").write_text('[tool.esc]\nskills = "nowhere"\n', encoding="utf-8")
    result = esc("skill", "fmt", cwd=root)
    assert result.code == 2
    assert "nowhere: skills folder not found" in result.err
