"""Edit operations and proposals on skills: each bumps the version, records evidence and passes lint."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import skill_text

from esc_cli.bank.files import dump_skill, parse_skill
from esc_cli.bank.model import Risk, Skill
from esc_cli.evolve import operations as ops
from esc_cli.evolve.bankstate import BankState, changed_files, new_lint_errors, with_changes
from esc_cli.evolve.findings import Finding, TraceEvidence
from esc_cli.evolve.operations import OperationError, Provenance
from esc_cli.evolve.proposals import Proposal, Step, materialise

PROV = Provenance(
    "unsafe-intervention/known-risk/a/premature-advice", ("round-0:p1#0:0", "round-0:p2#0:0", "x:y:1")
)


def skill(skill_id: str, states: str = "[venting]", *, crisis: bool = False, priority: int = 0) -> Skill:
    return parse_skill(
        skill_text(skill_id, states=states, crisis=crisis, priority=priority), Path(f"skills/{skill_id}.md")
    )


def bank(*skills: Skill) -> BankState:
    base = {"crisis-check": skill("crisis-check", "[crisis-risk]", crisis=True, priority=100)}
    return {**base, **{s.id: s for s in skills}}


def finding(skill_id: str = "a") -> Finding:
    evidence = TraceEvidence(
        run="round-0", dialogue="p1#0", turn=0, seeker="s", agent="a", change=-5, emotion=35
    )
    return Finding(
        id=f"unsafe-intervention/hurts-in-state/{skill_id}/venting",
        category="unsafe-intervention",
        kind="hurts-in-state",
        summary="s",
        skill=skill_id,
        turns=2,
        dialogues=2,
        mean_change=-5.0,
        strength=0.5,
        evidence=[evidence],
    )


def lint_clean(before: BankState, changed: Skill) -> bool:
    return new_lint_errors(before, with_changes(before, {changed.id: changed})) == []


def test_widen_adds_states_drops_them_from_avoid_and_records_evidence() -> None:
    a = skill("a", "[venting]")
    wider = ops.widen_applies(a, PROV, states=["crisis-risk", "loneliness"])
    assert wider.meta.applies_when.seeker_states == ["venting", "crisis-risk", "loneliness"]
    assert wider.meta.avoid_when.seeker_states == []
    assert (a.meta.version, wider.meta.version) == (1, 2)
    assert wider.meta.evidence is not None
    assert wider.meta.evidence.sources == [
        "evolve:unsafe-intervention/known-risk/a/premature-advice",
        "trace:round-0:p1#0:0",
        "trace:round-0:p2#0:0",
    ]
    # Lint runs on the edited bank: only the crisis skill may apply to crisis-risk.
    problems = new_lint_errors(bank(a), bank(wider))
    assert problems == [
        "skills/a.md:10 -> applies_when.seeker_states: only the crisis skill may apply to 'crisis-risk' "
        "(move 'crisis-risk' to avoid_when)"
    ]
    assert lint_clean(bank(a), ops.widen_applies(a, PROV, states=["loneliness"]))


def test_narrow_and_avoid_keep_at_least_one_state() -> None:
    a = skill("a", "[venting, emotion-unnamed]")
    narrow = ops.narrow_applies(a, PROV, remove=["emotion-unnamed"], min_turn=2)
    assert (narrow.meta.applies_when.seeker_states, narrow.meta.applies_when.min_turn) == (["venting"], 2)
    with pytest.raises(OperationError, match=r"leaves 'a' with no states \(deprecate it instead\)"):
        ops.narrow_applies(a, PROV, remove=["venting", "emotion-unnamed"])
    avoid = ops.add_avoid(a, PROV, states=["emotion-unnamed", "withdrawal"])
    assert avoid.meta.applies_when.seeker_states == ["venting"]
    assert avoid.meta.avoid_when.seeker_states == ["crisis-risk", "emotion-unnamed", "withdrawal"]
    assert lint_clean(bank(a), narrow) and lint_clean(bank(a), avoid)
    with pytest.raises(OperationError, match="already that narrow"):
        ops.narrow_applies(a, PROV, min_turn=0)


def test_risks_sections_and_examples() -> None:
    a = skill("a")
    risky = ops.add_risk(a, PROV, risk=Risk(id="minimising", description="It makes the problem sound small."))
    assert [r.id for r in risky.meta.risks] == ["parroting", "minimising"]
    with pytest.raises(OperationError, match="already lists the risk 'parroting'"):
        ops.add_risk(a, PROV, risk=Risk(id="parroting", description="x"))
    guided = ops.rewrite_section(
        a, PROV, title="Guidance", text="1. Listen first.\n2. Then name the feeling."
    )
    assert guided.section("Guidance") == "1. Listen first.\n2. Then name the feeling."
    assert guided.section("Examples") == a.section("Examples")
    with pytest.raises(OperationError, match="under 2 examples"):
        ops.drop_examples(a, PROV, titles=["One"])
    assert all(lint_clean(bank(a), s) for s in (risky, guided))


def test_merge_folds_one_skill_into_another_and_deprecates_it() -> None:
    a, b = skill("a", "[venting]"), skill("b", "[loneliness]", priority=1)
    merged, folded = ops.merge_skills(a, b, PROV)
    assert merged.meta.applies_when.seeker_states == ["venting", "loneliness"]
    assert (merged.meta.version, folded.meta.version, folded.meta.status) == (2, 2, "deprecated")
    after = with_changes(bank(a, b), {merged.id: merged, folded.id: folded})
    assert new_lint_errors(bank(a, b), after) == []
    with pytest.raises(OperationError, match="the crisis skill is never merged"):
        ops.merge_skills(a, bank()["crisis-check"], PROV)


def test_two_steps_on_one_skill_bump_its_version_once() -> None:
    a = skill("a", "[venting, emotion-unnamed]")
    proposal = Proposal(
        id="guard-a",
        finding=finding().id,
        summary="Guard a.",
        steps=(
            Step(operation="narrow-applies", skill="a", states=("emotion-unnamed",)),
            Step(operation="add-risk", skill="a", risk=Risk(id="minimising", description="Small.")),
        ),
    )
    changed = materialise(proposal, bank(a), finding())
    assert changed["a"].meta.version == 2
    assert changed["a"].meta.applies_when.seeker_states == ["venting"]
    assert list(changed_files(bank(a), with_changes(bank(a), changed))) == ["a.md"]


def test_restoring_the_crisis_skill_mends_a_damaged_bank() -> None:
    damaged = {"a": skill("a")}
    proposal = Proposal(
        id="restore-crisis-safety-check",
        finding="missing-skill/no-crisis-skill",
        summary="Restore it.",
        steps=(Step(operation="restore-skill", skill="crisis-safety-check"),),
    )
    changed = materialise(proposal, damaged, finding())
    restored = changed["crisis-safety-check"]
    assert restored.meta.crisis and restored.meta.status == "active"
    assert "safety-check" in restored.meta.actions and "refer-resource" in restored.meta.actions
    assert restored.meta.evidence is not None and "evolve:" + finding().id in restored.meta.evidence.sources
    assert new_lint_errors(damaged, with_changes(damaged, changed)) == []
    assert "crisis-safety-check.md" in changed_files(damaged, with_changes(damaged, changed))
    with pytest.raises(OperationError, match="already in the bank"):
        materialise(proposal, with_changes(damaged, changed), finding())


def test_deprecate_then_reactivate() -> None:
    a = skill("a")
    gone = ops.deprecate(a, PROV)
    back = ops.reactivate(gone, PROV)
    assert (gone.meta.status, back.meta.status, back.meta.version) == ("deprecated", "active", 3)
    assert dump_skill(back).count("evolve:") == 1  # the same finding is recorded once


def test_the_crisis_skill_evolution_writes_has_an_example_of_each_kind_the_agent_answers() -> None:
    """The offline agent answers a cue with an example of its own kind (suicidal ideation or danger from
    another person); the crisis skill evolution writes into a bank without one carries both."""
    from esc_cli.bank.examples import skill_examples
    from esc_cli.evolve.newskills import crisis_template
    from esc_cli.safety.detector import crisis_detector
    from esc_cli.safety.kinds import asked_kind

    detector = crisis_detector()
    kinds = {
        asked_kind(detector.kinds_of(next(line.text for line in example.lines if line.speaker == "Seeker")))
        for example in skill_examples(crisis_template(PROV))
    }
    assert {"suicidal-ideation", "harm-from-others"} <= kinds
    assert "domestic abuse" in crisis_template(PROV).body
