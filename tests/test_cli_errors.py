"""How the CLI ends: expected errors are one line with their exit code; a crash is one line and a log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import EscRunner, make_bank

import esc_cli.bank.load


def test_crash_is_one_line_exit_three_and_a_log(
    esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bank(tmp_path)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(esc_cli.bank.load, "skill_files", broken)
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 3
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    match = re.fullmatch(
        r"esc crashed: RuntimeError: disk on fire \(details in (\S+); please report it\)", lines[0]
    )
    assert match
    log = Path(match[1]).read_text(encoding="utf-8")
    assert "Traceback" in log and "disk on fire" in log
    Path(match[1]).unlink()


def test_bad_bank_setting_names_the_key(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.esc]\nconcurrency = "many"\n', encoding="utf-8")
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 2
    assert "pyproject.toml -> tool.esc.concurrency: Input should be a valid integer" in result.err


def test_bank_option_overrides_the_walk(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path / "elsewhere")
    result = esc("--bank", str(tmp_path / "elsewhere"), "skill", "list", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "sample-skill" in result.out
