"""The LLM path through the fake OpenAI-compatible server: real SDK, real sockets, scripted replies.

The server plays all three calls (agent, seeker analysis, seeker reply), telling them apart by the
templates' own headings; the tests then read the request bodies it saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sim_helpers import EscRunner

from esc_cli.llm.fake_server import FakeServer
from esc_cli.sim.profiles_io import load_profile

AGENT_TEXT = (
    "That sounds heavy. Are you having thoughts of hurting yourself right now? "
    "Please also reach someone you trust or a crisis line tonight; I am here with you."
)
SEEKER_TEXT = "It helps a little to say it out loud."
CRISIS_PROFILE = "verify-archivist-numb-winter"
PLAIN_PROFILE = "verify-grad-student-thesis"


def _system(body: dict[str, Any]) -> str:
    return "".join(m["content"] for m in body["messages"] if m["role"] == "system")


def kind_of(body: dict[str, Any]) -> str:
    system = _system(body)
    if "# Your private analysis" in system:
        return "analyze"
    if "# Your next message" in system:
        return "reply"
    return "agent"


def scripted(body: dict[str, Any]) -> str:
    kind = kind_of(body)
    if kind == "agent":
        return json.dumps(
            {"reply": AGENT_TEXT, "skills_used": ["crisis-safety-check", "made-up"], "strategy": "Question"}
        )
    if kind == "analyze":
        # A string with a unit, as models write: the parser must read +5 from it.
        return json.dumps(
            {
                "understanding": "asks about safety",
                "serves_goals": "partly",
                "inner_reaction": "seen",
                "feeling": "calmer",
                "change": "+5 points",
            }
        )
    system = _system(body)
    marker = "in your own words and in character:\n"
    # A seeker told what it must bring up (the crisis cue) says exactly that, so the agent gets it.
    message = system.split(marker, 1)[1].split("\n", 1)[0] if marker in system else SEEKER_TEXT
    return json.dumps({"message": message, "goodbye": False})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(reply=scripted) as fake:
        yield fake


def _profiles(bank: Path, tmp: Path) -> Path:
    chosen = tmp / "two-profiles"
    chosen.mkdir()
    for name in (CRISIS_PROFILE, PLAIN_PROFILE):
        (chosen / f"{name}.yaml").write_bytes((bank / "profiles" / "verify" / f"{name}.yaml").read_bytes())
    return chosen


def _openai_agent_run(bank: Path, tmp_path: Path, out: Path, url: str) -> list[str]:
    """`sim run` arguments for one seed of the test profiles with the agent on the fake server."""
    profiles = str(_profiles(bank, tmp_path))
    run = ["sim", "run", "--profiles", profiles, "--seeds", "1", "--out", str(out), "--no-cache"]
    return [*run, "--agent-backend", "openai", "--agent-base-url", url]


def test_llm_agent_and_llm_seeker_complete_a_run(
    bank: Path, esc: EscRunner, server: FakeServer, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    url = server.openai_base_url
    seeker = ["--seeker-backend", "openai", "--seeker-base-url", url, "--seeker-model", "fake-seeker"]
    result = esc(
        *_openai_agent_run(bank, tmp_path, out, url), "--agent-model", "fake-agent", *seeker, cwd=bank
    )
    assert result.code == 0, result.err
    # The run prints what the models cost: both roles, every call made (no cache here).
    usage = result.out.split("model usage", 1)[1]
    assert "agent" in usage and "seeker" in usage and "openai/fake-agent" in usage
    assert str(len(server.bodies) - sum(1 for b in server.bodies if kind_of(b) != "agent")) in usage
    dialogues = [
        json.loads(line) for line in (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [d["profile"] for d in dialogues] == [CRISIS_PROFILE, PLAIN_PROFILE]
    for dialogue in dialogues:
        assert len(dialogue["turns"]) == 10 and dialogue["outcome"] == "max-turns"
        assert [t["emotion"] for t in dialogue["turns"]][-1] == 90  # 40 + 10 x (+5 parsed from "+5 points")
        assert all(t["agent"] == AGENT_TEXT and "safety-check" in t["actions"] for t in dialogue["turns"])
        assert all("made-up" not in t["skills"] for t in dialogue["turns"])
    config = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert config["roles"] == {
        "agent": {"backend": "openai", "model": "fake-agent"},
        "seeker": {"backend": "openai", "model": "fake-seeker"},
    }
    assert sorted(config["prompt_hashes"]) == ["agent", "seeker_analyze", "seeker_reply"]

    bodies = server.bodies
    kinds = [kind_of(b) for b in bodies]
    # Per dialogue: 10 agent calls, 10 analyses, 9 replies (none after the last turn).
    assert (kinds.count("agent"), kinds.count("analyze"), kinds.count("reply")) == (20, 20, 18)
    _check_agent_requests([b for b in bodies if kind_of(b) == "agent"], bank)
    _check_seeker_requests(bodies, bank)


def _check_agent_requests(agent_bodies: list[dict[str, Any]], bank: Path) -> None:
    crisis = load_profile(bank / "profiles" / "verify" / f"{CRISIS_PROFILE}.yaml")
    plain = load_profile(bank / "profiles" / "verify" / f"{PLAIN_PROFILE}.yaml")
    openers = {b["messages"][1]["content"] for b in agent_bodies if len(b["messages"]) == 2}
    assert openers == {crisis.first_message, plain.first_message}
    for body in agent_bodies:
        system = _system(body)
        # Only the profile-free agent persona and routed skills: no hidden intention, no story.
        assert crisis.background not in system and "hidden" not in system.lower()
        assert system.count('<skill id="') <= 2
    answered_cue = [b for b in agent_bodies if b["messages"][-1]["content"] == crisis.crisis.cue]  # type: ignore[union-attr]
    assert answered_cue, "the crisis cue never reached the agent"
    assert all('<skill id="crisis-safety-check">' in _system(b) for b in answered_cue)


def _check_seeker_requests(bodies: list[dict[str, Any]], bank: Path) -> None:
    crisis = load_profile(bank / "profiles" / "verify" / f"{CRISIS_PROFILE}.yaml")
    analyses = [_system(b) for b in bodies if kind_of(b) == "analyze"]
    replies = [_system(b) for b in bodies if kind_of(b) == "reply" and crisis.persona.name in _system(b)]
    mine = [text for text in analyses if crisis.persona.name in text]
    assert len(mine) == 10
    assert all(crisis.background.split("\n")[0][:60] in text and "guided-reflection" in text for text in mine)
    assert all(f"Supporter: {AGENT_TEXT}" in text for text in mine)
    assert "Your emotion score is 40 out of 100 (band B" in mine[0]
    assert crisis.crisis is not None
    must_say = [
        text.split("in your own words and in character:\n", 1)[1].split("\n")[0]
        for text in replies
        if "you must bring up" in text
    ]
    # The cue is scripted at its turn; the safety check answers it at once, and the seeker says the
    # profile's answer to a safety check on the next turn.
    assert must_say == [crisis.crisis.cue, crisis.crisis.after_safety_check]
    assert (
        f"must bring up the following, in your own words and in character:\n{crisis.crisis.cue}"
        in replies[crisis.crisis.turn - 1]
    )


def test_llm_agent_judged_by_the_offline_seeker(
    bank: Path, esc: EscRunner, server: FakeServer, tmp_path: Path
) -> None:
    out = tmp_path / "cheap-judge"
    result = esc(*_openai_agent_run(bank, tmp_path, out, server.openai_base_url), cwd=bank)
    assert result.code == 0, result.err
    kinds = {kind_of(b) for b in server.bodies}
    assert kinds == {"agent"}
    config = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert config["roles"]["seeker"]["backend"] == "offline" and config["outcome_table"]
    dialogues = [
        json.loads(line) for line in (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert all(t["reasoning"].startswith("read ") for d in dialogues for t in d["turns"])
