"""`esc init`: a bank into a new or existing folder, and one line with nothing created on bad input."""

from __future__ import annotations

from pathlib import Path

from testkit import EscRunner


def test_init_appends_the_table_once_and_the_bank_lints(tmp_path: Path, esc: EscRunner) -> None:
    target = tmp_path / "bank"
    target.mkdir()
    (target / "pyproject.toml").write_text('[project]\nname = "mine"', encoding="utf-8")
    assert esc("init", str(target)).code == 0
    text = (target / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith('[project]\nname = "mine"\n\n[tool.esc]\n')
    assert esc("skill", "lint", cwd=target).code == 0


def test_init_reads_a_dotted_tool_esc_table_as_present(tmp_path: Path, esc: EscRunner) -> None:
    (tmp_path / "pyproject.toml").write_text('tool.esc.engine = "offline"\n', encoding="utf-8")
    assert esc("init", str(tmp_path)).code == 0
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == 'tool.esc.engine = "offline"\n'


def test_init_refuses_a_pyproject_it_cannot_read_and_creates_nothing(tmp_path: Path, esc: EscRunner) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b'[project]\nname = "caf\xe9"\n')
    result = esc("init", str(tmp_path))
    assert result.code == 2
    assert result.err.startswith(f"error: {pyproject}: cannot read it as TOML:")
    assert result.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_init_into_a_folder_it_cannot_create_is_one_line(tmp_path: Path, esc: EscRunner) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = esc("init", str(blocker / "bank"))
    assert result.code == 2
    assert result.err.startswith(f"error: {blocker / 'bank'}: cannot be used as the bank folder")
