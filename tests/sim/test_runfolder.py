"""Run folders: resume, atomic files, and bad input as one line with exit 2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sim_helpers import EscRunner

from esc_cli.bank.load import load_skills
from esc_cli.errors import InputError
from esc_cli.iu.labeller import default_labeller
from esc_cli.sim.dialogue import run_dialogue
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.runfolder import run_config, run_to_folder

SEEDS = 2


def _run(esc: EscRunner, bank: Path, out: Path, *extra: str) -> None:
    result = esc("sim", "run", "--seeds", str(SEEDS), "--out", str(out), *extra, cwd=bank)
    assert result.code == 0, result.err


def test_resume_after_a_torn_line_ends_byte_identical(bank: Path, esc: EscRunner) -> None:
    full, cut = bank / "runs" / "full", bank / "runs" / "cut"
    _run(esc, bank, full)
    _run(esc, bank, cut)
    lines = (cut / "dialogues.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    # A crash after three dialogues, in the middle of writing the fourth; no summary yet.
    (cut / "dialogues.jsonl").write_text("".join(lines[:3]) + lines[3][:40], encoding="utf-8")
    (cut / "summary.json").unlink()
    assert esc("sim", "show", str(cut), cwd=bank).code == 2

    _run(esc, bank, cut, "--resume")
    assert (cut / "dialogues.jsonl").read_bytes() == (full / "dialogues.jsonl").read_bytes()
    assert json.loads((cut / "summary.json").read_text()) == json.loads((full / "summary.json").read_text())


def test_resume_skips_finished_dialogues(bank: Path, esc: EscRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    ran: list[str] = []

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(args[2].id)
        return await run_dialogue(*args, **kwargs)

    monkeypatch.setattr("esc_cli.sim.runner.run_dialogue", counting)
    _run(esc, bank, out, "--resume")
    assert ran == []  # all finished: nothing runs again, the summary is rewritten
    lines = (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "dialogues.jsonl").write_text("".join(lines[:3]), encoding="utf-8")
    _run(esc, bank, out, "--resume")
    assert len(ran) == len(lines) - 3


def test_resume_refuses_a_changed_bank(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    (bank / "skills" / "warm-close.md").unlink()
    result = esc("sim", "run", "--seeds", str(SEEDS), "--out", str(out), "--resume", cwd=bank)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"error: {out / 'run.json'}: this run was made with a different bank_hash, skill_hashes "
        "(resume with the same bank, profiles and options, or choose another --out)"
    ]


def test_an_existing_run_folder_is_not_overwritten(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    before = (out / "dialogues.jsonl").read_bytes()
    result = esc("sim", "run", "--out", str(out), cwd=bank)
    assert result.code == 2
    assert "already holds files (pass --resume to finish that run, or choose another --out)" in result.err
    assert (out / "dialogues.jsonl").read_bytes() == before


class Exploding:
    """A labeller that fails for good after `calls` supporter replies, like a backend that dies."""

    def __init__(self, calls: int) -> None:
        self.inner = default_labeller()
        self.left = calls

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def support_actions(self, text: str) -> list[str]:
        self.left -= 1
        if self.left < 0:
            raise InputError(None, "backend gone")
        return self.inner.support_actions(text)


def test_a_failed_run_leaves_only_whole_lines_and_no_summary(bank: Path) -> None:
    skills = load_skills(bank / "skills")
    profiles = load_profile_set(bank / "profiles" / "verify")
    options = SimOptions(labeller=Exploding(25))
    out = bank / "runs" / "failed"
    config = run_config(skills, profiles, SEEDS, options, profile_set="verify")
    with pytest.raises(ExceptionGroup):
        asyncio.run(run_to_folder(out, skills, profiles, SEEDS, options, config))
    assert sorted(p.name for p in out.iterdir()) == ["dialogues.jsonl", "run.json"]
    text = (out / "dialogues.jsonl").read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")
    assert all(json.loads(line)["turns"] for line in text.splitlines())


def test_missing_profile_folder_is_one_line_exit_2(bank: Path, esc: EscRunner) -> None:
    result = esc("sim", "run", "--profiles", "no/such/folder", cwd=bank)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "error: no/such/folder: no such file or folder (check the path)"
    ]
    assert not (bank / "runs").exists()


def test_corrupt_dialogues_is_one_line_exit_2(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    lines = (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = '{"profile": "x", "seed": 0}\n'
    (out / "dialogues.jsonl").write_text("".join(lines), encoding="utf-8")
    for args in (
        ("sim", "show", str(out)),
        ("sim", "run", "--seeds", str(SEEDS), "--out", str(out), "--resume"),
    ):
        result = esc(*args, cwd=bank)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1
        assert result.err.startswith(f"error: {out / 'dialogues.jsonl'} -> line 2: not a dialogue record")
