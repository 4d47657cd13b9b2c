"""Issue 18, items 11 and 13: evolve's branch survives kill -9, runs the hooks and needs an identity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, commit_repo, git

from esc_cli import gitops
from esc_cli.errors import GitError

BRANCH = "esc/evolve/2026-12-04-three"
SPECS = [gitops.CommitSpec(f"commit {n}", {f"skills/s{n}.md": f"skill {n}\n"}) for n in (1, 2, 3)]


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "skills").mkdir(parents=True)
    (root / "skills" / "a.md").write_text("one\n", encoding="utf-8")
    return commit_repo(root, ignore="")


def _hook(repo: Path, name: str, body: str) -> None:
    hook = repo / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    hook.chmod(0o755)


def _worktrees(repo: Path) -> list[str]:
    return [
        line
        for line in git(repo, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def test_kill_9_between_commits_leaves_no_branch_and_the_rerun_cleans_up(
    repo_dir: Path, tmp_path: Path
) -> None:
    # The pre-commit hook kills the esc process (its grandparent) at the second commit, with SIGKILL.
    count = tmp_path / "count"
    _hook(
        repo_dir,
        "pre-commit",
        f"""\
        echo x >> {count}
        if [ "$(wc -l < {count})" -eq 2 ]; then kill -9 "$(cat {tmp_path / "pid"})"; sleep 5; fi
        """,
    )
    script = (
        "import os, sys; from pathlib import Path; from esc_cli import gitops;"
        f"Path({str(tmp_path / 'pid')!r}).write_text(str(os.getpid()));"
        f"from tests.hardening.test_evolve_commits import SPECS;"
        f"gitops.commit_branch(gitops.open_repo(Path({str(repo_dir)!r})), {BRANCH!r}, 'HEAD', SPECS)"
    )
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}
    killed = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert git(repo_dir, "branch", "--list", BRANCH) == ""  # neither 1 nor 2 of the 3 commits
    assert len(_worktrees(repo_dir)) == 2  # the killed run's temporary worktree is still registered

    (repo_dir / ".git" / "hooks" / "pre-commit").unlink()
    shas = gitops.commit_branch(gitops.open_repo(repo_dir), BRANCH, "HEAD", SPECS)
    assert git(repo_dir, "rev-list", "--count", f"main..{BRANCH}") == "3"
    assert git(repo_dir, "rev-parse", BRANCH) == shas[-1]
    assert len(_worktrees(repo_dir)) == 1  # stale one pruned, our own removed
    assert git(repo_dir, "branch", "--list", f"{BRANCH}-2") == ""


def test_commits_run_the_repository_hooks_and_a_refusal_is_one_line(repo_dir: Path) -> None:
    _hook(repo_dir, "commit-msg", 'echo "commit-msg: messages must name a ticket" >&2\nexit 1\n')
    with pytest.raises(GitError) as caught:
        gitops.commit_branch(gitops.open_repo(repo_dir), BRANCH, "HEAD", SPECS)
    assert str(caught.value) == (
        f"git refused to create branch '{BRANCH}': commit-msg: messages must name a ticket"
    )
    assert git(repo_dir, "branch", "--list", BRANCH) == ""
    assert len(_worktrees(repo_dir)) == 1


def test_no_identity_is_refused_with_the_command_that_sets_one(
    repo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo_dir, "config", "--unset", "user.name")
    git(repo_dir, "config", "--unset", "user.email")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(GitError) as caught:
        gitops.commit_branch(gitops.open_repo(repo_dir), BRANCH, "HEAD", SPECS)
    assert str(caught.value) == (
        "no git identity to commit with (user.name and user.email not set): set one with "
        '`git config --global user.name "Your Name" && git config --global user.email you@example.com`'
    )
    assert git(repo_dir, "branch", "--list", BRANCH) == ""


def test_evolve_refuses_before_simulating_when_git_has_no_identity(
    seed_bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, esc: EscRunner
) -> None:
    import time

    root = commit_repo(seed_bank)
    git(root, "config", "--unset", "user.name")
    git(root, "config", "--unset", "user.email")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    started = time.monotonic()
    result = esc("evolve", "--seeds", "1", "--out", str(tmp_path / "out"), cwd=root)
    assert result.code == 2
    assert result.err.startswith("error: no git identity to commit with (user.name and user.email not set)")
    assert time.monotonic() - started < 5  # refused before the first simulation
    assert git(root, "branch", "--list", "esc/*") == ""
