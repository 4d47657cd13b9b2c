"""`--batch` from the command line: sim run, skill verify and evolve against the fake server's batch APIs.

The agent runs on the fake Anthropic server through the real SDK; the seeker stays offline, so each
turn of all dialogues is exactly one batch (the agent's replies of that turn).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, commit_repo

from esc_cli.llm.batch_journal import read_journal
from esc_cli.llm.fake_server import FakeServer

PROFILES = ("verify-archivist-numb-winter", "verify-grad-student-thesis", "verify-nurse-night-shift")
TURNS = 4


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-esc-batch-test")


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(batch_delay=0.05) as fake:
        yield fake


def fast_polls(bank: Path) -> Path:
    pyproject = bank / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace("[tool.esc]\n", "[tool.esc]\nbatch_poll = 0.05\n", 1)
    pyproject.write_text(text, encoding="utf-8")
    return bank


def some_profiles(bank: Path) -> Path:
    chosen = bank / "profiles" / "three"
    chosen.mkdir()
    for name in PROFILES:
        source = bank / "profiles" / "verify" / f"{name}.yaml"
        if source.exists():
            (chosen / source.name).write_bytes(source.read_bytes())
    assert any(chosen.iterdir())
    return chosen


def run_args(profiles: Path, out: Path, url: str) -> list[str]:
    return [
        "sim", "run", "--profiles", str(profiles), "--seeds", "2", "--max-turns", str(TURNS),
        "--out", str(out), "--agent-backend", "anthropic", "--agent-base-url", url, "--batch",
    ]  # fmt: skip


def test_sim_run_sends_one_batch_per_turn_and_a_rerun_sends_nothing(
    bank: Path, esc: EscRunner, server: FakeServer, keyed: None
) -> None:
    fast_polls(bank)
    profiles = some_profiles(bank)
    first = esc(*run_args(profiles, bank / "runs" / "one", server.anthropic_base_url), cwd=bank)
    assert first.code == 0, first.err
    stats = server.stats()
    dialogues = [
        json.loads(line) for line in (bank / "runs" / "one" / "dialogues.jsonl").read_text().splitlines()
    ]
    steps = max(len(d["turns"]) for d in dialogues)
    # One batch per turn (the seeker is offline), each holding the agent call of every dialogue still
    # running; no single call at all.
    assert stats["batches"] == steps and stats["requests"] == 0
    journal = read_journal(bank / "runs" / "one")
    assert (
        stats["batched_requests"]
        == sum(len(e.ids) for e in journal)
        <= sum(len(d["turns"]) for d in dialogues)
    )
    # The first turn of both seeds of a profile is the same request (Anthropic takes no seed): sent once.
    assert len(journal[0].ids) == len(dialogues) // 2
    assert "batched" in first.out and "batch saving" in first.out
    assert f"batch mode: {steps} batch(es) submitted" in first.out

    again = esc(*run_args(profiles, bank / "runs" / "two", server.anthropic_base_url), cwd=bank)
    assert again.code == 0, again.err
    # Cached exactly like single calls: the rerun sends no request of any kind.
    assert server.stats()["batch_api_requests"] == stats["batch_api_requests"]
    assert "batch mode: 0 batch(es) submitted" in again.out
    one = (bank / "runs" / "one" / "dialogues.jsonl").read_bytes()
    assert one == (bank / "runs" / "two" / "dialogues.jsonl").read_bytes()


def test_batch_with_every_role_offline_is_refused(bank: Path, esc: EscRunner) -> None:
    result = esc("sim", "run", "--seeds", "1", "--batch", cwd=bank)
    assert result.code == 2
    assert "--batch has nothing to send: every role runs offline" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_a_killed_batched_run_resumes_by_polling(bank: Path, esc: EscRunner, keyed: None) -> None:
    fast_polls(bank)
    profiles = some_profiles(bank)
    out = bank / "runs" / "killed"
    with FakeServer(batch_delay=0.8) as server:
        args = run_args(profiles, out, server.anthropic_base_url)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        child = subprocess.Popen(
            [sys.executable, "-c", "from esc_cli.cli.main import entry; entry()", *args],
            cwd=bank, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(read_journal(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)  # mid-run, while the second turn's batch is processing
        child.wait(timeout=10)
        before = server.stats()["batches"]
        assert before == 2 and len(read_journal(out)) == 2

        resumed = esc(*args, "--resume", cwd=bank)
        assert resumed.code == 0, resumed.err
        dialogues = [json.loads(line) for line in (out / "dialogues.jsonl").read_text().splitlines()]
        steps = max(len(d["turns"]) for d in dialogues)
        # The turn in flight was collected from its journaled batch; only later turns were submitted.
        assert server.stats()["batches"] == steps
        assert "1 resumed by polling" in resumed.out
        assert len(dialogues) == 2 * len(list(profiles.iterdir()))


def test_skill_verify_batches_both_sides(
    seed_bank: Path, esc: EscRunner, server: FakeServer, keyed: None
) -> None:
    repo = commit_repo(fast_polls(seed_bank))
    skill = next((repo / "skills").glob("*.md"))
    skill.write_text(skill.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = esc(
        "skill", "verify", "--seeds", "1", "--profiles", "profiles/verify", "--agent-backend", "anthropic",
        "--agent-base-url", server.anthropic_base_url, "--batch", cwd=repo,
    )  # fmt: skip
    assert result.code in (0, 1), result.err
    assert "batch mode:" in result.out and server.stats()["requests"] == 0
    journal = read_journal(repo / ".esc" / "verify")
    assert journal and server.stats()["batches"] == len(journal)


def test_evolve_refuses_batch_without_a_model_role(seed_bank: Path, esc: EscRunner) -> None:
    result = esc("evolve", "--dry-run", "--rounds", "1", "--batch", cwd=seed_bank)
    assert result.code == 2 and "--batch has nothing to send" in result.err


def test_evolve_batches_its_simulations(
    seed_bank: Path, esc: EscRunner, server: FakeServer, keyed: None
) -> None:
    small = seed_bank / "profiles" / "small"
    small.mkdir()
    for path in sorted((seed_bank / "profiles" / "train").glob("*.yaml"))[:3]:
        (small / path.name).write_bytes(path.read_bytes())
    repo = commit_repo(fast_polls(seed_bank))
    result = esc(
        "evolve", "--dry-run", "--rounds", "1", "--seeds", "1", "--max-proposals", "1", "--profiles", "profiles/small",
        "--agent-backend", "anthropic", "--agent-base-url", server.anthropic_base_url, "--batch", cwd=repo,
    )  # fmt: skip
    assert result.code == 0, result.err
    journal = read_journal(repo / ".esc")
    # Evolve's output folder is new every run, so its journal lives next to the cache.
    assert not journal and (repo / ".esc" / "evolve-batches.jsonl").is_file()
    lines = (repo / ".esc" / "evolve-batches.jsonl").read_text(encoding="utf-8").splitlines()
    assert server.stats()["batches"] == len(lines) > 0 and server.stats()["requests"] == 0
    assert f"batch mode: {len(lines)} batch(es) submitted" in result.out
