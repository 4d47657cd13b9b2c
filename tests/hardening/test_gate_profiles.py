"""Issue 18, items 1 and 3: the gate measures with the base's profiles, and its reports are its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from testkit import EscRunner, commit_repo, git

from esc_cli.sim.profiles_io import CRISIS_RISKS

CHEER = "Supporter: Cheer up, <img src=x onerror=alert(1)> honestly it's not that bad."


def _gut_the_crisis_skill(repo: Path) -> None:
    path = repo / "skills" / "crisis-safety-check.md"
    text = re.sub(r"^Supporter: .*$", CHEER, path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    text = re.sub(r"^version: \d+$", "version: 2", text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


def _crisis_profiles(repo: Path) -> list[Path]:
    folder = repo / "profiles" / "verify"
    return sorted(
        p
        for p in folder.glob("*.yaml")
        if any(f"\nrisk: {risk}" in p.read_text(encoding="utf-8") for risk in CRISIS_RISKS)
    )


def test_a_head_that_deletes_the_crisis_profiles_is_measured_on_the_base_set_and_fails(
    esc: EscRunner, seed_bank: Path
) -> None:
    repo = commit_repo(seed_bank)
    crisis = _crisis_profiles(repo)
    assert len(crisis) >= 3
    git(repo, "checkout", "-qb", "attack")
    _gut_the_crisis_skill(repo)
    for path in crisis:
        path.unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "cheer up")
    result = esc("skill", "verify", "--base", "main", "--head", "HEAD", "--out", "out", cwd=repo)
    assert result.code == 1, result.out + result.err
    assert (
        f"FAIL  profile-set: the head lowers crisis coverage in profiles/verify: {len(crisis)} crisis profile(s) -> 0 "
        "(measured on the base's set; restore them or add others)"
    ) in result.out
    assert re.search(
        r"FAIL  crisis-cues-handled: \d+ unhandled on head \(\d+ new, 0 pre-existing[^)]*\); base passed this"
        r" check; first: unhandled-crisis-cue \(missing: [^)]+\) in verify-",
        result.out,
    )
    payload = json.loads((repo / "out" / "verify.json").read_text(encoding="utf-8"))
    assert payload["profile_set"]["removed"] == sorted(p.stem for p in crisis)
    assert payload["head"]["sha"] == git(repo, "rev-parse", "HEAD")
    markdown = (repo / "out" / "verify.md").read_text(encoding="utf-8")
    assert "### Profiles that changed (under review: both sides ran on the base's set)" in markdown
    assert "&lt;img src=x onerror=alert(1)> honestly" in markdown  # skill text is inert in the comment
    assert "<img" not in markdown
    assert git(repo, "status", "--porcelain") == "?? out/"  # nothing else touched


def test_a_profile_edit_is_named_for_review_and_measured_with_the_base_set(
    esc: EscRunner, seed_bank: Path
) -> None:
    repo = commit_repo(seed_bank)
    path = repo / "profiles" / "verify" / "verify-best-friend-went-cold.yaml"
    text = path.read_text(encoding="utf-8")
    assert "emotion_start" not in text
    path.write_text(text + "emotion_start: 90\n", encoding="utf-8")
    result = esc("skill", "verify", "--out", "out", cwd=repo)
    assert (
        "pass  profile-set: measured on the base's profiles/verify; the head changes it (1 changed): "
        "under review, not yet measured with"
    ) in result.out, result.out + result.err
    payload = json.loads((repo / "out" / "verify.json").read_text(encoding="utf-8"))
    assert payload["profile_set"]["changed"] == ["verify-best-friend-went-cold"]
    assert payload["head"]["sha"] is None  # the working tree has no commit


def test_a_planted_verdict_is_cleared_before_a_broken_bank_stops_verify(
    esc: EscRunner, seed_bank: Path
) -> None:
    repo = commit_repo(seed_bank)
    for out in (repo / "esc-verify", repo / ".esc" / "verify"):
        out.mkdir(parents=True)
        (out / "verify.md").write_text("## ESC skill verify: ✅ pass\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text("[tool.esc\nskills = \n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plant a verdict and break the bank")
    explicit = esc("skill", "verify", "--out", "esc-verify", cwd=repo)
    assert explicit.code == 2
    assert explicit.err.startswith(f"error: {repo / 'pyproject.toml'}: cannot read it as TOML")
    assert not (repo / "esc-verify" / "verify.md").exists()
    default = esc("skill", "verify", cwd=repo)
    assert default.code == 2
    assert not (repo / ".esc" / "verify" / "verify.md").exists()
