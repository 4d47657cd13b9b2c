"""Run folders: resume, atomic files, and bad input as one line with exit 2."""

from __future__ import annotations

import asyncio
import json
import resource
import signal
from pathlib import Path

import pytest
from sim_helpers import EscRunner

from esc_cli.bank.load import load_skills
from esc_cli.errors import IncompleteRun, InputError
from esc_cli.iu.labeller import default_labeller
from esc_cli.sim.dialogue import run_dialogue
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue
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
        f"error: {out / 'run.json'}: this run was made with other settings: bank_hash, skill_hashes differ "
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


def test_a_failed_dialogue_is_recorded_the_others_finish_and_resume_redoes_only_it(bank: Path) -> None:
    skills = load_skills(bank / "skills")
    profiles = load_profile_set(bank / "profiles" / "verify")
    options = SimOptions(labeller=Exploding(25))
    out = bank / "runs" / "failed"
    config = run_config(skills, profiles, SEEDS, options, profile_set="verify")
    with pytest.raises(IncompleteRun) as caught:
        asyncio.run(run_to_folder(out, skills, profiles, SEEDS, options, config))
    total = len(profiles) * SEEDS
    assert str(caught.value).startswith(f"{len(caught.value.failed)} of {total} dialogues failed; first, ")
    assert str(caught.value).endswith(
        f"finish the run with `esc sim run --resume --out {out}` and the same options"
    )
    # Incomplete: no summary; every dialogue has a whole line, the failed ones with their error.
    assert sorted(p.name for p in out.iterdir()) == ["dialogues.jsonl", "run.json"]
    records = [
        json.loads(line) for line in (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) == total
    failed = {f"{r['profile']}#{r['seed']}" for r in records if r["outcome"] == "error"}
    assert failed == set(caught.value.failed)
    assert 0 < len(failed) < total
    assert all(r["error"] == "backend gone" and not r["turns"] for r in records if r["outcome"] == "error")
    assert all("error" not in r and r["turns"] for r in records if r["outcome"] != "error")

    # --resume runs the failed dialogues only and ends with the bytes of an uninterrupted run.
    good = SimOptions(labeller=default_labeller())
    counting = Counting()
    good_config = run_config(skills, profiles, SEEDS, good, profile_set="verify")
    asyncio.run(
        run_to_folder(out, skills, profiles, SEEDS, good, good_config, resume=True, progress=counting)
    )
    assert counting.total == len(failed)
    fresh = bank / "runs" / "fresh"
    asyncio.run(run_to_folder(fresh, skills, profiles, SEEDS, good, good_config))
    assert (out / "dialogues.jsonl").read_bytes() == (fresh / "dialogues.jsonl").read_bytes()
    assert (out / "summary.json").read_bytes() == (fresh / "summary.json").read_bytes()


class Counting:
    """A progress callback that remembers how many dialogues the run had to do."""

    def __init__(self) -> None:
        self.total = -1

    def __call__(self, done: int, total: int, _dialogue: Dialogue) -> None:
        self.total = total


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


READERS = (
    ("sim", "show"),
    ("evolve", "analyze"),
    ("sim", "compare", "{run}"),
    ("report", "--compare", "{run}"),
)


def _read_commands(run: Path) -> list[tuple[str, ...]]:
    """Every command that reads a run folder, pointed at `run` (compare gets it twice)."""
    return [tuple(a.replace("{run}", str(run)) for a in (*cmd, str(run))) for cmd in READERS]


def test_a_truncated_finished_run_is_refused_by_every_reader(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    lines = (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "dialogues.jsonl").write_text("".join(lines[:5]), encoding="utf-8")  # summary.json still says 34
    for command in _read_commands(out):
        result = esc(*command, cwd=bank)
        assert result.code == 2, (command, result.err)
        assert f"holds 5 dialogue(s) but summary.json counts {len(lines)}" in result.err, result.err
        assert f"esc sim run --resume --out {out}" in result.err
    # The run page shows the disagreement itself, in a note at the top.
    page = esc("report", str(out), cwd=bank)
    assert page.code == 0, page.err
    assert f"summary.json counts {len(lines)} dialogues but dialogues.jsonl holds 5" in (
        out / "report.html"
    ).read_text(encoding="utf-8")
    _run(esc, bank, out, "--resume")
    assert esc("sim", "show", str(out), cwd=bank).code == 0


def test_a_non_utf8_dialogue_file_is_one_line(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "r"
    _run(esc, bank, out)
    raw = (out / "dialogues.jsonl").read_bytes()
    second = raw.index(b"\n") + 1
    (out / "dialogues.jsonl").write_bytes(raw[: second + 10] + b"\xe9" + raw[second + 11 :])
    for command in _read_commands(out):
        result = esc(*command, cwd=bank)
        assert result.code == 2, (command, result.err)
        assert f"{out / 'dialogues.jsonl'} -> line 2: not valid UTF-8" in result.err
    resume = esc("sim", "run", "--seeds", str(SEEDS), "--out", str(out), "--resume", cwd=bank)
    assert resume.code == 2 and "not valid UTF-8" in resume.err


def test_a_folder_that_is_not_a_run_is_named_as_such(bank: Path, esc: EscRunner) -> None:
    (bank / "runs").mkdir(exist_ok=True)
    (bank / "notes.txt").write_text("x\n", encoding="utf-8")
    folder = esc("sim", "show", "runs", cwd=bank)
    assert folder.code == 2
    assert folder.err.startswith("error: runs: not a run folder: it has no run.json")
    file = esc("evolve", "analyze", "notes.txt", cwd=bank)
    assert file.code == 2 and "notes.txt: is a file, not a run folder" in file.err


def test_a_full_disk_mid_run_is_one_line_exit_2(bank: Path, esc: EscRunner) -> None:
    # The file-size limit makes the kernel refuse writes past 20 kB, as a full disk would (EFBIG).
    out = bank / "runs" / "full"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, hard))
    try:
        result = esc("sim", "run", "--seeds", "1", "--out", str(out), cwd=bank)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    # One line naming the file, the cause and a fix.
    assert lines[0].startswith(f"error: {out / 'dialogues.jsonl'}: cannot write")
    assert "File too large (free some" in lines[0] and lines[0].endswith(")")
