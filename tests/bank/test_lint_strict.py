"""`esc skill lint --strict`: the text screen of verify, on the lines changed since the last commit."""

from __future__ import annotations

from pathlib import Path

from testkit import EscRunner, commit_repo

STEP = "5. Match the intensity the seeker shows, neither inflating nor shrinking it."
HARMFUL = "5. Tell them it is not a big deal and they should just move on."


def _strict_after(esc: EscRunner, seed_bank: Path, skill: str, old: str, new: str) -> tuple[str, int, Path]:
    """Commit the bank, replace `old` with `new` in a skill, and lint: plain lint passes (it screens
    neither wording nor routing), --strict fails. Its stderr, the line number of `new`, the repo."""
    repo = commit_repo(seed_bank)
    path = repo / "skills" / f"{skill}.md"
    assert esc("skill", "lint", "--strict", cwd=repo).code == 0
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert esc("skill", "lint", cwd=repo).code == 0
    result = esc("skill", "lint", "--strict", cwd=repo)
    assert result.code == 1
    return result.err, path.read_text(encoding="utf-8").splitlines().index(new) + 1, repo


def test_strict_quotes_a_changed_harmful_line_and_fails(esc: EscRunner, seed_bank: Path) -> None:
    err, number, _ = _strict_after(esc, seed_bank, "reflect-feelings", STEP, HARMFUL)
    assert (
        f'skills/reflect-feelings.md:{number} -> guidance step: "{HARMFUL}" reads as minimising '
        "('is not a big deal') (reword it; verify fails criterion 'text' on the same line)"
    ) in err


def test_strict_reads_only_changed_lines_of_tracked_files(esc: EscRunner, seed_bank: Path) -> None:
    path = seed_bank / "skills" / "reflect-feelings.md"
    path.write_text(path.read_text(encoding="utf-8").replace(STEP, HARMFUL), encoding="utf-8")
    outside = esc("skill", "lint", "--strict", cwd=seed_bank)  # not a repository: every line is read
    assert outside.code == 1 and "reflect-feelings.md:" in outside.err
    repo = commit_repo(seed_bank)  # once committed, the line is no longer a change
    assert esc("skill", "lint", "--strict", cwd=repo).code == 0
    new = repo / "skills" / "zz-new.md"  # an untracked copy: every line of it is new
    new.write_text(
        path.read_text(encoding="utf-8").replace("id: reflect-feelings", "id: zz-new"), encoding="utf-8"
    )
    result = esc("skill", "lint", "--strict", str(new), cwd=repo)
    assert result.code == 1 and "skills/zz-new.md:" in result.err


def test_strict_skips_advice_against_a_phrase(esc: EscRunner, seed_bank: Path) -> None:
    repo = commit_repo(seed_bank)
    path = repo / "skills" / "reflect-feelings.md"
    safe = "5. Never tell the seeker to calm down or that it is not a big deal."
    path.write_text(path.read_text(encoding="utf-8").replace(STEP, safe), encoding="utf-8")
    assert esc("skill", "lint", "--strict", cwd=repo).code == 0


WARM_CLOSE_STATES = "  seeker_states: [closing, relief]"
EARLY_STATES = "  seeker_states: [closing, relief, venting]"


def test_strict_fails_routing_added_two_stages_early(esc: EscRunner, seed_bank: Path) -> None:
    err, number, repo = _strict_after(esc, seed_bank, "warm-close", WARM_CLOSE_STATES, EARLY_STATES)
    assert (
        f"skills/warm-close.md:{number} -> applies_when.seeker_states: routes the action-stage skill to "
        "'venting', an exploration-stage state: it would act before the seeker has been heard (helping "
        "runs exploration, comforting, action) (route it to later states, or give it an earlier stage "
        "and examples for these seekers; verify fails criterion 'routing' on the same change)"
    ) in err
    assert esc("skill", "lint", "--strict", cwd=commit_repo(repo)).code == 0  # committed: not a change
