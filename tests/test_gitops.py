"""gitops against real repositories in tmp_path: nothing of the user's checkout is ever touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import commit_repo, git

from esc_cli import gitops
from esc_cli.errors import GitError


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "skills").mkdir(parents=True)
    (root / "skills" / "a.md").write_text("one\n", encoding="utf-8")
    (root / "notes.txt").write_text("keep\n", encoding="utf-8")
    return commit_repo(root, ignore="")


def test_materialise_ref_leaves_checkout_alone(repo_dir: Path) -> None:
    (repo_dir / "skills" / "a.md").write_text("edited, not committed\n", encoding="utf-8")
    repo = gitops.open_repo(repo_dir)
    with gitops.materialised(repo, "HEAD") as folder:
        assert (folder / "skills" / "a.md").read_text(encoding="utf-8") == "one\n"
        kept = folder
    assert not kept.exists()
    with gitops.materialised(repo, gitops.WORKTREE) as folder:
        assert (folder / "skills" / "a.md").read_text(encoding="utf-8") == "edited, not committed\n"
    assert (repo_dir / "skills" / "a.md").read_text(encoding="utf-8") == "edited, not committed\n"


def test_changed_files_includes_uncommitted_and_untracked(repo_dir: Path) -> None:
    repo = gitops.open_repo(repo_dir)
    assert gitops.changed_files(repo, "HEAD", gitops.WORKTREE) == []
    (repo_dir / "skills" / "a.md").write_text("two\n", encoding="utf-8")
    (repo_dir / "skills" / "b.md").write_text("new\n", encoding="utf-8")
    (repo_dir / "notes.txt").write_text("outside the bank\n", encoding="utf-8")
    assert gitops.changed_files(repo, "HEAD", gitops.WORKTREE) == ["skills/a.md", "skills/b.md"]


def test_commit_branch_keeps_head_index_and_tree(repo_dir: Path) -> None:
    (repo_dir / "notes.txt").write_text("user work in progress\n", encoding="utf-8")
    git(repo_dir, "add", "notes.txt")
    head_before = git(repo_dir, "rev-parse", "HEAD")
    status_before = git(repo_dir, "status", "--porcelain")
    repo = gitops.open_repo(repo_dir)
    name = gitops.branch_name("esc/evolve", "2026-11-26", "Add crisis skill!")
    assert name == "esc/evolve/2026-11-26-add-crisis-skill"
    specs = [
        gitops.CommitSpec("first", {"skills/b.md": "bee\n"}),
        gitops.CommitSpec("second", {"skills/a.md": None}),
    ]
    shas = gitops.commit_branch(repo, name, "HEAD", specs)
    assert len(shas) == 2
    assert git(repo_dir, "rev-parse", "HEAD") == head_before
    assert git(repo_dir, "branch", "--show-current") == "main"
    assert git(repo_dir, "status", "--porcelain") == status_before
    assert git(repo_dir, "log", "--format=%s", name) == "second\nfirst\nbase"
    assert git(repo_dir, "show", f"{name}:skills/b.md") == "bee"
    assert "skills/a.md" not in git(repo_dir, "ls-tree", "-r", "--name-only", name)
    assert "esc-branch-" not in git(repo_dir, "worktree", "list")
    with pytest.raises(GitError, match="already exists"):
        gitops.commit_branch(repo, name, "HEAD", specs)


def test_unknown_ref_and_unsafe_paths(repo_dir: Path, tmp_path: Path) -> None:
    repo = gitops.open_repo(repo_dir)
    with pytest.raises(GitError, match=r"unknown git ref 'origin/nope' \(fetch it first"):
        gitops.resolve(repo, "origin/nope")
    with pytest.raises(GitError, match="outside the repository"):
        gitops.commit_branch(repo, "esc/x", "HEAD", [gitops.CommitSpec("bad", {"../escape.md": "x"})])
    assert not (repo_dir.parent / "escape.md").exists()
    assert "esc/x" not in git(repo_dir, "branch", "--list")
    with pytest.raises(GitError, match="not inside a git repository"):
        gitops.open_repo(tmp_path / "elsewhere" if (tmp_path / "elsewhere").mkdir() is None else tmp_path)


def test_branch_names_are_sanitised() -> None:
    assert (
        gitops.branch_name("esc/evolve", "2026-11-26", "../../etc passwd;rm -rf")
        == "esc/evolve/2026-11-26-etc-passwd-rm-rf"
    )
    assert gitops.branch_name("esc/evolve", "2026-11-26", "***") == "esc/evolve/2026-11-26-change"


def test_new_branch_names_git_would_refuse_are_caught_up_front(repo_dir: Path) -> None:
    repo = gitops.open_repo(repo_dir)
    git(repo_dir, "branch", "esc/evolve/2026-01-01-x")
    with pytest.raises(GitError, match=r"'foo/\.bar' is not a valid branch name"):
        gitops.check_new_branch(repo, "foo/.bar")
    with pytest.raises(
        GitError, match="cannot be created beside the existing branch 'esc/evolve/2026-01-01-x'"
    ):
        gitops.check_new_branch(repo, "esc/evolve")
    with pytest.raises(GitError, match="already exists"):
        gitops.check_new_branch(repo, "esc/evolve/2026-01-01-x")
    gitops.check_new_branch(repo, "esc/evolve/2026-01-02-y")  # a free, valid name passes


def test_git_errors_are_one_line(repo_dir: Path) -> None:
    repo = gitops.open_repo(repo_dir)
    git(repo_dir, "branch", "a")
    with pytest.raises(GitError) as caught:
        gitops.commit_branch(repo, "a/b", "HEAD", [gitops.CommitSpec("m", {"x.txt": "x\n"})])
    assert "\n" not in str(caught.value) and "fatal:" in str(caught.value)


def test_a_rejected_push_is_an_error_not_a_success(repo_dir: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo_dir, "remote", "add", "origin", str(remote))
    repo = gitops.open_repo(repo_dir)
    gitops.commit_branch(repo, "topic", "HEAD", [gitops.CommitSpec("one", {"x.txt": "1\n"})])
    gitops.push(repo, "origin", "topic")
    git(repo_dir, "branch", "-D", "topic")
    gitops.commit_branch(repo, "topic", "HEAD", [gitops.CommitSpec("other", {"x.txt": "2\n"})])
    with pytest.raises(GitError, match=r"the remote 'origin' refused the branch 'topic': \[rejected\]"):
        gitops.push(repo, "origin", "topic")
    with pytest.raises(GitError, match="no git remote named 'nowhere'"):
        gitops.check_remote(repo, "nowhere")


def test_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    with pytest.raises(GitError, match="HEAD has no commit yet"):
        gitops.resolve(gitops.open_repo(tmp_path), "HEAD")
