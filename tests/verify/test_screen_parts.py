"""The text screen's reading and the parts a change touched, on real skill text."""

from __future__ import annotations

from testkit import REPO

from esc_cli.bank.files import parse_skill
from esc_cli.verify.parts import changed_parts
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
