"""Every git operation of the project. This is the only module that imports `git`.

Rules it keeps (DESIGN §9): never touch the user's working tree, index or current branch; never
discard work; sanitise branch names; never pass anything through a shell. Refs are materialised
with `git archive` into a temporary folder, and new branches are committed from a temporary worktree.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git

from esc_cli import gitrefs
from esc_cli.errors import GitError
from esc_cli.secrets import scrub

# GitPython logs push errors itself; they reach the user through GitError instead.
logging.getLogger("git").addHandler(logging.NullHandler())

WORKTREE = "worktree"
BANK_FOLDERS = ("skills", "profiles", "prompts")
_UNSAFE = re.compile(r"[^a-z0-9._/-]+")
_PUSH_FAILED = (
    git.PushInfo.ERROR | git.PushInfo.REJECTED | git.PushInfo.REMOTE_REJECTED | git.PushInfo.REMOTE_FAILURE
)


def open_repo(path: Path) -> git.Repo:
    """The repository that contains `path`, or a GitError that says how to make one."""
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise GitError(
            f"{path}: not inside a git repository (run `git init` and commit the bank first)"
        ) from exc


def repo_root(repo: git.Repo) -> Path:
    if repo.working_tree_dir is None:
        raise GitError(f"{repo.git_dir}: a bare repository has no working tree (clone it first)")
    return Path(repo.working_tree_dir)


def is_shallow(repo: git.Repo) -> bool:
    """True for a clone made with --depth (CI's default checkout), which lacks older commits."""
    try:
        return str(repo.git.rev_parse("--is-shallow-repository")).strip() == "true"
    except git.GitCommandError:
        return False


def resolve(repo: git.Repo, ref: str, *, flag: str = "") -> str:
    """The commit sha of `ref`, or a GitError naming the ref, the option that gave it, and the fix.

    Real `git rev-parse --verify` decides, so every form git knows works (`@{-1}`, `main@{1}`,
    `:/message`) and one it cannot resolve is one line, never a crash; a shallow clone says so.
    """
    if gitrefs.option_like(ref):
        given = f" given to {flag}" if flag else ""
        raise GitError(f"'{ref}'{given} is not a git ref (name a branch, tag or commit)")
    try:
        # `:/text` searches commit messages and would swallow a `^{commit}` suffix: peel it after.
        name = str(repo.git.rev_parse("--verify", "--quiet", ref)) if ref.startswith(":/") else ref
        # Refs starting with '-' were refused above, so none can be read as an option.
        return str(repo.git.rev_parse("--verify", "--quiet", f"{name.strip()}^{{commit}}")).strip()
    except git.GitCommandError as exc:
        if ref == "HEAD" and not repo.head.is_valid():
            raise GitError(
                "HEAD has no commit yet (commit the bank first: `git add -A && git commit -m 'Bank'`)"
            ) from exc
        raise GitError(gitrefs.unresolved(ref, flag, shallow=is_shallow(repo))) from None


def _archive_filter(ref: str) -> Callable[[tarfile.TarInfo, str], tarfile.TarInfo | None]:
    """tarfile's `data` filter, with its refusals (an absolute or escaping symlink, a device) as one
    GitError naming the file, instead of a crash."""

    def check(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, dest)
        except tarfile.FilterError as exc:
            kind = (
                "a link that points outside the repository"
                if member.issym() or member.islnk()
                else "a special file"
            )
            raise GitError(
                f"'{ref}' holds {member.name}, {kind} ({exc}): esc reads no file through it "
                "(commit the file itself instead of the link)"
            ) from None

    return check


def export_tree(repo: git.Repo, ref: str, dest: Path) -> Path:
    """Write the files of `ref` into `dest` with `git archive`; the checkout is not touched."""
    sha = resolve(repo, ref)
    data = repo.git.archive(sha, format="tar", stdout_as_string=False)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(dest, filter=_archive_filter(ref))
    return dest


@contextmanager
def materialised(repo: git.Repo, ref: str, subdir: Path | None = None) -> Iterator[Path]:
    """A temporary folder holding `ref` (or the live working tree for 'worktree'), removed afterwards.

    `subdir` is the bank's folder relative to the repository root, for banks that are not at the root.
    """
    if ref == WORKTREE:
        yield repo_root(repo) / (subdir or Path())
        return
    folder = Path(tempfile.mkdtemp(prefix="esc-ref-"))
    try:
        export_tree(repo, ref, folder)
        yield folder / (subdir or Path())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def changed_files(repo: git.Repo, base: str, head: str, folders: tuple[str, ...] = BANK_FOLDERS) -> list[str]:
    """Paths under `folders` that differ between base and head ('worktree' includes uncommitted edits)."""
    base_sha = resolve(repo, base)
    if head == WORKTREE:
        names = repo.git.diff(base_sha, "--name-only", "--", *folders)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "--", *folders)
        listed = names.splitlines() + untracked.splitlines()
    else:
        listed = repo.git.diff(base_sha, resolve(repo, head), "--name-only", "--", *folders).splitlines()
    return sorted({line.strip() for line in listed if line.strip()})


def _git_detail(exc: git.GitCommandError) -> str:
    """The line of git's stderr that says what went wrong (`fatal: ...`), without GitPython's framing."""
    lines = [
        line.strip().removeprefix("stderr:").strip().strip("'").strip()
        for line in str(exc.stderr or "").splitlines()
    ]
    lines = [line for line in lines if line]
    chosen = next((line for line in reversed(lines) if line.startswith(("fatal:", "error:"))), None)
    return (chosen or (lines[-1] if lines else str(exc).splitlines()[0])).strip()


def check_new_branch(repo: git.Repo, name: str) -> None:
    """Refuse, before any work is done, a branch name that git would refuse or that is taken.

    Git stores branches as files, so `a/b` cannot be created beside a branch `a`, nor `a` beside `a/b`.
    """
    try:
        repo.git.check_ref_format("--branch", name)
    except git.GitCommandError as exc:
        raise GitError(
            f"'{name}' is not a valid branch name (see `git check-ref-format --help`; e.g. no part may start with '.')"
        ) from exc
    heads = [head.name for head in repo.heads]
    if name in heads:
        raise GitError(
            f"branch '{name}' already exists (delete it with `git branch -D {name}` or pick another name)"
        )
    clash = next((h for h in heads if h.startswith(name + "/") or name.startswith(h + "/")), None)
    if clash is not None:
        raise GitError(
            f"branch '{name}' cannot be created beside the existing branch '{clash}' "
            "(git keeps branches as files: pick another name)"
        )


def check_remote(repo: git.Repo, remote: str) -> None:
    """Refuse an unknown remote before any work is done."""
    if remote not in [r.name for r in repo.remotes]:
        raise GitError(
            f"no git remote named '{remote}' (check `git remote -v`, or add it with `git remote add`)"
        )


def branch_name(prefix: str, date: str, slug: str) -> str:
    """A safe branch name like `esc/evolve/2026-11-26-add-crisis-skill`."""
    clean = _UNSAFE.sub("-", slug.lower()).strip("-./")
    clean = re.sub(r"-{2,}", "-", clean)[:60].strip("-") or "change"
    name = f"{prefix}/{date}-{clean}"
    if name.endswith(".lock") or ".." in name or "//" in name:
        raise GitError(f"cannot make a safe branch name from '{slug}'")
    return name


@dataclass(frozen=True)
class CommitSpec:
    """One commit on a new branch: files to write (relative path -> text) or delete (value None)."""

    message: str
    files: Mapping[str, str | None]


IDENTITY_FIX = 'git config --global user.name "Your Name" && git config --global user.email you@example.com'
_WORK_PREFIX = "esc-branch-"
_OWNER_FILE = "owner.pid"


def check_identity(repo: git.Repo) -> None:
    """Refuse to commit under an identity git would invent from the host name (`root <root@vm>`)."""
    missing = [
        key
        for key, variable in (("user.name", "GIT_AUTHOR_NAME"), ("user.email", "GIT_AUTHOR_EMAIL"))
        if not os.environ.get(variable) and not _config(repo, key)
    ]
    if missing:
        raise GitError(
            f"no git identity to commit with ({' and '.join(missing)} not set): set one with `{IDENTITY_FIX}`"
        )


def _config(repo: git.Repo, key: str) -> str:
    try:
        return str(repo.git.config("--get", key)).strip()
    except git.GitCommandError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune_stale_worktrees(repo: git.Repo) -> list[str]:
    """Unlock and remove esc's own temporary worktrees left by a killed run; returns their paths.

    Only worktrees esc made (a `esc-branch-*` folder holding the pid of its owner) whose owner is gone
    are touched; the user's worktrees and a running esc's are left alone.
    """
    removed: list[str] = []
    listing = str(repo.git.worktree("list", "--porcelain"))
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        tree = Path(line.removeprefix("worktree "))
        if not tree.parent.name.startswith(_WORK_PREFIX) or tree.name != "tree":
            continue
        owner = tree.parent / _OWNER_FILE
        try:
            pid = int(owner.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pid = 0
        if pid and _alive(pid):
            continue
        for command in (("unlock", str(tree)), ("remove", "--force", "--force", str(tree))):
            # Not locked, or its folder is already gone: the prune below forgets it.
            with contextlib.suppress(git.GitCommandError):
                repo.git.worktree(*command)
        shutil.rmtree(tree.parent, ignore_errors=True)
        removed.append(str(tree))
    repo.git.worktree("prune")
    return removed


def commit_branch(repo: git.Repo, branch: str, base: str, commits: list[CommitSpec]) -> list[str]:
    """Create `branch` from `base` with one commit per spec, from a temporary worktree.

    The commits are built on the temporary worktree's detached HEAD; the branch appears only at the
    end, with one atomic `update-ref` that also refuses to overwrite a branch made meanwhile. A run
    killed midway leaves no branch (a rerun gets the same name) and its worktree is pruned by the next
    run. Commits run the repository's hooks, and need a git identity. The user's working tree, index
    and current branch are not touched. Returns the new commit shas.
    """
    if branch in [head.name for head in repo.heads]:
        raise GitError(
            f"branch '{branch}' already exists (delete it with `git branch -D {branch}` or pick another name)"
        )
    check_identity(repo)
    prune_stale_worktrees(repo)
    base_sha = resolve(repo, base)
    folder = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX))
    (folder / _OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
    shas: list[str] = []
    try:
        repo.git.worktree("add", "--detach", str(folder / "tree"), base_sha)
        tree = git.Repo(folder / "tree")
        for spec in commits:
            _apply(folder / "tree", tree, spec)
            tree.git.commit("--quiet", "--message", spec.message)  # runs pre-commit and commit-msg hooks
            shas.append(tree.head.commit.hexsha)
        # One atomic step; the empty old value makes git refuse if the branch appeared meanwhile.
        repo.git.update_ref("-m", "esc evolve", f"refs/heads/{branch}", shas[-1] if shas else base_sha, "")
    except git.GitCommandError as exc:
        raise GitError(f"git refused to create branch '{branch}': {_git_detail(exc)}") from exc
    finally:
        if (folder / "tree").exists():
            repo.git.worktree("remove", "--force", str(folder / "tree"))
        shutil.rmtree(folder, ignore_errors=True)
        repo.git.worktree("prune")
    return shas


def _apply(root: Path, tree: git.Repo, spec: CommitSpec) -> None:
    for relative, text in spec.files.items():
        target = (root / relative).resolve()
        if root.resolve() not in target.parents:
            raise GitError(f"refusing to write outside the repository: {relative}")
        if text is None:
            if target.exists():
                tree.git.rm("--quiet", "--", relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(scrub(text), encoding="utf-8")  # no API key value is ever committed
        tree.git.add("--", relative)


def push(repo: git.Repo, remote: str, branch: str) -> None:
    """Push `branch` to `remote`, naming the remote in any error."""
    try:
        results = repo.remote(remote).push(f"refs/heads/{branch}:refs/heads/{branch}")
    except git.GitCommandError as exc:
        raise GitError(
            f"could not push '{branch}' to remote '{remote}': {_git_detail(exc)} "
            f"(the branch is committed locally; check `git remote -v`, then `git push {remote} {branch}`)"
        ) from exc
    except ValueError as exc:
        raise GitError(
            f"could not push '{branch}': no git remote named '{remote}' (check `git remote -v`)"
        ) from exc
    # A rejected ref does not raise: GitPython reports it in the flags of the result.
    failed = [info for info in results if info.flags & _PUSH_FAILED]
    if failed or not results:
        reason = (
            failed[0].summary.strip()
            if failed
            else str(results.error or "nothing was pushed").splitlines()[0]
        )
        raise GitError(
            f"the remote '{remote}' refused the branch '{branch}': {reason} "
            f"(the branch is committed locally; push it yourself with `git push {remote} {branch}`)"
        )
