"""The LLM analyst and proposer against a scripted model: what the model says is checked, not trusted."""

from __future__ import annotations

from pathlib import Path

from evolve_helpers import dialogue, turn
from testkit import REPO, skill_text

from esc_cli.bank.files import parse_skill
from esc_cli.bank.model import Skill
from esc_cli.evolve.analysis import OfflineAnalyst
from esc_cli.evolve.llm_analyst import LlmAnalyst
from esc_cli.evolve.llm_proposer import LlmProposer
from esc_cli.evolve.proposer import OfflineProposer
from esc_cli.llm.client import ModelClient
from esc_cli.llm.scripted import ScriptedBackend

PROMPTS = REPO / "prompts"


def skill(skill_id: str, states: str, *, crisis: bool = False) -> Skill:
    text = skill_text(skill_id, states=states, crisis=crisis, priority=100 if crisis else 0)
    return parse_skill(text, Path(f"skills/{skill_id}.md"))


SKILLS = [skill("crisis-check", "[crisis-risk]", crisis=True), skill("reflect", "[venting, emotion-unnamed]")]
RUNS = [
    dialogue(
        f"p{i}",
        [turn(0, ["withdrawal"], change=-5), turn(1, ["venting"], skills=["reflect"], change=-5)],
        intention="specific-praise",
    )
    for i in range(2)
]
GOOD = {
    "category": "profile-specific-failure",
    "kind": "hurts-group",
    "summary": "Reflecting feelings leaves  praise-seekers flat.",
    "skill": "reflect",
    "states": ["venting", "not-a-state"],
    "max_turn": None,
    "group": "intention=specific-praise",
    "strength": 0.4,
    "evidence": [{"dialogue": "p0#0", "turn": 1}, {"dialogue": "p9#0", "turn": 1}],
}


def test_model_findings_are_kept_only_when_they_cite_real_turns() -> None:
    invented = {**GOOD, "summary": "Made up.", "evidence": [{"dialogue": "p7#0", "turn": 3}]}
    unknown = {**GOOD, "skill": "no-such-skill"}
    backend = ScriptedBackend([{"findings": [GOOD, invented, unknown]}])
    analyst = LlmAnalyst(ModelClient(backend), PROMPTS, fallback=OfflineAnalyst())
    found = {f.id: f for f in analyst.analyse(RUNS, SKILLS, "round-0")}
    model = found["profile-specific-failure/hurts-group/reflect/venting/intention=specific-praise"]
    assert model.analyst == "llm"
    assert model.summary == "Reflecting feelings leaves praise-seekers flat."
    assert (model.states, model.turns, [e.ref() for e in model.evidence]) == (
        ["venting"],
        1,
        ["round-0 p0#0 turn 1"],
    )
    assert "missing-skill/no-skill-applied/withdrawal" in found  # the offline findings stay
    assert not [f for f in found.values() if f.summary == "Made up." or f.skill == "no-such-skill"]
    prompt = backend.requests[0].messages[0].content
    assert "[p0#0 turn 1] personality negative, intention specific-praise" in prompt
    assert "Seeker state ids: opening, venting" in prompt
    assert backend.requests[0].role == "analyst"


def test_model_proposals_come_first_and_malformed_ones_are_dropped() -> None:
    finding = OfflineAnalyst().analyse(RUNS, SKILLS, "round-0")
    gap = [f for f in finding if f.id == "missing-skill/no-skill-applied/withdrawal"]
    good = {
        "id": "Widen Reflect!",
        "summary": "Let reflect answer withdrawal too.",
        "steps": [
            {"operation": "widen-applies", "skill": "reflect", "states": ["withdrawal"], "min_turn": None}
        ],
    }
    bad = {
        "id": "bad-risk",
        "summary": "x",
        "steps": [
            {"operation": "add-risk", "skill": "reflect", "risk": {"id": "Not Kebab", "description": "x"}}
        ],
    }
    backend = ScriptedBackend([{"proposals": [good, bad]}])
    proposer = LlmProposer(ModelClient(backend), PROMPTS, fallback=OfflineProposer(defaults=[]))
    proposals = proposer.propose(gap, {s.id: s for s in SKILLS}, {})
    assert proposals[0].id == "llm-widen-reflect"
    assert proposals[0].proposer == "llm"
    assert proposals[0].describe() == "widen-applies reflect (withdrawal)"
    assert "bad-risk" not in {p.id for p in proposals} and "llm-bad-risk" not in {p.id for p in proposals}
    prompt = backend.requests[0].messages[0].content
    assert "Finding (missing-skill, no-skill-applied, strength" in prompt
    assert "- widen-applies: add states to applies_when, or lower min_turn" in prompt
    assert "id: reflect" not in prompt  # no skill file for a gap in the bank
