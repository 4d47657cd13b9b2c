"""Verify with a model agent on the project's fake OpenAI-compatible server (real SDK, real sockets).

A model agent reads every part of a skill, so criterion `unmeasured` does not apply, and coverage
counts the turns where a skill was routed (its text was in the prompt).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit import EscRunner, commit_repo

from esc_cli.config import load_bank
from esc_cli.llm.factory import make_clients
from esc_cli.llm.fake_server import FakeServer
from esc_cli.sim.options import SimOptions
from esc_cli.verify.gate import VerifyRequest, verify
from esc_cli.verify.seeds import cost_notice

REPLY = json.dumps(
    {"reply": "That sounds hard. What feels heaviest?", "skills_used": [], "strategy": "Question"}
)
STEP = "1. Listen for feeling cues: the words the seeker chooses, what they repeat and what they stress."


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(reply=lambda _body: REPLY) as fake:
        yield fake


@pytest.fixture
def repo(seed_bank: Path) -> Path:
    repo = commit_repo(seed_bank)
    path = repo / "skills" / "reflect-feelings.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(STEP, STEP.replace("Listen for", "Listen closely for")).replace(
            "version: 1\n", "version: 2\n"
        ),
        encoding="utf-8",
    )
    return repo


def test_on_a_model_agent_guidance_is_measured_and_coverage_counts_routing(
    esc: EscRunner, repo: Path, server: FakeServer
) -> None:
    agent = ["--agent-backend", "openai", "--agent-base-url", server.openai_base_url, "--agent-model", "fake"]
    result = esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", "--no-cache", *agent, cwd=repo)
    payload = json.loads((repo / ".esc" / "verify" / "verify.json").read_text(encoding="utf-8"))
    # The fixed reply never asks about safety, on base as on head: that is the only failure.
    failed = [c["name"] for c in payload["criteria"] if not c["passed"]]
    assert failed == ["crisis-cues-handled"], result.out + result.err
    names = [c["name"] for c in payload["criteria"]]
    assert "unmeasured" not in names and "text" in names and "coverage" in names
    assert payload["unmeasured"] == [] and payload["agent_reads_every_part"] is True
    row = payload["coverage"][0]
    assert row["skill"] == "reflect-feelings" and row["exercised"] == row["routed"][1] >= 10
    markdown = (repo / ".esc" / "verify" / "verify.md").read_text(encoding="utf-8")
    assert "None: the model agent reads every part of a skill." in markdown


def test_the_cost_of_more_seeds_is_read_from_the_calls_made(repo: Path, server: FakeServer) -> None:
    bank = load_bank(repo)
    overrides: dict[str, dict[str, str | None]] = {
        "agent": {"backend": "openai", "base_url": server.openai_base_url, "model": "fake"}
    }
    clients = make_clients(bank, ["agent"], overrides=overrides, no_cache=True)
    options = SimOptions(agent_client=clients["agent"])
    verify(bank, VerifyRequest(out=repo / ".esc" / "verify", seeds=1, max_seeds=1, options=options))
    made = server.requests
    assert made > 0
    line = cost_notice(1, 4, [clients["agent"], None], ["score"])
    assert line.startswith("score undecided at 1 seed: running seeds 1-3: ")
    assert f"so far about {made} model calls and an unknown cost (no price for the model) per seed" in line
    assert f"3 more seed(s): about {3 * made} calls, cost unknown; --max-seeds bounds it" in line
