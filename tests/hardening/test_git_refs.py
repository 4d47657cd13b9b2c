"""Issue 18, item 8 (git): every ref form git knows, a shallow clone and a committed symlink get one line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from testkit import EscRunner, commit_repo, git


@pytest.fixture
def repo(seed_bank: Path) -> Path:
    return commit_repo(seed_bank)


def _esc_ref_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("esc-ref-*")}


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "@{-1}",
            "'@{-1}' given to --base: this clone has no branch checked out 1 switch(es) ago (name the branch or commit instead)",
        ),
        (
            "HEAD@{5}",
            "'HEAD@{5}' given to --base: the reflog holds no such entry (reflogs are local to a clone and expire; name a branch or commit instead)",
        ),
        (
            "@{upstream}",
            "'@{upstream}' given to --base: the branch has no upstream or push target (set one with `git branch --set-upstream-to=origin/main`, or name the base, e.g. origin/main)",
        ),
        (
            "--output=/tmp/x",
            "'--output=/tmp/x' given to --base is not a git ref (name a branch, tag or commit)",
        ),
    ],
)
def test_refs_git_cannot_resolve_are_one_line(esc: EscRunner, repo: Path, ref: str, message: str) -> None:
    result = esc("skill", "verify", "--base", ref, "--out", "out", cwd=repo)
    assert result.code == 2
    assert result.err == f"error: {message}\n"


def test_refs_git_can_resolve_work(esc: EscRunner, repo: Path) -> None:
    for ref in ("HEAD@{1000 years ago}", ":/base", "main@{0}"):
        result = esc("skill", "verify", "--base", ref, "--out", "out", cwd=repo)
        assert result.code == 0, (ref, result.err)
        assert (
            f"nothing changed under skills/, profiles/, prompts/ or pyproject.toml since {ref}: pass"
            in result.out
        )


def test_a_shallow_clone_says_to_fetch_the_history(esc: EscRunner, repo: Path, tmp_path: Path) -> None:
    (repo / "skills" / "warm-close.md").write_text(
        (repo / "skills" / "warm-close.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8"
    )
    git(repo, "commit", "-qam", "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = esc("skill", "verify", "--base", "HEAD~1", "--out", "out", cwd=clone)
    assert result.code == 2
    assert result.err == (
        "error: 'HEAD~1' given to --base: not in this shallow clone "
        "(fetch the history: `git fetch --unshallow`, or `fetch-depth: 0` on actions/checkout)\n"
    )


def test_a_committed_symlink_out_of_the_repository_is_refused(esc: EscRunner, repo: Path) -> None:
    (repo / "skills" / "leak.md").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a link")
    before = _esc_ref_folders()
    result = esc("skill", "verify", "--base", "HEAD~1", "--head", "HEAD", "--out", "out", cwd=repo)
    assert result.code == 2
    assert result.err == (
        "error: 'HEAD' holds skills/leak.md, a link that points outside the repository "
        "('skills/leak.md' is a link to an absolute path): esc reads no file through it "
        "(commit the file itself instead of the link)\n"
    )
    assert _esc_ref_folders() <= before  # the temporary copies are gone
