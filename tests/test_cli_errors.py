"""How the CLI ends: expected errors are one line with their exit code; a crash is one line and a log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import EscRunner, make_bank

import esc_cli.bank.load
from esc_cli.errors import BackendError


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


KEY = "sk-esc-crash-DISTINCTIVE-91be2c"


def _break_skill_list(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(esc_cli.bank.load, "skill_files", broken)


def test_the_crash_log_is_scrubbed_of_api_keys(
    esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server that echoes the key in its error body, and a traceback that shows it.
    make_bank(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    _break_skill_list(monkeypatch, RuntimeError(f"401 from server: key {KEY} is not valid"))
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 3 and KEY not in result.err
    match = re.search(r"details in (\S+);", result.err)
    assert match
    log = Path(match[1]).read_text(encoding="utf-8")
    Path(match[1]).unlink()
    assert "key *** is not valid" in log and KEY not in log


def test_an_exception_group_shows_its_first_esc_error_in_one_line(
    esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bank(tmp_path)
    inner = ExceptionGroup("nested", [BackendError("openai m (agent): gave up (start the server)")])
    group = ExceptionGroup("unhandled errors in a TaskGroup", [ValueError("cancelled sibling"), inner])
    _break_skill_list(monkeypatch, group)
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "error: openai m (agent): gave up (start the server)\n"


def test_an_exception_group_of_bugs_is_a_crash_with_every_traceback_logged(
    esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bank(tmp_path)
    _break_skill_list(monkeypatch, ExceptionGroup("two bugs", [KeyError("a"), ZeroDivisionError("b")]))
    result = esc("skill", "list", cwd=tmp_path)
    assert result.code == 3
    match = re.fullmatch(
        r"esc crashed: ExceptionGroup: two bugs \(2 sub-exceptions\) \(details in (\S+); please report it\)\n",
        result.err,
    )
    assert match, result.err
    log = Path(match[1]).read_text(encoding="utf-8")
    Path(match[1]).unlink()
    assert "KeyError: 'a'" in log and "ZeroDivisionError: b" in log


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
