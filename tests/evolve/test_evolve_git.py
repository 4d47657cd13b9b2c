"""`esc evolve` end to end on real git repositories in tmp_path, offline.

A damaged copy of the seed bank (crisis skill deleted, an advice skill firing at turn 0 on venting and
emotion-unnamed) is repaired on a branch; the user's checkout is untouched; the seed bank improves
on train without regressing on verify; and no file under profiles/verify is ever opened.
"""

from __future__ import annotations

import builtins
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from evolve_helpers import copy_bank, damage
from testkit import EscRunner, commit_repo, git

from esc_cli.bank.files import load_skill, parse_skill
from esc_cli.bank.load import load_skills
from esc_cli.evolve.checking import check
from esc_cli.evolve.settings import AcceptanceRule
from esc_cli.sim.engines import default_labeller
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.router import applies
from esc_cli.sim.runner import simulate_sync

BRANCH = re.compile(r"^branch: (esc/evolve/\S+) \((\d+) commit\(s\)\)$", re.MULTILINE)


def evolution_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "evolution.json").read_text(encoding="utf-8"))
    return data


def test_a_damaged_bank_is_repaired_on_a_branch_and_the_checkout_is_untouched(
    tmp_path: Path, esc: EscRunner
) -> None:
    root = copy_bank(tmp_path / "repo")
    damage(root)
    commit_repo(root)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    (root / "notes.txt").write_text("work in progress\n", encoding="utf-8")
    git(root, "add", "notes.txt")
    (root / "skills" / "reflect-feelings.md").write_text(
        (root / "skills" / "reflect-feelings.md").read_text(encoding="utf-8") + "\nunstaged edit\n",
        encoding="utf-8",
    )
    head, status = git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain")

    out = tmp_path / "out"
    result = esc("evolve", "--rounds", "2", "--seeds", "1", "--out", str(out), "--push", "origin", cwd=root)
    assert result.code == 0, result.err

    evolution = evolution_of(out)
    first = {f["id"]: f for f in evolution["rounds"][1]["findings"]}
    assert "missing-skill/no-crisis-skill" in first
    assert "unsafe-intervention/known-risk/offer-one-option/premature-advice" in first
    accepted = [d for r in evolution["rounds"] for d in r["decisions"] if d["accepted"]]
    assert accepted[0]["proposal"]["id"] == "restore-crisis-safety-check"
    assert any(d["proposal"]["steps"][0]["skill"] == "offer-one-option" for d in accepted)
    scores = [r["figures"]["score"] for r in evolution["rounds"]]
    safety = [r["figures"]["safety"] for r in evolution["rounds"]]
    assert scores[-1] > scores[0] and safety[0] > 0 and safety[-1] == 0

    match = BRANCH.search(result.out)
    assert match is not None, result.out
    branch, commits = match.group(1), int(match.group(2))
    assert commits == len(accepted)
    subjects = git(root, "log", "--format=%s", f"{head}..{branch}").splitlines()
    assert len(subjects) == len(accepted) and subjects[-1].startswith("evolve: Restore the crisis skill")
    body = git(root, "log", "-1", "--format=%B", f"{branch}~{len(accepted) - 1}")
    assert (
        "Finding (missing-skill, no-crisis-skill" in body and "Check (train profiles, paired): score" in body
    )
    restored = parse_skill(git(root, "show", f"{branch}:skills/crisis-safety-check.md") + "\n", Path("x.md"))
    assert restored.meta.crisis and restored.meta.status == "active"
    advice = parse_skill(git(root, "show", f"{branch}:skills/offer-one-option.md") + "\n", Path("x.md"))
    assert not applies(advice, ["emotion-unnamed"], 0) and advice.meta.version > 1
    assert git(remote, "rev-parse", branch) == git(root, "rev-parse", branch)

    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "branch", "--show-current") == "main"
    assert git(root, "status", "--porcelain") == status
    assert "unstaged edit" in (root / "skills" / "reflect-feelings.md").read_text(encoding="utf-8")
    assert not (root / "skills" / "crisis-safety-check.md").exists()
    assert len(git(root, "worktree", "list").splitlines()) == 1

    description = (out / "pull-request.md").read_text(encoding="utf-8")
    assert f"git diff HEAD {branch}" in description
    assert "### 1. Restore the crisis skill 'crisis-safety-check' from the default bank." in description
    assert (
        "> Seeker: " in description
        and "| round | score | successes | failures | safety flags | accepted |" in description
    )
    assert f"pull-request description: {out / 'pull-request.md'}" in result.out

    again = esc(
        "evolve", "--rounds", "1", "--seeds", "1", "--out", str(tmp_path / "o2"), "--branch", branch, cwd=root
    )
    assert again.code == 2
    assert f"error: branch '{branch}' already exists (delete it with `git branch -D {branch}`" in again.err
    print(f"damaged bank, train score by round: {scores}; safety flags {safety}")


def _record_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened for reading from now on (builtins.open, io.open and pathlib's readers)."""
    seen: list[str] = []
    real_open, real_io_open = builtins.open, io.open
    real_read_text, real_read_bytes = Path.read_text, Path.read_bytes

    def opener(real: Any) -> Any:
        def wrapped(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if "r" in mode and not isinstance(file, int):
                seen.append(str(file))
            return real(file, mode, *args, **kwargs)

        return wrapped

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        seen.append(str(self))
        return real_read_text(self, *args, **kwargs)

    def read_bytes(self: Path) -> bytes:
        seen.append(str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", opener(real_open))
    monkeypatch.setattr(io, "open", opener(real_io_open))
    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return seen


def test_the_seed_bank_improves_on_train_without_reading_or_regressing_on_verify(
    tmp_path: Path, esc: EscRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = commit_repo(copy_bank(tmp_path / "repo"))
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        seen = _record_reads(patch)
        result = esc("evolve", "--rounds", "2", "--seeds", "1", "--dry-run", "--out", str(out), cwd=root)
    assert result.code == 0, result.err
    assert any("profiles/train" in p for p in seen)  # the recorder works
    assert [p for p in seen if "profiles/verify" in p.replace("\\", "/")] == []
    assert "branch: none (dry run)" in result.out or "branch: none (nothing accepted)" in result.out
    assert git(root, "branch", "--list", "esc/*") == ""

    scores = [r["figures"]["score"] for r in evolution_of(out)["rounds"]]
    # A round keeps an edit only on evidence, so the train score never falls. (Under the judge v3.1
    # the seed bank offers offline evolution no edit that helps beyond the noise at one seed: the
    # scores may stay level. The README workflow test shows evolution repairing a real gap.)
    assert len(scores) == 3 and scores[2] >= scores[1] >= scores[0]

    seed = load_skills(root / "skills")
    evolved = {s.id: s for s in seed} | {p.stem: load_skill(p) for p in (out / "skills").glob("*.md")}
    options = SimOptions(labeller=default_labeller())
    verify = load_profile_set(root / "profiles" / "verify")
    before = simulate_sync(seed, verify, 1, options)
    after = simulate_sync([s for s in evolved.values() if s.meta.status == "active"], verify, 1, options)
    paired = check("evolved", before, after, AcceptanceRule())
    print(f"seed bank, train score by round: {scores}; verify: {paired.figures_line()}")
    assert paired.after.score >= paired.before.score
    assert paired.new_flags == []


def test_bad_requests_fail_fast_with_one_clear_line(tmp_path: Path, esc: EscRunner) -> None:
    root = commit_repo(copy_bank(tmp_path / "repo", train=[]))
    verify = esc("evolve", "--profiles", "profiles/verify", cwd=root)
    assert verify.code == 2
    assert verify.err == (
        "error: profiles/verify: evolution never reads profiles/verify/: those profiles gate merges in CI "
        "(`esc skill verify`) (pass --profiles profiles/train)\n"
    )
    whole = esc("evolve", "--profiles", "profiles", cwd=root)
    assert whole.code == 2 and "evolution never reads profiles/verify/" in whole.err
    base = esc("evolve", "--base", "nope", "--out", str(tmp_path / "o"), cwd=root)
    assert base.code == 2
    assert base.err.startswith("error: unknown git ref 'nope' given to --base (fetch it first")
    bad = esc("evolve", "--branch", "../x", cwd=root)
    assert bad.code == 2 and "'../x' is not a safe branch name" in bad.err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--branch", "foo/.bar"), "'foo/.bar' is not a valid branch name"),
        (("--branch", "esc"), "cannot be created beside the existing branch 'esc/old'"),
        (("--push", "nowhere"), "no git remote named 'nowhere'"),
    ],
)
def test_a_branch_or_remote_git_would_refuse_fails_before_any_simulation(
    tmp_path: Path, esc: EscRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], expected: str
) -> None:
    root = commit_repo(copy_bank(tmp_path / "repo"))
    git(root, "branch", "esc/old")

    def no_simulation(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("evolve simulated before checking the branch and the remote")

    monkeypatch.setattr("esc_cli.evolve.pipeline.simulate_sync", no_simulation)
    result = esc("evolve", "--rounds", "1", "--seeds", "1", "--out", str(tmp_path / "o"), *args, cwd=root)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and expected in result.err
    assert not (tmp_path / "o").exists()
