"""Each lint rule, with the exact message it prints and the exit code it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import EscRunner, make_bank, skill_text


def lint(esc: EscRunner, root: Path, *paths: str) -> tuple[int, str]:
    result = esc("skill", "lint", *paths, cwd=root)
    return result.code, result.out + result.err


def test_clean_bank_exits_zero(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path)
    code, out = lint(esc, tmp_path)
    assert code == 0, out
    assert "2 skill file(s): clean, 0 warning(s)" in out


def test_unknown_state_names_key_path_and_suggests(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"sample-skill": skill_text(states="[venting, opening, ventng]")})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:10 -> applies_when.seeker_states[2]: unknown state 'ventng' (did you mean 'venting'?)"
        in out
    )


def test_unknown_action_and_strategy(esc: EscRunner, tmp_path: Path) -> None:
    text = skill_text().replace("actions: [reflect-feeling]", "actions: [reflect-feelings]")
    text = text.replace("strategies: [Reflection of feelings]", "strategies: [Reflection]")
    make_bank(tmp_path, {"sample-skill": text})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:8 -> actions[0]: unknown action 'reflect-feelings' (did you mean 'reflect-feeling'?)"
        in out
    )
    assert "skills/sample-skill.md:7 -> strategies[0]: unknown ESConv strategy 'Reflection'" in out


def test_id_must_equal_file_stem(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"other-name": skill_text("sample-skill")})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/other-name.md:2 -> id: id 'sample-skill' differs from the file name 'other-name' "
        "(rename the file to sample-skill.md or set id: other-name)" in out
    )


def test_duplicate_ids_exit_two(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"a-skill": skill_text("a-skill")})
    (tmp_path / "skills" / "a-skill-copy.md").write_text(skill_text("a-skill"), encoding="utf-8")
    code, out = lint(esc, tmp_path)
    assert code == 2
    assert "skills/a-skill.md:2 -> id: duplicate id 'a-skill' (also in skills/a-skill-copy.md)" in out


def test_missing_section(esc: EscRunner, tmp_path: Path) -> None:
    body = "## Guidance\n\n1. Listen.\n\n## Examples\n\n### One\nSeeker: a\nSupporter: b\n\n### Two\nSeeker: c\nSupporter: d\n"
    make_bank(tmp_path, {"sample-skill": skill_text(body=body)})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:23 -> body: missing section '## Pitfalls' (add a '## Pitfalls' section with content)"
        in out
    )


def test_too_few_examples_and_bad_speaker(esc: EscRunner, tmp_path: Path) -> None:
    body = (
        "## Guidance\n\n1. Listen.\n\n## Examples\n\n### One\nSeeker: a\nSupporter: b\n\n"
        "### Two\nClient: c\nSupporter: d\n\n## Pitfalls\n\n- none\n"
    )
    make_bank(tmp_path, {"sample-skill": skill_text(body=body)})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:33 -> Examples[2] 'Two': line 'Client: c' does not start with 'Seeker: ' or 'Supporter: '"
        in out
    )
    assert "skills/sample-skill.md:27 -> Examples: 1 well-formed example(s); at least 2 are required" in out


def test_identical_conditions_without_tie_break_warn(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"a-skill": skill_text("a-skill"), "b-skill": skill_text("b-skill")})
    code, out = lint(esc, tmp_path)
    assert code == 0
    assert (
        "warning: skills/b-skill.md:9 -> applies_when: same conditions and priority as skills/a-skill.md "
        "(set a different priority to break the tie)" in out
    )
    make_bank(tmp_path, {"a-skill": skill_text("a-skill"), "b-skill": skill_text("b-skill", priority=1)})
    code, out = lint(esc, tmp_path)
    assert "warning" not in out.replace("0 warning(s)", "")


def test_body_size_limit(esc: EscRunner, tmp_path: Path) -> None:
    long_body = skill_text().split("---\n", 2)[2] + "".join(f"- line {i}\n" for i in range(520))
    make_bank(tmp_path, {"sample-skill": skill_text(body=long_body)})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:23 -> body: 539 lines; the limit is 499 (shorten the body or move detail out)"
        in out
    )


def test_file_size_limit_exits_two(esc: EscRunner, tmp_path: Path) -> None:
    huge = skill_text(body=skill_text().split("---\n", 2)[2] + "x" * 70_000 + "\n")
    make_bank(tmp_path, {"sample-skill": huge})
    code, out = lint(esc, tmp_path)
    assert code == 2
    assert (
        "skills/sample-skill.md: " in out
        and "bytes is over the 64 KiB limit (split or shorten the file)" in out
    )


@pytest.mark.parametrize("crisis_count", [0, 2])
def test_exactly_one_active_crisis_skill(esc: EscRunner, tmp_path: Path, crisis_count: int) -> None:
    files = {"sample-skill": skill_text()}
    for i in range(crisis_count):
        files[f"crisis-{i}"] = skill_text(
            f"crisis-{i}", states="[crisis-risk]", crisis=True, priority=100 + i
        )
    make_bank(tmp_path, files, with_crisis=False)
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert f"bank -> crisis: {crisis_count} active crisis skills" in out
    assert "exactly one is required (keep one active skill with crisis: true)" in out


def test_crisis_skill_must_check_safety_and_refer(esc: EscRunner, tmp_path: Path) -> None:
    text = skill_text("crisis-check", states="[crisis-risk]", crisis=True, priority=100)
    make_bank(tmp_path, {"crisis-check": text.replace("[safety-check, refer-resource]", "[safety-check]")})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert "skills/crisis-check.md:10 -> actions: the crisis skill lacks refer-resource" in out


def test_only_the_crisis_skill_applies_to_crisis_risk(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"sample-skill": skill_text(states="[venting, crisis-risk]", avoid="[closing]")})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:10 -> applies_when.seeker_states: only the crisis skill may apply to 'crisis-risk' "
        "(move 'crisis-risk' to avoid_when)" in out
    )


def test_state_in_both_applies_and_avoid(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, {"sample-skill": skill_text(states="[venting]", avoid="[venting, crisis-risk]")})
    code, out = lint(esc, tmp_path)
    assert code == 1
    assert (
        "skills/sample-skill.md:14 -> avoid_when.seeker_states: state 'venting' is in both applies_when and avoid_when"
        in out
    )


@pytest.mark.parametrize(
    ("avoid_turns", "never"),
    [("  min_turn: 1\n", True), ("  min_turn: 3\n", False), ("  min_turn: 1\n  max_turn: 6\n", False)],
    ids=["from-turn-1", "from-turn-3", "turns-1-6"],
)
def test_a_stateless_avoid_over_every_applies_turn_is_an_error(
    esc: EscRunner, tmp_path: Path, avoid_turns: str, never: bool
) -> None:
    # applies_when from turn 2 on; a state-less avoid_when holds on its whole window (the router's rule).
    text = skill_text(avoid="[]").replace(
        "  min_turn: 0\n  description: When", "  min_turn: 2\n  description: When"
    )
    text = text.replace("  description: Never in a crisis.\n", avoid_turns + "  description: Early on.\n", 1)
    make_bank(tmp_path, {"sample-skill": text})
    code, out = lint(esc, tmp_path)
    assert ("its turns cover every turn of applies_when: the skill can never be chosen" in out) is never
    assert code == (1 if never else 0), out


def test_json_format(esc: EscRunner, tmp_path: Path) -> None:
    import json

    make_bank(tmp_path, {"sample-skill": skill_text(states="[ventng]")})
    result = esc("skill", "lint", "--format", "json", cwd=tmp_path)
    payload = json.loads(result.out)
    assert result.code == 1
    assert payload["exit_code"] == 1
    assert payload["findings"][0]["rule"] == "taxonomy"
    assert payload["findings"][0]["where"] == "applies_when.seeker_states[0]"


def test_lint_explicit_paths_skip_bank_rules(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path, with_crisis=False)
    code, out = lint(esc, tmp_path, "skills/sample-skill.md")
    assert code == 0, out
