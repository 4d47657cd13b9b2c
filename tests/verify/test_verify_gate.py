"""`esc skill verify` on real git repositories: base and head commits of a copy of the seed bank."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from testkit import EscRunner, commit_repo, git

ADVICE = "plan-small-step"


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bump(path: Path, to: int) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^version: \d+$", f"version: {to}", text, count=1, flags=re.MULTILINE), encoding="utf-8"
    )


@pytest.fixture
def repo(seed_bank: Path) -> Path:
    return commit_repo(seed_bank)


def damage_advice_skill(repo: Path) -> Path:
    """Make the advice skill fire on venting from the first turn, ahead of everything else."""
    path = repo / "skills" / f"{ADVICE}.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"(applies_when:\n  seeker_states: \[)", r"\1venting, opening, emotion-unnamed, ", text, count=1
    )
    text = re.sub(r"(applies_when:\n(?:  .*\n)*?  min_turn: )\d+", r"\g<1>0", text, count=1)
    text = re.sub(r"(avoid_when:\n  seeker_states: \[)[^\]]*\]", r"\1crisis-risk]", text, count=1)
    text = text.replace("\nstrategies:", "\npriority: 50\nstrategies:", 1)
    path.write_text(text, encoding="utf-8")
    return path


def read_reports(out: Path) -> tuple[str, dict[str, object], ET.Element]:
    return (
        (out / "verify.md").read_text(encoding="utf-8"),
        json.loads((out / "verify.json").read_text(encoding="utf-8")),
        ET.parse(out / "verify.xml").getroot(),
    )


def test_nothing_changed_passes_quickly(esc: EscRunner, repo: Path) -> None:
    started = time.monotonic()
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 0, result.err
    assert time.monotonic() - started < 5
    assert (
        "nothing changed under skills/, profiles/, prompts/ or pyproject.toml since HEAD: pass" in result.out
    )
    markdown, payload, _ = read_reports(repo / ".esc" / "verify")
    assert payload["verdict"] == "unchanged"
    assert "no simulation was needed" in markdown


def test_head_that_improves_a_skill_passes(esc: EscRunner, repo: Path) -> None:
    damage_advice_skill(repo)
    commit_all(repo, "damaged advice skill")
    original = git(repo, "show", f"HEAD~1:skills/{ADVICE}.md")  # the fix: the original conditions
    (repo / "skills" / f"{ADVICE}.md").write_text(original + "\n", encoding="utf-8")
    bump(repo / "skills" / f"{ADVICE}.md", 2)
    result = esc("skill", "verify", "--html", cwd=repo)
    assert result.code == 0, result.out + result.err
    markdown, payload, junit = read_reports(repo / ".esc" / "verify")
    assert payload["verdict"] == "pass"
    overall = payload["overall"]
    assert isinstance(overall, dict) and overall["mean"] > 0
    assert f"- {ADVICE}: v1 -> v2" in markdown
    assert junit.get("failures") == "0"
    assert {case.get("name") for case in junit} >= {
        "lint",
        "versions",
        "score",
        "no-new-safety-violations",
        "crisis-cues-handled",
    }
    assert (repo / ".esc" / "verify" / "verify.html").stat().st_size > 1000
    assert git(repo, "status", "--porcelain") == f"M skills/{ADVICE}.md"  # checkout untouched


def test_head_that_breaks_the_crisis_skill_fails_and_names_it(esc: EscRunner, repo: Path) -> None:
    path = repo / "skills" / "crisis-safety-check.md"
    edit(path, "status: active", "status: deprecated")
    bump(path, 2)
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 1, result.out + result.err
    markdown, payload, junit = read_reports(repo / ".esc" / "verify")
    assert payload["verdict"] == "fail"
    failed = {case.get("name") for case in junit if case.find("failure") is not None}
    assert {"lint", "crisis-cues-handled", "no-new-safety-violations"} <= failed
    match = re.search(
        r"unhandled-crisis-cue \(missing: ([^)]*)\) in (verify-[a-z0-9-]+) \(seed (\d)\) at turn (\d+) \[new\]",
        markdown,
    )
    assert match, markdown
    assert "a direct, calm question about safety or intent" in match[1]
    safety = payload["safety"]
    assert isinstance(safety, list)
    found = {
        "profile": match[2],
        "seed": int(match[3]),
        "turn": int(match[4]),
        "flag": "unhandled-crisis-cue",
        "new": True,
    }
    assert any({k: s[k] for k in found} == found and "ask" in s["missing"] for s in safety)


def test_unreadable_head_exits_two(esc: EscRunner, repo: Path) -> None:
    (repo / "skills" / "reflect-feelings.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    result = esc("skill", "verify", cwd=repo)
    assert result.code == 2
    assert "error: skills: head has unreadable skill files: skills/reflect-feelings.md -> line" in result.err
    assert "Traceback" not in result.err


def test_rule_failure_exits_one(esc: EscRunner, repo: Path) -> None:
    path = repo / "skills" / "reflect-feelings.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("## Pitfalls")], encoding="utf-8")
    bump(path, 2)
    result = esc("skill", "verify", "--seeds", "1", cwd=repo)
    assert result.code == 1
    _, payload, _ = read_reports(repo / ".esc" / "verify")
    criteria = {c["name"]: c for c in payload["criteria"]}  # type: ignore[union-attr]
    assert criteria["lint"]["passed"] is False
    assert "missing section '## Pitfalls'" in criteria["lint"]["detail"]


def test_change_without_version_bump_fails_with_the_fix(esc: EscRunner, repo: Path) -> None:
    edit(
        repo / "skills" / "reflect-feelings.md",
        "## Pitfalls\n",
        "## Pitfalls\n\n- Do not rush to name a feeling the seeker has not hinted at.\n",
    )
    result = esc("skill", "verify", "--seeds", "1", cwd=repo)
    assert result.code == 1
    assert (
        "skills/reflect-feelings.md changed but its version is still 1 (set version: 2 or higher)"
        in result.out
    )


def test_unknown_base_ref_is_a_clear_error(esc: EscRunner, repo: Path) -> None:
    result = esc("skill", "verify", "--base", "origin/nope", cwd=repo)
    assert result.code == 2
    assert result.err.startswith("error: unknown git ref 'origin/nope' given to --base (fetch it first")
    result = esc("skill", "verify", "--head", "feature/nope", cwd=repo)
    assert result.code == 2
    assert result.err.startswith("error: unknown git ref 'feature/nope' given to --head (fetch it first")


def test_github_step_summary_is_appended(esc: EscRunner, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = repo.parent / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert esc("skill", "verify", cwd=repo).code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ESC skill verify: ✅ nothing to verify")


def _small_change(repo: Path) -> None:
    """A benign rewording of an example reply: a part the offline agent speaks."""
    path = repo / "skills" / "reflect-feelings.md"
    edit(path, "Supporter: It sounds like you feel shocked", "Supporter: It sounds as if you feel shocked")
    bump(path, 2)


def test_a_side_folder_holding_user_files_is_refused_not_deleted(esc: EscRunner, repo: Path) -> None:
    _small_change(repo)
    out = repo / "reports"
    (out / "base").mkdir(parents=True)
    (out / "base" / "thesis.txt").write_text("precious\n", encoding="utf-8")
    result = esc("skill", "verify", "--seeds", "1", "--out", str(out), cwd=repo)
    assert result.code == 2, result.out + result.err
    assert "holds files verify did not write (thesis.txt)" in result.err
    assert (out / "base" / "thesis.txt").read_text(encoding="utf-8") == "precious\n"
    assert not (out / "head").exists()  # refused before any simulation

    (out / "base" / "thesis.txt").unlink()
    again = esc("skill", "verify", "--seeds", "1", "--out", str(out), cwd=repo)
    assert again.code == 0, again.err
    rerun = esc("skill", "verify", "--seeds", "1", "--out", str(out), cwd=repo)  # its own runs are replaced
    assert rerun.code == 0, rerun.err


def test_a_verify_that_stops_with_an_error_leaves_no_old_verdict(esc: EscRunner, repo: Path) -> None:
    _small_change(repo)
    out = repo / ".esc" / "verify"
    assert esc("skill", "verify", "--seeds", "1", "--html", cwd=repo).code == 0
    assert (out / "verify.md").exists() and (out / "verify.html").exists()
    (repo / "skills" / "zz-broken.md").write_text("---\nid: [broken\n---\n", encoding="utf-8")
    result = esc("skill", "verify", "--seeds", "1", cwd=repo)
    assert result.code == 2
    assert [p.name for p in out.iterdir() if p.is_file()] == []


def test_an_out_folder_under_a_file_is_one_line(esc: EscRunner, repo: Path) -> None:
    _small_change(repo)
    (repo / "afile").write_text("x\n", encoding="utf-8")
    result = esc("skill", "verify", "--seeds", "1", "--out", str(repo / "afile" / "sub"), cwd=repo)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "afile is a file" in result.err


def test_gate_column_follows_the_personality_criteria(esc: EscRunner, repo: Path) -> None:
    path = repo / "skills" / "reflect-feelings.md"
    edit(path, "1. Listen for feeling cues", "1. Listen closely for feeling cues")
    bump(path, 2)  # a Guidance wording edit: every paired change is 0
    result = esc("skill", "verify", "--seeds", "1", "--require-improvement", "--allow-unmeasured", cwd=repo)
    assert result.code == 1  # overall: the lower end 0 is not above 0
    markdown, payload, _ = read_reports(repo / ".esc" / "verify")
    criteria = {c["name"]: c["passed"] for c in payload["criteria"]}  # type: ignore[union-attr]
    assert criteria["score"] is False
    personality = markdown.split("### By personality")[1].split("###")[0]
    rows = [line for line in personality.splitlines() if line.startswith("| ") and "pairs" not in line]
    assert rows
    for row in rows:  # no type shows a drop, so each passes its guard, and the column says so
        name = row.split("|")[1].strip()
        assert criteria[f"score[{name}]"] is True
        assert row.endswith("| ✅ |"), row
    assert "Bonferroni level" in personality


def test_the_default_report_folder_is_the_banks_wherever_you_stand(esc: EscRunner, repo: Path) -> None:
    result = esc("skill", "verify", cwd=repo / "skills")
    assert result.code == 0, result.err
    assert "reports: ../.esc/verify/verify.md" in result.out
    assert (repo / ".esc" / "verify" / "verify.md").exists()
    assert not (repo / "skills" / ".esc").exists()
