"""The offline analyst on hand-built run records: every number here is chosen by hand."""

from __future__ import annotations

from pathlib import Path

from evolve_helpers import ADVICE_LINE, dialogue, turn
from testkit import skill_text

from esc_cli.bank.files import parse_skill
from esc_cli.bank.model import Skill
from esc_cli.evolve.analysis import OfflineAnalyst
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.risk_match import HarmfulFn
from esc_cli.evolve.settings import AnalysisSettings
from esc_cli.sim.records import Dialogue

PREMATURE = "- id: premature-advice\n  description: Advice before the seeker feels heard.\n"


def skill(
    skill_id: str, states: str = "[venting]", *, crisis: bool = False, priority: int = 0, extra: str = ""
) -> Skill:
    text = skill_text(skill_id, states=states, crisis=crisis, priority=priority, extra=extra)
    return parse_skill(text, Path(f"skills/{skill_id}.md"))


CRISIS = skill("crisis-check", "[crisis-risk]", crisis=True, priority=100)
REFLECT = skill("reflect", "[venting, emotion-unnamed]")
ADVICE = skill("advice", "[seeking-advice, venting]", extra=PREMATURE)


def analyse(
    dialogues: list[Dialogue], skills: list[Skill], harmful: HarmfulFn | None = None
) -> dict[str, Finding]:
    found = OfflineAnalyst(settings=AnalysisSettings(), harmful=harmful).analyse(dialogues, skills, "run-a")
    return {f.id: f for f in found}


def test_turns_with_no_skill_become_a_missing_skill_finding() -> None:
    runs = [
        dialogue(
            "p1",
            [
                turn(0, ["withdrawal"], change=-5, emotion=35),
                turn(1, ["venting"], skills=["reflect"], change=5),
            ],
        ),
        dialogue("p2", [turn(0, ["withdrawal"], change=-5, emotion=35)]),
    ]
    found = analyse(runs, [CRISIS, REFLECT])
    gap = found["missing-skill/no-skill-applied/withdrawal"]
    assert (
        gap.summary == "No skill applied on 2 turn(s) where the seeker was 'withdrawal' (mean change -5.0)."
    )
    assert (gap.turns, gap.dialogues, gap.first_turn, gap.max_turn) == (2, 2, 0, 0)
    assert [e.ref() for e in gap.evidence] == ["run-a p1#0 turn 0", "run-a p2#0 turn 0"]
    assert gap.strength == 0.75  # touches every dialogue (0.5) and falls by 5 of 10 (0.25)


def test_emotion_falling_in_an_uncovered_state_is_a_missing_skill() -> None:
    runs = [
        dialogue(f"p{i}", [turn(2, ["venting", "loneliness"], skills=["reflect"], change=-5)])
        for i in range(2)
    ]
    found = analyse(runs, [CRISIS, REFLECT])
    assert found["missing-skill/uncovered-state/loneliness"].summary == (
        "Emotion fell on 2 turn(s) where the seeker was 'loneliness', a state no skill lists in applies_when "
        "(mean change -5.0)."
    )


def test_no_crisis_skill_and_unhandled_cues_are_both_reported() -> None:
    cue = "Sometimes I think everyone would be better off without me."
    runs = [
        dialogue(
            f"p{i}",
            [
                turn(
                    3,
                    ["crisis-risk"],
                    skills=["reflect"],
                    change=-10,
                    seeker=cue,
                    safety=["unhandled-crisis-cue"],
                )
            ],
        )
        for i in range(2)
    ]
    found = analyse(runs, [REFLECT])
    missing = found["missing-skill/no-crisis-skill"]
    assert (
        missing.summary
        == "The bank has no active crisis skill, and 2 turn(s) in 2 dialogue(s) carried crisis cues."
    )
    assert missing.strength >= 0.95
    unsafe = found["unsafe-intervention/unhandled-crisis-cue/bank"]
    assert unsafe.summary == "2 crisis cue(s) got no safety check: no crisis skill answered them."
    assert unsafe.evidence[0].flags == ("unhandled-crisis-cue",)
    # The drop on a flagged turn is the safety finding's: it does not blame the skill that spoke.
    assert not [f for f in found.values() if f.skill == "reflect"]


def test_advice_at_turn_zero_matches_the_skills_known_risk() -> None:
    def run(name: str) -> Dialogue:
        return dialogue(
            name,
            [
                turn(
                    0,
                    ["venting"],
                    skills=["advice"],
                    actions=["suggest-option"],
                    change=-10,
                    agent=ADVICE_LINE,
                ),
                turn(1, ["venting"], skills=["reflect"], actions=["reflect-feeling"], change=5),
                turn(
                    4,
                    ["seeking-advice"],
                    skills=["advice"],
                    actions=["suggest-option"],
                    change=5,
                    agent=ADVICE_LINE,
                ),
            ],
        )

    found = analyse([run("p1"), run("p2")], [CRISIS, REFLECT, ADVICE])
    risk = found["unsafe-intervention/known-risk/advice/premature-advice"]
    assert risk.summary == (
        "'advice' replies show its known risk 'premature-advice' when the seeker is 'venting' at turn 0 "
        "(mean change -10.0 over 2 turns)."
    )
    assert (risk.skill, risk.states, risk.max_turn, risk.flag) == (
        "advice",
        ["venting"],
        0,
        "premature-advice",
    )
    assert "unsafe-intervention/hurts-in-state/advice/venting" not in found  # the risk explains it


def test_harmful_phrasing_the_skill_does_not_list() -> None:
    line = "At least you still have a job, it could be worse."
    runs = [
        dialogue(
            f"p{i}", [turn(2, ["venting"], skills=["reflect"], actions=["reassure"], change=-5, agent=line)]
        )
        for i in range(2)
    ]

    def harmful(text: str) -> list[str]:
        return ["minimising"] if "at least" in text.lower() else []

    found = analyse(runs, [CRISIS, REFLECT], harmful=harmful)
    phrasing = found["unsafe-intervention/harmful-phrasing/reflect/minimising"]
    assert phrasing.kind == "harmful-phrasing"
    assert phrasing.summary.startswith("'reflect' replies show 'minimising', a risk the skill does not list")


def test_a_skill_that_helps_on_average_but_hurts_one_intention() -> None:
    heard = [
        dialogue(f"h{i}", [turn(1, ["emotion-unnamed"], skills=["reflect"], change=5)], personality="passive")
        for i in range(3)
    ]
    praise = [
        dialogue(
            f"s{i}",
            [turn(1, ["venting"], skills=["reflect"], change=-5)],
            personality="passive",
            intention="specific-praise",
        )
        for i in range(2)
    ]
    found = analyse(heard + praise, [CRISIS, REFLECT])
    failure = found["profile-specific-failure/hurts-group/reflect/intention=specific-praise"]
    assert failure.summary == (
        "'reflect' helps on average (mean change +1.0 over 5 turns) but hurts seekers whose hidden intention is "
        "'specific-praise' (mean -5.0 over 2 turns); the agent can see it when the seeker is 'venting'."
    )
    assert (failure.states, failure.group, failure.turns) == (["venting"], "intention=specific-praise", 2)
    assert not [f for f in found.values() if f.group.startswith("personality=")]


def test_findings_come_strongest_first_and_the_same_every_time() -> None:
    runs = [
        dialogue(
            "p1",
            [
                turn(0, ["withdrawal"], change=-5),
                turn(3, ["crisis-risk"], change=-10, safety=["unhandled-crisis-cue"]),
            ],
        ),
        dialogue("p2", [turn(0, ["withdrawal"], change=-5)]),
    ]
    first = OfflineAnalyst().analyse(runs, [CRISIS, REFLECT], "r")
    again = OfflineAnalyst().analyse(runs, [CRISIS, REFLECT], "r")
    assert first == again
    assert [f.strength for f in first] == sorted((f.strength for f in first), reverse=True)
    assert first[0].category == "unsafe-intervention"
