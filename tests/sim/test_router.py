"""Skill routing: conditions, crisis first, stage preference, priority, recency, determinism."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from esc_cli.bank.files import parse_skill
from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill
from esc_cli.sim.router import route_skills, turn_stage

REPO = Path(__file__).resolve().parents[2]


def make(
    skill_id: str,
    stage: str,
    states: list[str],
    *,
    min_turn: int = 0,
    max_turn: int | None = None,
    avoid: list[str] | None = None,
    avoid_window: str = "",
    priority: int = 0,
    crisis: bool = False,
) -> Skill:
    """A skill built from front matter text, as a file would hold it."""
    avoid_block = f"avoid_when:\n  seeker_states: {avoid or []}\n{avoid_window}"
    text = (
        f"---\nid: {skill_id}\ntitle: T\nversion: 1\nstage: {stage}\ncrisis: {str(crisis).lower()}\n"
        f"priority: {priority}\nstrategies: [Question]\nactions: [open-question]\n"
        f"applies_when:\n  seeker_states: {states}\n  min_turn: {min_turn}\n"
        + (f"  max_turn: {max_turn}\n" if max_turn is not None else "")
        + avoid_block
        + "expected_outcome:\n  description: d\n  emotion_delta: [0, 5]\n---\n## Guidance\n\ng\n"
    )
    return parse_skill(text, Path(f"{skill_id}.md"))


EXPLORE = make("explore", "exploration", ["venting"])
COMFORT = make("comfort", "comforting", ["venting", "self-blame"])
ACT = make("act", "action", ["venting", "seeking-advice"], min_turn=3)
CRISIS = make("crisis", "exploration", ["crisis-risk"], priority=100, crisis=True)
BANK = [ACT, COMFORT, CRISIS, EXPLORE]


def ids(skills: list[Skill]) -> list[str]:
    return [s.id for s in skills]


def test_turn_stages_go_exploration_comforting_action() -> None:
    assert [turn_stage(t) for t in range(6)] == ["exploration"] * 2 + ["comforting"] * 2 + ["action"] * 2


def test_stage_that_fits_state_and_turn_comes_first() -> None:
    assert ids(route_skills(["venting"], 0, BANK)) == ["explore", "comfort"]
    assert ids(route_skills(["self-blame"], 2, BANK)) == ["comfort"]
    assert ids(route_skills(["seeking-advice"], 5, BANK)) == ["act"]


def test_turn_window_and_avoid_when() -> None:
    assert "act" not in ids(route_skills(["seeking-advice"], 2, BANK, limit=5))
    late_only = make("late", "comforting", ["venting"], avoid_window="  max_turn: 1\n")
    assert ids(route_skills(["venting"], 1, [late_only])) == []
    assert ids(route_skills(["venting"], 2, [late_only])) == ["late"]
    shy = make("shy", "exploration", ["venting"], avoid=["withdrawal"])
    assert ids(route_skills(["venting", "withdrawal"], 1, [shy])) == []


def test_crisis_skill_always_first_even_when_recent() -> None:
    routed = route_skills(["venting", "crisis-risk"], 0, BANK, recent=["crisis"])
    assert ids(routed) == ["crisis", "explore"]
    assert "crisis" not in ids(route_skills(["venting"], 0, BANK, limit=5))


def test_recent_skills_are_avoided_unless_nothing_else_matches() -> None:
    assert ids(route_skills(["venting"], 0, BANK, recent=["explore"])) == ["comfort"]
    assert ids(route_skills(["venting"], 0, BANK, recent=["explore", "comfort"])) == ["explore", "comfort"]


def test_high_priority_overrides_stage_small_priority_breaks_ties() -> None:
    pushy = make("pushy", "action", ["venting"], priority=10)
    assert ids(route_skills(["venting"], 0, [*BANK, pushy]))[0] == "pushy"
    twin_a = make("twin-a", "exploration", ["venting"])
    twin_b = make("twin-b", "exploration", ["venting"], priority=1)
    assert ids(route_skills(["venting"], 0, [twin_a, twin_b])) == ["twin-b", "twin-a"]
    twin_c = make("twin-c", "exploration", ["venting"])
    assert ids(route_skills(["venting"], 0, [twin_c, twin_a])) == ["twin-a", "twin-c"]  # then by id


def test_routing_the_seed_bank_is_deterministic() -> None:
    skills = load_skills(REPO / "skills")
    first = [ids(route_skills(["venting", "self-blame"], t, skills)) for t in range(10)]
    again = [ids(route_skills(["venting", "self-blame"], t, list(reversed(skills)))) for t in range(10)]
    assert first == again
    assert ids(route_skills(["crisis-risk"], 3, skills))[0] == "crisis-safety-check"


def test_importing_the_router_has_no_side_effects() -> None:
    before = set(sys.modules)
    sys.modules.pop("esc_cli.sim.router", None)
    importlib.import_module("esc_cli.sim.router")
    loaded = set(sys.modules) - before
    assert not any(name.startswith(("esc_cli.llm", "esc_cli.iu", "rich", "click")) for name in loaded)
