"""What verify measured: coverage, unmeasured parts, the text screen and the adaptive seeds (issue 16).

Real git repositories in tmp_path holding a committed copy of the seed bank; each test edits the
working tree the way an author would and runs `esc skill verify` in-process.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from testkit import EscRunner, commit_repo, git

GUIDANCE_STEP = "5. Match the intensity the seeker shows, neither inflating nor shrinking it."
HARMFUL_STEP = "5. Tell the seeker their feelings are an overreaction and that they should get over it."
EXAMPLE_REPLY = (
    "Supporter: It sounds like you feel shocked and maybe a bit humiliated, being walked out so fast "
    "after everything you put into that job."
)
HARMFUL_REPLY = "Supporter: Honestly, it's not a big deal. Plenty of people get laid off, so just move on."


@pytest.fixture
def repo(seed_bank: Path) -> Path:
    return commit_repo(seed_bank)


def edit(repo: Path, skill: str, old: str, new: str) -> Path:
    """Replace `old` (found once) in a skill file and bump its version, as an author must."""
    path = repo / "skills" / f"{skill}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path.name}"
    version = int(re.search(r"^version: (\d+)$", text, re.MULTILINE)[1])  # type: ignore[index]
    text = text.replace(old, new).replace(f"version: {version}\n", f"version: {version + 1}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def reports(repo: Path) -> tuple[str, dict[str, object], ET.Element]:
    out = repo / ".esc" / "verify"
    return (
        (out / "verify.md").read_text(encoding="utf-8"),
        json.loads((out / "verify.json").read_text(encoding="utf-8")),
        ET.parse(out / "verify.xml").getroot(),
    )


def criteria(payload: dict[str, object]) -> dict[str, dict[str, object]]:
    found = payload["criteria"]
    assert isinstance(found, list)
    return {c["name"]: c for c in found}


def test_a_guidance_only_harmful_edit_fails_unmeasured_and_text(esc: EscRunner, repo: Path) -> None:
    path = edit(repo, "reflect-feelings", GUIDANCE_STEP, HARMFUL_STEP)
    result = esc("skill", "verify", "--html", cwd=repo)
    assert result.code == 1, result.out + result.err
    markdown, payload, junit = reports(repo)
    found = criteria(payload)
    assert found["score"]["passed"] is True  # the offline agent cannot see Guidance: no dialogue moved
    assert found["unmeasured"]["passed"] is False
    assert found["unmeasured"]["detail"] == (
        "unmeasured by simulation: skills/reflect-feelings.md: ## Guidance — the offline agent does not "
        "read these parts. Measure them with a model agent (`esc skill verify --agent-backend anthropic` "
        "or `--agent-backend openai --agent-model MODEL`), and have a reviewer read the text"
    )
    number = line_of(path, HARMFUL_STEP)
    assert found["text"]["passed"] is False
    assert f'skills/reflect-feelings.md:{number} (guidance step): "{HARMFUL_STEP}"' in str(
        found["text"]["detail"]
    )
    assert payload["unmeasured"] == [
        {"skill": "reflect-feelings", "unread": ["## Guidance"], "read": [], "only_unread": True}
    ]
    assert payload["text_findings"] == [
        {
            "file": "skills/reflect-feelings.md",
            "line": number,
            "part": "guidance step",
            "text": HARMFUL_STEP,
            "reason": "reads as minimising ('overreaction')",
        }
    ]
    assert (
        "**reflect-feelings**: ## Guidance not read by the offline agent (the whole change is unmeasured)"
        in markdown
    )
    failed = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failed == {"unmeasured", "text"}
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["verdict"] == "fail"
    assert json.loads(properties["text_findings"] or "[]")[0]["line"] == number
    html = (repo / ".esc" / "verify" / "verify.html").read_text(encoding="utf-8")
    assert 'data-verdict="fail"' in html and "Verify verdict: fail" in html
    assert f"skills/reflect-feelings.md:{number}" in html and 'data-group="coverage"' in html


def test_a_harmful_example_reply_is_quoted_by_the_text_screen(esc: EscRunner, repo: Path) -> None:
    path = edit(repo, "reflect-feelings", EXAMPLE_REPLY, HARMFUL_REPLY)
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 1
    markdown, payload, _ = reports(repo)
    number = line_of(path, HARMFUL_REPLY)
    quoted = HARMFUL_REPLY.removeprefix("Supporter: ")
    assert (
        f"- `skills/reflect-feelings.md:{number}` (example reply): “{quoted}” — reads as minimising"
        in markdown
    )
    assert "unmeasured" in criteria(payload)  # the offline agent speaks examples: the change is measured
    assert criteria(payload)["unmeasured"]["passed"] is True
    assert f"FAIL  text: 1 harmful line(s), first: skills/reflect-feelings.md:{number}" in result.out


def test_a_benign_rewording_passes(esc: EscRunner, repo: Path) -> None:
    edit(
        repo,
        "reflect-feelings",
        "Supporter: It sounds like you feel shocked",
        "Supporter: It sounds as if you feel shocked",
    )
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 0, result.out
    markdown, payload, _ = reports(repo)
    found = criteria(payload)
    assert all(c["passed"] and not c["warning"] for c in found.values())
    assert found["text"]["detail"] == "1 changed line(s) screened, none read as harmful"
    coverage = payload["coverage"]
    assert isinstance(coverage, list) and coverage[0]["skill"] == "reflect-feelings"
    assert coverage[0]["spoken"][1] >= 10 and coverage[0]["enough"] is True
    assert "| reflect-feelings |" in markdown.split("### Skill coverage")[1]


NEVER_ROUTED = "hold-hopelessness"
HOPELESS_REPLY = (
    "That is heavy. You don't have to believe it will change right now; I'm here with you in this."
)


def test_an_edit_to_a_never_routed_skill_fails_coverage(esc: EscRunner, repo: Path) -> None:
    edit(
        repo,
        NEVER_ROUTED,
        HOPELESS_REPLY,
        "That is heavy. You don't need to believe it will change yet; I'm here with you.",
    )
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 1, result.out
    _, payload, _ = reports(repo)
    detail = str(criteria(payload)["coverage"]["detail"])
    # The verify profiles rarely reach it (the count moves with the judge and the crisis detector).
    assert re.match(
        r"hold-hopelessness spoken on [0-9] turn\(s\) \(< 10\); it needs seeker states hopelessness in turns "
        r"1-9, not when crisis-risk; ",
        detail,
    ), detail
    assert "To exercise it, add profiles to profiles/verify whose seekers show those states" in detail


def test_allow_unmeasured_passes_with_a_warning_at_the_top(esc: EscRunner, repo: Path) -> None:
    edit(
        repo,
        NEVER_ROUTED,
        HOPELESS_REPLY,
        "That is heavy. You don't need to believe it will change yet; I'm here with you.",
    )
    result = esc("skill", "verify", "--allow-unmeasured", "--html", cwd=repo)
    assert result.code == 0, result.out
    assert re.search(
        r"WARN  coverage: warning \(--allow-unmeasured\): hold-hopelessness spoken on [0-9] turn\(s\)",
        result.out,
    )
    markdown, payload, junit = reports(repo)
    assert payload["verdict"] == "pass"
    warnings = payload["warnings"]
    assert (
        isinstance(warnings, list)
        and len(warnings) == 1
        and warnings[0].startswith("coverage: hold-hopelessness")
    )
    top = markdown.split("| criterion |")[0]
    assert "⚠️ **Warning** (passed with `--allow-unmeasured`): coverage: hold-hopelessness spoken on " in top
    assert "| coverage | ⚠️ |" in markdown
    case = next(c for c in junit.iter("testcase") if c.get("name") == "coverage")
    out = case.find("system-out")
    assert out is not None and (out.text or "").startswith("warning: warning (--allow-unmeasured)")
    html = (repo / ".esc" / "verify" / "verify.html").read_text(encoding="utf-8")
    assert "Passed with <code>--allow-unmeasured</code>: coverage: hold-hopelessness" in html


def test_adaptive_seeds_stop_at_max_seeds(esc: EscRunner, repo: Path) -> None:
    # Limiting reflect-feelings to the first turn moves dialogues each way by a little (the paired
    # change is within the margin), so at one and at two seeds the score is undecided
    # (bench/edits/harmful-metadata-03 is the same edit).
    edit(
        repo,
        "reflect-feelings",
        "  seeker_states: [venting, emotion-unnamed]\n  min_turn: 1",
        "  seeker_states: [venting, emotion-unnamed]\n  min_turn: 0\n  max_turn: 0",
    )
    result = esc("skill", "verify", "--seeds", "1", "--max-seeds", "2", cwd=repo)
    assert "undecided at 1 seed: running seeds 1-1 (offline: no model calls)" in result.err
    assert "undecided at 2 seeds" not in result.err
    assert "verdict: " in result.out and "(2 seeds)" in result.out
    markdown, payload, _ = reports(repo)
    assert payload["seeds"] == 2 and payload["max_seeds"] == 2
    assert "2 seeds used (adaptive: at most 2, grown from 1 while a criterion was undecided)" in markdown
    run = json.loads((repo / ".esc" / "verify" / "head" / "run.json").read_text(encoding="utf-8"))
    assert run["seeds"] == [0, 1]  # one run folder of two seeds, not two runs
    lines = (repo / ".esc" / "verify" / "head" / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(run["profiles"])


def test_seeds_without_adaptivity_when_max_equals_seeds(esc: EscRunner, repo: Path) -> None:
    edit(repo, "validate-normalise", "\nstrategies:", "\npriority: 5\nstrategies:")
    result = esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", cwd=repo)
    assert "undecided" not in result.err
    _, payload, _ = reports(repo)
    assert payload["seeds"] == 1


CLOSE_STATES = "  seeker_states: [closing, relief]\n  min_turn: 2"
EARLY_CLOSE = "  seeker_states: [closing, relief, opening, venting]\n  min_turn: 0"


def test_routing_a_closing_skill_to_first_messages_fails_routing(esc: EscRunner, repo: Path) -> None:
    # The offline seeker takes a warm goodbye well wherever it comes, so the score may not move:
    # the routing screen reads the change itself (bench/edits/harmful-metadata-06 is the full edit).
    path = edit(repo, "warm-close", CLOSE_STATES, EARLY_CLOSE)
    result = esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", "--html", cwd=repo)
    assert result.code == 1, result.out
    markdown, payload, junit = reports(repo)
    found = criteria(payload)
    number = line_of(path, EARLY_CLOSE.splitlines()[0])
    shown = "seeker_states: [closing, relief, opening, venting]"
    assert found["routing"] == {
        "name": "routing",
        "passed": False,
        "warning": False,
        "detail": (
            f'2 routing finding(s), first: skills/warm-close.md:{number} (routing): "{shown}" — routes the '
            "action-stage skill to 'opening', an exploration-stage state: it would act before the seeker "
            "has been heard (helping runs exploration, comforting, action) (+1 more); route it to later "
            "states, or give it an earlier stage and examples for these seekers"
        ),
    }
    assert [(r["line"], r["reason"].split("'")[1]) for r in payload["routing_findings"]] == [
        (number, "opening"),
        (number, "venting"),
    ]
    assert found["text"]["passed"] is True and found["unmeasured"]["passed"] is True
    assert (
        f"- `skills/warm-close.md:{number}` (routing): “seeker\\_states: \\[closing, relief, opening, "
        "venting\\]” — routes the action-stage" in (markdown.split("### Routing screen")[1])
    )
    failed = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert "routing" in failed
    html = (repo / ".esc" / "verify" / "verify.html").read_text(encoding="utf-8")
    assert 'data-group="routing"' in html and f"skills/warm-close.md:{number}" in html


def test_a_routing_change_one_stage_early_passes_the_screen(esc: EscRunner, repo: Path) -> None:
    edit(repo, "warm-close", CLOSE_STATES, "  seeker_states: [closing, relief, loneliness]\n  min_turn: 2")
    esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", cwd=repo)
    markdown, payload, _ = reports(repo)
    assert criteria(payload)["routing"] == {
        "name": "routing",
        "passed": True,
        "warning": False,
        "detail": "1 changed skill(s) screened, none routed two helping stages early",
    }
    assert payload["routing_findings"] == []
    assert "No changed skill is routed to seekers two helping stages before its own stage." in markdown


REFLECT_WHEN = "  seeker_states: [venting, emotion-unnamed]\n  min_turn: 1"
LATE_REFLECT = "  seeker_states: [venting, emotion-unnamed]\n  min_turn: 40"


def test_a_skill_taken_out_of_every_profiles_reach_fails_reach(esc: EscRunner, repo: Path) -> None:
    # A turn window no dialogue reaches: base speaks the skill on many turns, and on head its
    # conditions never hold. Coverage alone would pass (it counts the busier side).
    edit(repo, "reflect-feelings", REFLECT_WHEN, LATE_REFLECT)
    result = esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", "--allow-unmeasured", cwd=repo)
    assert result.code == 1, result.out + result.err
    _, payload, junit = reports(repo)
    found = criteria(payload)
    assert found["coverage"]["passed"] is True
    spoken = found["reach"]["detail"].split(" turn(s)")[0]
    assert found["reach"] == {
        "name": "reach",
        "passed": False,
        "warning": False,
        "detail": (
            f"{spoken} turn(s) on base; on head its conditions held on no turn: the change leaves it out "
            "of reach of every profile in profiles/verify (it now needs seeker states venting, "
            "emotion-unnamed in turns from 40, past the dialogues' last turn (9), not when crisis-risk, "
            "closing). To retire a skill, set "
            "status: deprecated; to keep it, widen its applies_when"
        ),
    }
    assert spoken.startswith("reflect-feelings spoken on ") and int(spoken.split()[-1]) >= 10
    failed = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert "reach" in failed


def test_deprecating_a_skill_is_not_a_loss_of_reach(esc: EscRunner, repo: Path) -> None:
    edit(repo, "reflect-feelings", "status: active", "status: deprecated")
    esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", "--allow-unmeasured", cwd=repo)
    _, payload, _ = reports(repo)
    assert criteria(payload)["reach"]["passed"] is True


def test_a_window_past_the_end_says_so_in_coverage_and_a_never_used_skill_is_not_a_loss(
    esc: EscRunner, repo: Path
) -> None:
    # hold-hopelessness is never spoken on the verify profiles: taking it further out of reach is not
    # a loss of reach, even at --min-coverage 0, and coverage's fix fits a window past the end.
    edit(repo, NEVER_ROUTED, "min_turn: 1", "min_turn: 40")
    esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", "--min-coverage", "0", cwd=repo)
    _, payload, _ = reports(repo)
    assert criteria(payload)["reach"]["passed"] is True
    esc("skill", "verify", "--seeds", "1", "--max-seeds", "1", cwd=repo)
    _, payload, _ = reports(repo)
    found = criteria(payload)
    assert found["reach"]["passed"] is True
    detail = str(found["coverage"]["detail"])
    assert "turns from 40, past the dialogues' last turn (9)" in detail
    assert "no profile in profiles/verify reached its conditions" in detail
    assert detail.endswith("To exercise it, lower its min_turn into the dialogues' turns")


def test_max_seeds_below_seeds_is_a_usage_error(esc: EscRunner, repo: Path) -> None:
    edit(repo, "validate-normalise", "\nstrategies:", "\npriority: 5\nstrategies:")
    refused = esc("skill", "verify", "--seeds", "5", "--max-seeds", "3", cwd=repo)
    assert refused.code == 2
    assert (
        "--max-seeds 3 is below --seeds 5: the seeds only grow from --seeds; pass --max-seeds 5"
        in refused.err
    )
    assert "Traceback" not in refused.err


def test_an_unreadable_base_file_is_named_in_the_repository_not_a_temporary_folder(
    esc: EscRunner, repo: Path
) -> None:
    path = repo / "skills" / "reflect-feelings.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("status: active", "status: active\nstatus: draft", 1), encoding="utf-8")
    git(repo, "commit", "-qam", "a duplicate key slipped in")
    path.write_text(good, encoding="utf-8")
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 2
    line = result.err.strip()
    assert line.startswith("error: skills/reflect-feelings.md on the base (HEAD) -> line ")
    assert "duplicate key 'status'" in line and "fix it there first" in line
    assert "/tmp" not in line and "Traceback" not in result.err
