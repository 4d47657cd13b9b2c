"""`esc evolve` end to end: read the base ref, evolve, write the outputs, commit the branch.

    1. open the repository and resolve the base ref (a dry run works without git: the working tree)
    2. read the skills and the train profiles from the base ref (git archive into a temporary folder)
    3. run the Evolver (loop.py) with the chosen simulator, analyst and proposer
    4. write OUT/evolution.json, OUT/round-<n>/ runs, OUT/skills/<changed>.md and OUT/pull-request.md
    5. commit one commit per accepted proposal on `esc/evolve/<date>-<slug>` from the base; push

The user's working tree, index and current branch are never touched (gitops commits from a
temporary worktree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from esc_cli import gitops
from esc_cli.bank.model import Skill
from esc_cli.config import Bank
from esc_cli.errors import GitError, InputError
from esc_cli.evolve.analysis import Analyst
from esc_cli.evolve.bankstate import BankState, changed_files, read_bank
from esc_cli.evolve.branch import Repo, branch_for, commit_specs, ensure_new_branch, free_branch
from esc_cli.evolve.loop import Events, Evolution, Evolver, Proposer
from esc_cli.evolve.outputs import write_outputs, write_round_run
from esc_cli.evolve.prdesc import pr_description
from esc_cli.evolve.settings import EvolveSettings
from esc_cli.evolve.sources import check_not_verify, train_profiles
from esc_cli.fileio import atomic_write_text, ensure_dir
from esc_cli.llm.client import ModelClient
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runner import simulate_sync

DESCRIPTION_FILE = "pull-request.md"
_BRANCH_OK = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"


@dataclass
class EvolveRequest:
    """What the user asked `esc evolve` for."""

    profiles: PurePosixPath
    base: str = "HEAD"
    out: Path | None = None
    branch: str | None = None
    push: str | None = None
    dry_run: bool = False
    settings: EvolveSettings = field(default_factory=EvolveSettings)
    skills: Path | None = None
    """Evolve the skill files of this folder instead of the base ref's; no branch is made."""


@dataclass
class EvolveOutcome:
    evolution: Evolution
    bank: BankState
    out: Path
    description: Path
    branch: str = ""
    commits: list[str] = field(default_factory=list)
    pushed: str = ""


@dataclass
class Roles:
    """The parts that can run offline or on a model."""

    analyst: Analyst
    proposer: Proposer
    options: SimOptions
    clients: list[ModelClient] = field(default_factory=list)
    """Model clients to close when evolution ends (the CLI closes them)."""


def check_branch_name(name: str) -> None:
    """A branch name the user gave must be plain: no shell or git specials, no '..'."""
    if not re.match(_BRANCH_OK, name) or ".." in name or name.endswith((".lock", "/")) or "//" in name:
        raise InputError(
            None, f"'{name}' is not a safe branch name", fix="use letters, digits, '.', '_', '-' and '/'"
        )


def simulator(
    profiles: list[Profile], options: SimOptions
) -> Callable[[list[Skill], Sequence[int]], list[Dialogue]]:
    """The Evolver's simulate(): these profiles at the seed indices given, so runs are paired."""

    def run(skills: list[Skill], seeds: Sequence[int]) -> list[Dialogue]:
        return simulate_sync(skills, profiles, seeds, options)

    return run


def evolve(bank: Bank, request: EvolveRequest, roles: Roles, on_event: Events | None = None) -> EvolveOutcome:
    check_not_verify(bank, request.profiles, str(request.profiles))
    if request.branch is not None:
        check_branch_name(request.branch)
    if request.skills is not None:
        if request.branch is not None or request.push:
            raise InputError(
                str(request.skills),
                "a skills folder evolves without a branch",
                fix="leave out --branch and --push, or commit the skills into the bank and evolve that",
            )
        return _finish(bank, request, roles, None, bank.root, "", on_event)
    try:
        repo = gitops.open_repo(bank.root)
    except GitError:
        if not request.dry_run:
            raise
        return _finish(bank, request, roles, None, bank.root, "", on_event)
    base_sha = gitops.resolve(repo, request.base, flag="--base")
    _note_uncommitted(repo, bank, request.base, on_event)
    if request.branch is not None and not request.dry_run:
        ensure_new_branch(repo, request.branch)
    if request.push and not request.dry_run:
        gitops.check_remote(repo, request.push)
    if not request.dry_run:
        gitops.check_identity(repo)  # before the simulations, not after them
        gitops.prune_stale_worktrees(repo)  # debris of a killed run
    repo_root = gitops.repo_root(repo).resolve()
    subdir = Path(bank.root.resolve().relative_to(repo_root))
    with gitops.materialised(repo, base_sha, subdir) as root:
        return _finish(bank, request, roles, repo, root, base_sha, on_event)


def _note_uncommitted(repo: Repo, bank: Bank, base: str, on_event: Events | None) -> None:
    """Evolution reads the base ref: say which edits of the working tree it leaves out, by name."""
    if on_event is None:
        return
    repo_root = gitops.repo_root(repo).resolve()
    skills = (bank.root / bank.settings.skills).resolve()
    if not skills.is_relative_to(repo_root):
        return
    folder = skills.relative_to(repo_root).as_posix()
    edited = gitops.changed_files(repo, "HEAD", gitops.WORKTREE, folders=(folder,))
    if edited:
        shown = ", ".join(edited[:5]) + (f" and {len(edited) - 5} more" if len(edited) > 5 else "")
        on_event(
            f"note: evolving {base} as committed; uncommitted edits are left out: {shown} "
            "(commit them first to evolve them)"
        )


def _finish(
    bank: Bank,
    request: EvolveRequest,
    roles: Roles,
    repo: Repo | None,
    root: Path,
    base_sha: str,
    on_event: Events | None,
) -> EvolveOutcome:
    skills_rel = PurePosixPath(Path(bank.settings.skills).as_posix())
    start = read_bank(request.skills if request.skills is not None else root / skills_rel)
    source = f"the base ref {request.base}" if repo is not None else "the working tree"
    profiles = train_profiles(root, request.profiles, bank, source=source)
    if not profiles:
        raise InputError(
            str(request.profiles), "no profiles found", fix="pass a folder of profile YAML files"
        )
    settings = request.settings
    out = (
        request.out or bank.runs_dir / f"evolve-{datetime.now():%Y%m%d-%H%M%S}-{(base_sha or 'worktree')[:8]}"
    )
    _check_out(out)

    def keep_round(number: int, skills: list[Skill], dialogues: list[Dialogue]) -> None:
        write_round_run(
            out / f"round-{number}",
            skills,
            profiles,
            settings.seeds,
            roles.options,
            dialogues,
            str(request.profiles),
        )

    evolver = Evolver(
        simulate=simulator(profiles, roles.options),
        analyst=roles.analyst,
        proposer=roles.proposer,
        settings=settings,
        on_event=on_event,
        on_round=keep_round,
    )
    evolution, final = evolver.run(start)
    outcome = EvolveOutcome(evolution=evolution, bank=final, out=out, description=out / DESCRIPTION_FILE)
    write_outputs(out, evolution, changed_files(start, final))
    if repo is not None and evolution.accepted and not request.dry_run:
        _commit(outcome, repo, request, base_sha, bank)
    base_name = request.base if repo is not None else "the working tree"
    if request.skills is not None:
        base_name = f"the skills folder {request.skills}"
    shown = outcome.branch or ("(dry run: no branch)" if request.dry_run else "(nothing accepted: no branch)")
    text = pr_description(
        evolution, branch=shown, base=base_name, profiles=str(request.profiles), seeds=settings.seeds
    )
    atomic_write_text(outcome.description, text)
    if repo is not None and request.push and outcome.branch:
        # Last: a refused push still leaves the branch and the pull-request text behind.
        gitops.push(repo, request.push, outcome.branch)
        outcome.pushed = request.push
    return outcome


def _check_out(out: Path) -> None:
    """Refuse an unusable --out before the first simulation, not after it."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, "already exists and is not empty", fix="pass another --out or remove it")
    ensure_dir(out, what="evolve output folder")


def _commit(outcome: EvolveOutcome, repo: Repo, request: EvolveRequest, base_sha: str, bank: Bank) -> None:
    accepted = outcome.evolution.accepted
    name = request.branch or free_branch(repo, branch_for(accepted))
    repo_root = gitops.repo_root(repo).resolve()
    skills_path = PurePosixPath(
        (bank.root / bank.settings.skills).resolve().relative_to(repo_root).as_posix()
    )
    specs = commit_specs(accepted, skills_path, outcome.evolution.rule)
    outcome.commits = gitops.commit_branch(repo, name, base_sha, specs)
    outcome.branch = name
