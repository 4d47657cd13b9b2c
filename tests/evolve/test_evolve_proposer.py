"""The offline proposer's rules, from a finding to the edits it tries, and what those edits do."""

from __future__ import annotations

from pathlib import Path

from testkit import skill_text

from esc_cli.bank.files import parse_skill
from esc_cli.bank.model import Skill
from esc_cli.evolve.bankstate import new_lint_errors, with_changes
from esc_cli.evolve.findings import Finding, TraceEvidence
from esc_cli.evolve.proposals import Proposal, materialise
from esc_cli.evolve.proposer import OfflineProposer

EVIDENCE = TraceEvidence(run="round-0", dialogue="p1#0", turn=0, seeker="s", agent="a", change=-5, emotion=35)
ADVICE_BODY = (
    "## Guidance\n\n1. Offer one option.\n\n## Examples\n\n"
    "### Calm\nSeeker: What can I do?\nSupporter: One thing you could try is a short walk.\n\n"
    "### Plan\nSeeker: Any ideas?\nSupporter: One thing you could try is writing it down.\n\n"
    "### Glib\nSeeker: I failed again.\nSupporter: At least it could be worse, cheer up!\n\n"
    "## Pitfalls\n\n- Lists.\n"
)


def skill(
    skill_id: str,
    states: str = "[venting]",
    *,
    crisis: bool = False,
    body: str | None = None,
    stage: str = "",
) -> Skill:
    text = skill_text(skill_id, states=states, crisis=crisis, priority=100 if crisis else 0, body=body)
    if stage:
        text = text.replace("stage: exploration", f"stage: {stage}")
    return parse_skill(text, Path(f"skills/{skill_id}.md"))


def finding(kind: str, *, skill_id: str = "", states: tuple[str, ...] = (), **more: object) -> Finding:
    category = "missing-skill" if kind in ("no-crisis-skill", "no-skill-applied") else "unsafe-intervention"
    data: dict[str, object] = {
        "id": f"{category}/{kind}/{skill_id}",
        "category": category,
        "kind": kind,
        "summary": "s",
        "skill": skill_id,
        "states": list(states),
        "turns": 2,
        "dialogues": 2,
        "mean_change": -5.0,
        "strength": 0.5,
        "evidence": [EVIDENCE],
        **more,
    }
    return Finding.model_validate(data)


CRISIS = skill("crisis-check", "[crisis-risk]", crisis=True)


def ids(found: list[Proposal]) -> list[str]:
    return [p.id for p in found]


def test_a_missing_crisis_skill_is_restored_reactivated_or_templated() -> None:
    lost = finding("no-crisis-skill", states=("crisis-risk",))
    reflect = skill("reflect")
    assert ids(OfflineProposer().propose([lost], {"reflect": reflect}, {})) == ["restore-crisis-safety-check"]
    dormant = CRISIS.model_copy(update={"meta": CRISIS.meta.model_copy(update={"status": "deprecated"})})
    assert ids(OfflineProposer().propose([lost], {"reflect": reflect, "crisis-check": dormant}, {})) == [
        "reactivate-crisis-check"
    ]
    (template,) = OfflineProposer(defaults=[]).propose([lost], {"reflect": reflect}, {})
    assert template.id == "add-crisis-safety-check"
    changed = materialise(template, {"reflect": reflect}, lost)
    assert new_lint_errors({"reflect": reflect}, with_changes({"reflect": reflect}, changed)) == []


def test_unanswered_cues_bring_back_the_default_crisis_wording() -> None:
    weak = skill("crisis-check", "[crisis-risk]", crisis=True)
    default = skill("crisis-check", "[crisis-risk]", crisis=True, body=ADVICE_BODY)
    found = OfflineProposer(defaults=[default]).propose(
        [finding("unhandled-crisis-cue", skill_id="crisis-check", states=("crisis-risk",))],
        {"crisis-check": weak},
        {},
    )
    assert [p.describe() for p in found] == [
        "rewrite-section crisis-check (Guidance); rewrite-section crisis-check (Examples)"
    ]


def test_a_gap_is_answered_by_widening_or_restoring() -> None:
    gap = finding("no-skill-applied", states=("loneliness",), first_turn=0, max_turn=0)
    bank = {"crisis-check": CRISIS, "comfort": skill("comfort", "[self-blame]", stage="comforting")}
    found = OfflineProposer(defaults=[]).propose([gap], bank, {})
    assert [p.describe() for p in found] == ["widen-applies comfort (loneliness)"]
    restoring = OfflineProposer().propose([gap], bank, {})
    assert ids(restoring)[0].startswith("restore-")


def test_a_skill_that_hurts_early_or_in_a_state_is_narrowed_or_avoided() -> None:
    advice = skill("advice", "[seeking-advice, venting]")
    bank = {"crisis-check": CRISIS, "advice": advice}
    early = finding(
        "known-risk", skill_id="advice", states=("venting", "withdrawal"), max_turn=0, flag="premature-advice"
    )
    assert [p.describe() for p in OfflineProposer(defaults=[]).propose([early], bank, {})] == [
        "narrow-applies advice (min_turn 1)",
        "narrow-applies advice (venting)",
        "add-avoid advice (withdrawal)",
    ]
    # The crisis skill is never narrowed.
    assert (
        OfflineProposer().propose(
            [finding("hurts-in-state", skill_id="crisis-check", states=("venting",))], bank, {}
        )
        == []
    )


def test_harmful_phrasing_adds_the_risk_and_drops_the_example_that_shows_it() -> None:
    advice = skill("advice", "[seeking-advice, venting]", body=ADVICE_BODY)
    harmful = finding("harmful-phrasing", skill_id="advice", states=("overwhelm",), flag="toxic-positivity")

    def labels(text: str) -> list[str]:
        return ["toxic-positivity"] if "cheer up" in text else []

    (guard,) = OfflineProposer(defaults=[], harmful=labels).propose(
        [harmful], {"advice": advice, "crisis-check": CRISIS}, {}
    )
    assert guard.describe() == (
        "add-avoid advice (overwhelm); add-risk advice (risk toxic-positivity); drop-examples advice (examples 'Glib')"
    )
    changed = materialise(guard, {"advice": advice}, harmful)["advice"]
    assert "cheer up" not in changed.body and changed.meta.version == 2
