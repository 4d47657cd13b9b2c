"""`esc export claude` and `esc import claude` through the real CLI: outputs, paths and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

from testkit import REPO, EscRunner, make_bank, skill_text


def test_export_writes_to_dot_claude_skills_in_the_current_folder(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank")
    project = tmp_path / "project"
    project.mkdir()
    done = esc("--bank", str(bank), "export", "claude", cwd=project)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "wrote .claude/skills/crisis-check/",
        "wrote .claude/skills/sample-skill/",
        "wrote .claude/skills/emotional-support/",
        "descriptions: 558 of 8,000 characters (--description-budget)",
        "3 skill folders in .claude/skills (2 skills and the umbrella skill)",
    ]
    assert (project / ".claude" / "skills" / "sample-skill" / "references" / "conditions.md").is_file()


def test_agents_and_only_choose_the_folder_and_the_skills(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank")
    done = esc("--bank", str(bank), "export", "claude", "--agents", "--only", "sample-skill", cwd=tmp_path)
    assert done.code == 0, done.err
    assert sorted(p.name for p in (tmp_path / ".agents" / "skills").iterdir()) == [
        ".esc-export.json",  # the manifest, written last
        "crisis-check",  # the crisis skill always comes along
        "emotional-support",
        "sample-skill",
    ]


def test_bad_input_exits_2_with_one_line(tmp_path: Path, esc: EscRunner) -> None:
    bank = make_bank(tmp_path / "bank")
    both = esc("--bank", str(bank), "export", "claude", "--agents", "--out", "x", cwd=tmp_path)
    assert (both.code, both.err) == (
        2,
        "error: --agents: --out and --agents both choose the output folder (pass only one)\n",
    )
    unknown = esc("--bank", str(bank), "export", "claude", "--only", "sample-skil", cwd=tmp_path)
    assert (unknown.code, unknown.err) == (
        2,
        "error: --only: unknown active skill 'sample-skil' (did you mean 'sample-skill'?) "
        "(see `esc skill list`)\n",
    )
    (bank / "skills" / "broken.md").write_text(
        skill_text("broken").replace("stage: exploration", "stage: nowhere")
    )
    broken = esc("--bank", str(bank), "export", "claude", cwd=tmp_path)
    assert broken.code == 2 and broken.err.startswith(
        f"error: {bank / 'skills' / 'broken.md'} -> stage: unknown stage"
    )
    assert not (tmp_path / ".claude").exists()
    missing = esc("--bank", str(bank), "import", "claude", str(tmp_path / "nowhere"))
    assert (missing.code, missing.err) == (
        2,
        f"error: {tmp_path / 'nowhere'}: not a folder "
        "(pass the folder esc export claude wrote, e.g. .claude/skills)\n",
    )


def test_only_always_brings_the_crisis_skill(esc: EscRunner, tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(REPO / "skills", bank / "skills")
    (bank / "pyproject.toml").write_text("[tool.esc]\n", encoding="utf-8")
    result = esc("export", "claude", "--only", "reflect-feelings", "--out", "out", cwd=bank)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (bank / "out").iterdir()) == [
        ".esc-export.json",
        "crisis-safety-check",
        "emotional-support",
        "reflect-feelings",
    ]


def test_full_export_removes_folders_of_skills_no_longer_active(esc: EscRunner, tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(REPO / "skills", bank / "skills")
    (bank / "pyproject.toml").write_text("[tool.esc]\n", encoding="utf-8")
    assert esc("export", "claude", "--out", "out", cwd=bank).code == 0
    hand_written = bank / "out" / "my-own-skill"
    hand_written.mkdir()
    (hand_written / "SKILL.md").write_text(
        "---\nname: my-own-skill\ndescription: Mine.\n---\nBody\n", encoding="utf-8"
    )
    path = bank / "skills" / "gentle-reframe.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: active", "status: deprecated"), encoding="utf-8"
    )
    result = esc("export", "claude", "--out", "out", cwd=bank)
    assert result.code == 0, result.err
    assert "removed out/gentle-reframe/ (no longer an active skill of the bank)" in result.out
    assert not (bank / "out" / "gentle-reframe").exists()
    assert hand_written.is_dir()
