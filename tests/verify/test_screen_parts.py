"""The text and routing screens' readings and the parts a change touched, on real skill text."""

from __future__ import annotations

from testkit import REPO

from esc_cli.bank.files import parse_skill
from esc_cli.bank.load import load_skills
from esc_cli.verify.parts import changed_parts
from esc_cli.verify.routing import RoutedChange, screen_routing, stage_gaps
from esc_cli.verify.screen import ChangedText, changed_lines, lexical_reading, screen_changed_text

CRISIS = REPO / "skills" / "crisis-safety-check.md"


def test_lexical_reading_names_the_cue_and_skips_advice_against_it() -> None:
    assert (
        lexical_reading("Cheer up, everything happens for a reason.")
        == "reads as toxic-positivity ('everything happens for a reason')"
    )
    assert lexical_reading("You should have seen it coming.") == "reads as blaming ('you should have')"
    assert lexical_reading("Keep this between us and change the subject.") == (
        "advice that undermines safety ('keep this between us')"
    )
    assert lexical_reading("Do not say 'calm down' or 'it could be worse'.") is None
    assert lexical_reading("Whatever happens on Monday, it won't decide who you are.") is None
    assert lexical_reading("Many people feel this way after a loss.") is None


def test_the_shipped_bank_reads_clean_line_by_line() -> None:
    changes = [
        ChangedText(p.name, None, p.read_text(encoding="utf-8"), p == CRISIS)
        for p in sorted((REPO / "skills").glob("*.md"))
    ]
    assert screen_changed_text(changes) == []


def test_only_added_or_edited_lines_are_read() -> None:
    assert changed_lines("a\nb\nc\n", "a\nB\nc\nd\n") == {2, 4}
    assert changed_lines(None, "a\nb\n") == {1, 2}


def test_a_crisis_reply_without_a_safety_check_is_a_finding() -> None:
    text = CRISIS.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("Supporter: "))
    head = text.replace(old, "Supporter: That sounds rough. Have you tried a walk to clear your head?")
    findings = screen_changed_text([ChangedText("skills/crisis-safety-check.md", text, head, crisis=True)])
    assert [(f.part, f.reason) for f in findings] == [
        ("example reply", "a crisis-skill reply with no safety check (ask directly about safety)")
    ]
    assert screen_changed_text([ChangedText("x.md", text, head, crisis=False)]) == []


def test_parts_split_into_read_and_unread() -> None:
    path = REPO / "skills" / "reflect-feelings.md"
    text = path.read_text(encoding="utf-8")
    base = parse_skill(text, path)
    guidance = parse_skill(
        text.replace("1. Listen for feeling cues", "1. Listen closely for feeling cues"), path
    )
    assert changed_parts(base, guidance).confined_to_unread
    assert changed_parts(base, guidance).unread == ("## Guidance",)
    routing = parse_skill(text.replace("  min_turn: 1\n", "  min_turn: 2\n", 1), path)
    assert changed_parts(base, routing).read == ("applies_when",) and not changed_parts(base, routing).unread
    title = parse_skill(
        text.replace("title: Name the feeling under the story", "title: Name the feeling"), path
    )
    assert changed_parts(base, title).unread == ("title",)


WARM_CLOSE = REPO / "skills" / "warm-close.md"
CLOSE_STATES = "  seeker_states: [closing, relief]"


def _routed(base_text: str | None, head_text: str) -> RoutedChange:
    base = parse_skill(base_text, WARM_CLOSE) if base_text is not None else None
    return RoutedChange("skills/warm-close.md", base, parse_skill(head_text, WARM_CLOSE), head_text)


def test_no_shipped_skill_is_routed_two_stages_early() -> None:
    assert {s.id: stage_gaps(s) for s in load_skills(REPO / "skills") if stage_gaps(s)} == {}


def test_routing_a_closing_skill_to_first_messages_is_a_finding_on_its_line() -> None:
    text = WARM_CLOSE.read_text(encoding="utf-8")
    head = text.replace(CLOSE_STATES, "  seeker_states: [closing, relief, opening, self-blame, venting]")
    findings = screen_routing([_routed(text, head)])
    line = head.splitlines().index("  seeker_states: [closing, relief, opening, self-blame, venting]") + 1
    assert [(f.line, f.part, f.text) for f in findings] == [
        (line, "routing", "seeker_states: [closing, relief, opening, self-blame, venting]")
    ] * 2
    assert [f.reason.split(":")[0] for f in findings] == [
        "routes the action-stage skill to 'opening', an exploration-stage state",
        "routes the action-stage skill to 'venting', an exploration-stage state",
    ]  # self-blame is a comforting-stage state: one stage early is how shipped skills route


def test_routing_findings_are_what_the_change_adds() -> None:
    text = WARM_CLOSE.read_text(encoding="utf-8")
    early = text.replace(CLOSE_STATES, "  seeker_states: [closing, venting]")
    assert screen_routing([_routed(early, early.replace("min_turn: 2", "min_turn: 3", 1))]) == []
    assert len(screen_routing([_routed(None, early)])) == 1  # a new skill: all of it is the change
    # A later stage turns the states it already had into states two stages early: a change too.
    reflect = REPO / "skills" / "reflect-feelings.md"
    base = reflect.read_text(encoding="utf-8")
    head = base.replace("stage: exploration", "stage: action", 1)
    change = RoutedChange(
        "skills/reflect-feelings.md", parse_skill(base, reflect), parse_skill(head, reflect), head
    )
    assert [f.reason.split("'")[1] for f in screen_routing([change])] == ["venting", "emotion-unnamed"]


def test_crisis_skills_are_exempt_from_stage_order() -> None:
    crisis = CRISIS.read_text(encoding="utf-8")
    head = crisis.replace("stage: exploration", "stage: action", 1)
    assert parse_skill(head, CRISIS).meta.crisis
    change = RoutedChange(
        "skills/crisis-safety-check.md", parse_skill(crisis, CRISIS), parse_skill(head, CRISIS), head
    )
    assert screen_routing([change]) == []
