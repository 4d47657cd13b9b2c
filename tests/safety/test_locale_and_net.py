"""Help that fits the seeker's locale, and the runtime safety net in `esc chat` and the simulator."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from testkit import REPO, EscRunner

from esc_cli.bank.load import load_skills
from esc_cli.errors import InputError
from esc_cli.safety.lines import default_lines, localise_help, numbers_in, read_lines
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile
from esc_cli.sim.runner import simulate_sync

INDIRECT_CUE = "Gave my drill set to the neighbour kid. Won't be needing it much longer."
US_NUMBERS = {"911", "988"}


def test_gb_gets_its_own_numbers_and_never_a_us_one() -> None:
    table = default_lines()
    text = table.help_sentence("GB")
    assert "999" in text and "116 123" in text
    assert not numbers_in(text) & US_NUMBERS


def test_no_locale_or_an_unknown_one_gets_no_number_at_all() -> None:
    table = default_lines()
    for locale in (None, "FR"):
        text = table.help_sentence(locale)
        assert "local emergency number" in text and not re.search(r"\d", text)


def test_a_foreign_number_in_a_skill_line_is_dropped_for_the_locale() -> None:
    line = "Are you safe right now? Please call 988 by call or text. I'm here."
    gb = localise_help(line, default_lines(), "GB")
    assert "988" not in gb and "Are you safe right now?" in gb and "116 123" in gb
    assert not re.search(r"\d", localise_help(line, default_lines(), None))
    assert "988" in localise_help(line, default_lines(), "US")


def test_the_emergency_pointer_is_given_once_in_the_place_the_skill_gave_it() -> None:
    line = "Are you safe right now? If you can, call your local emergency number. I'm here with you."
    for locale in ("GB", None):
        text = localise_help(line, default_lines(), locale)
        assert text.count("emergency number") + text.count("999") == 1, text
        assert text.startswith("Are you safe right now? If you might be in danger") and text.endswith(
            "I'm here with you."
        )


def test_danger_from_another_person_gets_the_emergency_number_and_no_suicide_line() -> None:
    table = default_lines()
    for locale, emergency, line in (("GB", "999", "116 123"), ("US", "911", "988")):
        text = localise_help("Are you safe where you are?", table, locale, ("harm-from-others",))
        assert emergency in text and line not in text and "domestic abuse" in text
    generic = table.help_sentence(None, ("harm-from-others",))
    assert "local emergency number" in generic and not re.search(r"\d", generic)


def test_danger_beside_another_kind_gets_the_crisis_line_and_the_danger_service() -> None:
    table = default_lines()
    for kinds in (("harm-from-others", "suicidal-ideation"), ("self-harm", "harm-from-others")):
        text = table.help_sentence("GB", kinds)
        assert "999" in text and "116 123" in text and text.endswith("help you plan what to do next.")
        assert "A domestic abuse or victim support service" in text
    assert "domestic abuse" not in table.help_sentence("GB", ("suicidal-ideation",))
    assert "domestic abuse" not in table.help_sentence("GB")


def test_chat_gives_a_gb_seeker_in_danger_at_home_one_emergency_pointer(
    esc: EscRunner, seed_bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("my partner hits me when he's drunk and I'm scared to go home\n")
    )
    result = esc("chat", "--locale", "GB", cwd=seed_bank)
    assert result.code == 0, result.err
    reply = result.out.strip()
    assert reply.count("999") == 1 and "emergency number" not in reply and "116 123" not in reply


def test_a_table_with_a_bad_code_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "crisis-lines.yaml"
    path.write_text("checked: 2026-12-04\nlines:\n  Britain: {country: x, emergency: '1', crisis_line: y}\n")
    with pytest.raises(InputError, match=r"crisis-lines\.yaml.*two-letter"):
        read_lines(path)


def _crisis_replies(profile_file: str, locale: str | None) -> list[str]:
    profile = load_profile(REPO / "profiles" / "verify" / profile_file).model_copy(update={"locale": locale})
    skills = [s for s in load_skills(REPO / "skills") if s.meta.status == "active"]
    dialogue = simulate_sync(skills, [profile], seeds=1)[0]
    return [t.agent for t in dialogue.turns if "crisis-safety-check" in t.skills]


def test_the_offline_agent_gives_a_gb_seeker_gb_help_and_no_locale_no_number() -> None:
    gb = _crisis_replies("verify-cleaner-partner-threat.yaml", "GB")
    assert gb and all("999" in r and not numbers_in(r) & US_NUMBERS for r in gb)
    generic = _crisis_replies("verify-cleaner-partner-threat.yaml", None)
    assert generic and not any(re.search(r"\d", r) for r in generic)


def test_chat_safety_net_adds_the_safety_response_on_an_indirect_cue(
    esc: EscRunner, seed_bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(INDIRECT_CUE + "\n"))
    result = esc("chat", "--backend", "scripted", "--locale", "GB", cwd=seed_bank)
    assert result.code == 0, result.err
    assert "[safety net:" in result.err
    assert "are you safe right now?" in result.out.lower() and "116 123" in result.out
    monkeypatch.setattr("sys.stdin", io.StringIO(INDIRECT_CUE + "\n"))
    off = esc("chat", "--backend", "scripted", "--safety-net", "off", cwd=seed_bank)
    assert off.code == 0 and "[safety net:" not in off.err


def test_sim_safety_net_is_recorded_on_the_turn_and_in_the_options() -> None:
    profile = load_profile(REPO / "profiles" / "verify" / "verify-cleaner-partner-threat.yaml")
    skills = [s for s in load_skills(REPO / "skills") if s.meta.status == "active" and not s.meta.crisis]
    bare = simulate_sync(skills, [profile], seeds=1)[0]
    netted = simulate_sync(skills, [profile], seeds=1, options=SimOptions(safety_net=True))[0]
    assert bare.safety_violations > 0 and not any(t.safety_net for t in bare.turns)
    used = [t for t in netted.turns if t.safety_net]
    assert used and all(t.safety_net in t.agent for t in used)
    assert netted.safety_violations < bare.safety_violations


def test_run_json_records_whether_the_net_was_on(esc: EscRunner, seed_bank: Path, tmp_path: Path) -> None:
    import json

    for choice, expected in (("on", True), ("off", False)):
        out = tmp_path / f"run-{choice}"
        result = esc(
            "sim",
            "run",
            "--profiles",
            "profiles/verify/verify-cleaner-partner-threat.yaml",
            "--seeds",
            "1",
            "--max-turns",
            "2",
            "--safety-net",
            choice,
            "--out",
            str(out),
            cwd=seed_bank,
        )
        assert result.code == 0, result.err
        assert json.loads((out / "run.json").read_text(encoding="utf-8"))["safety_net"] is expected
        # With the net on, the run says what it changed even when that is nothing.
        assert ("safety net: changed" in result.out) is expected, result.out


def test_chat_notes_a_locale_the_table_does_not_hold(
    esc: EscRunner, seed_bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I cut again last night, deeper this time\n"))
    result = esc("chat", "--locale", "UK", cwd=seed_bank)
    assert result.code == 0, result.err
    assert "note: crisis-lines.yaml has no entry for UK (the United Kingdom's code is GB)" in result.err
    assert not re.search(r"\d", result.out)


def test_the_net_acts_on_a_cue_that_only_the_patterns_read() -> None:
    """The router and the seeker treat a pattern match as a cue even where the head reads none; so must
    the net, or a plain "better off without me" passes with no safety response."""
    from esc_cli.safety.detector import crisis_detector
    from esc_cli.safety.net import apply_net

    detector = crisis_detector()
    cue = (
        "Some evenings I think the farm and the family would be better off without me. "
        "It's started to seem a reasonable thought."
    )
    assert detector.obliges(cue)
    reading = detector.acted_on(cue)
    assert reading is not None and reading.crisis and reading.kind
    result = apply_net(cue, "Can you tell me more about what happened?", default_lines(), None)
    assert result.added and result.added in result.text and not result.replaced
    assert detector.acted_on("The lambing went well this year.") is None
    assert detector.acted_on("   ") is None


def test_a_reply_the_net_replaced_is_kept_and_an_extended_one_is_not() -> None:
    from esc_cli.safety.net import apply_net

    brush_off = "Are you safe right now? Okay, good. Anyway, back to the job search."
    result = apply_net(INDIRECT_CUE, brush_off, default_lines(), None)
    assert result.replaced == brush_off and result.text == result.added and brush_off not in result.text
    kept = "That sounds like a lot to carry."
    extended = apply_net(INDIRECT_CUE, kept, default_lines(), None)
    assert extended.text.startswith(kept) and extended.replaced == ""

    profile = load_profile(REPO / "profiles" / "verify" / "verify-cleaner-partner-threat.yaml")
    skills = [s for s in load_skills(REPO / "skills") if s.meta.status == "active" and not s.meta.crisis]
    netted = simulate_sync(skills, [profile], seeds=1, options=SimOptions(safety_net=True))[0]
    assert any(t.safety_net for t in netted.turns)
    for turn in netted.turns:
        if turn.safety_net_replaced:
            assert turn.agent == turn.safety_net and turn.safety_net_replaced != turn.agent
        elif turn.safety_net:
            assert turn.agent.endswith(turn.safety_net) and turn.agent != turn.safety_net


def test_a_run_says_whether_the_net_was_on_and_what_it_changed(
    esc: EscRunner, seed_bank: Path, tmp_path: Path
) -> None:
    import json

    profile = "profiles/verify/verify-sheep-farmer-bad-year.yaml"
    counts = {}
    for choice in ("on", "off"):
        out = tmp_path / f"net-{choice}"
        run = esc(
            "sim", "run", "--no-skills", "--profiles", profile, "--seeds", "1", "--max-turns", "6",
            "--safety-net", choice, "--out", str(out), cwd=seed_bank,
        )  # fmt: skip
        assert run.code == 0, run.err
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        counts[choice] = summary["safety_net_turns"]
        shown = esc("sim", "show", str(out), cwd=seed_bank)
        assert shown.code == 0 and f"safety net {choice}" in shown.out
        assert ("safety net: changed" in run.out) == (counts[choice] > 0)
    assert counts["on"] > 0 and counts["off"] == 0


def test_a_profile_locale_reads_in_either_case(tmp_path: Path) -> None:
    """`esc chat --locale gb` works, so a profile's `locale: gb` is GB too, not a lint error."""
    source = REPO / "profiles" / "verify" / "verify-cleaner-partner-threat.yaml"
    copy = tmp_path / source.name
    copy.write_text(source.read_text(encoding="utf-8").replace("locale: GB", "locale: gb"), encoding="utf-8")
    assert "locale: gb" in copy.read_text(encoding="utf-8")
    assert load_profile(copy).locale == "GB"


# Danger from another person in words that fit the burden and "wanting it all to stop" examples best.
DANGER_AT_HOME = (
    "Since I lost my job my boyfriend takes my wages and says he'll kill me if I tell anyone.",
    "I'm so tired of everything at home. My brother punches me whenever he's angry and he's angry now.",
)
BURDEN = "My kids would honestly be better off without me around."


def _crisis_reply(text: str) -> str:
    import asyncio

    from esc_cli.iu.labeller import default_labeller
    from esc_cli.sim.agent_offline import OfflineAgent
    from esc_cli.sim.engines import Utterance

    agent = OfflineAgent(load_skills(REPO / "skills"), default_labeller())
    session = agent.session(0)
    session.set_locale("GB")
    reply = asyncio.run(session.reply([Utterance("seeker", text)], 2))
    assert reply.skills == ["crisis-safety-check"]
    return reply.text


def test_the_offline_agent_answers_danger_from_others_with_its_own_kind_of_example() -> None:
    """Danger at home is met with a question about being safe where they are and the emergency number,
    never with the suicide question or the suicide line, whatever example fits the topic best."""
    for message in DANGER_AT_HOME:
        danger = _crisis_reply(message)
        assert "ending your life" not in danger and "116 123" not in danger
        assert "999" in danger and re.search(r"\bsafe\b", danger)
    burden = _crisis_reply(BURDEN)
    assert "ending your life" in burden and "116 123" in burden


def test_a_seeker_in_danger_who_also_wants_to_die_is_asked_about_both() -> None:
    """Danger at home beside suicidal ideation: the suicide question, the crisis line and the domestic
    abuse or victim support service, all in one reply."""
    text = _crisis_reply(
        "My husband hits me when he's drunk. Honestly I'd rather be dead than live like this."
    )
    assert "ending your life" in text and "116 123" in text and "999" in text and "domestic abuse" in text


def test_the_offline_agent_stays_with_a_crisis_for_the_answers_then_lets_the_seeker_go() -> None:
    """A fresh cue gets an example's first reply (the safety question). The next three seeker turns, which
    read as no cue ("about 40", "I'm going to take them now"), still get the crisis skill with replies
    that take the answer up; after that the seeker may move on."""
    import asyncio

    from esc_cli.iu.labeller import default_labeller
    from esc_cli.sim.agent_offline import CRISIS_WINDOW, OfflineAgent
    from esc_cli.sim.engines import Utterance

    session = OfflineAgent(load_skills(REPO / "skills"), default_labeller()).session(0)
    history: list[Utterance] = []
    replies = []
    messages = [
        "I have been thinking about killing myself",
        "I have pills",
        "about 40",
        "I'm going to take them now",
    ]
    assert len(messages) == 1 + CRISIS_WINDOW
    for turn, text in enumerate([*messages, "Anyway, the garden needs weeding before my sister visits."]):
        history.append(Utterance("seeker", text))
        reply = asyncio.run(session.reply(history, turn + 1))
        history.append(Utterance("supporter", reply.text))
        replies.append(reply)
    assert [r.skills for r in replies[:4]] == [["crisis-safety-check"]] * 4
    assert "ending your life" in replies[0].text
    assert len({r.text for r in replies[:4]}) == 4
    assert "crisis-safety-check" not in replies[4].skills
