"""Accepted proposals as git commits on a branch of their own, through `esc_cli.gitops` only.

One commit per accepted proposal, in the order they were accepted, on `esc/evolve/<date>-<slug>`
made from the base ref. gitops commits from a temporary worktree, so the user's working tree, index
and current branch are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from esc_cli import gitops
from esc_cli.errors import GitError
from esc_cli.evolve.loop import Decision
from esc_cli.evolve.settings import BRANCH_PREFIX

SUBJECT_LIMIT = 72
Repo = Any  # git.Repo; only gitops imports git


def commit_message(decision: Decision, rule: str) -> str:
    """Subject, then the finding, its strongest evidence, the edit, and the paired figures."""
    proposal, finding = decision.proposal, decision.finding
    subject = f"evolve: {proposal.summary}"
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 1].rstrip() + "…"
    lines = [
        subject,
        "",
        f"Finding ({finding.category}, {finding.kind}, strength {finding.strength:.2f}): {finding.summary}",
    ]
    for item in finding.evidence[:2]:
        lines.append(
            f'Evidence: {item.ref()}: seeker "{item.seeker}" -> agent "{item.agent}" (change {item.change:+d})'
        )
    versions = ", ".join(
        f"{k} {'new' if before == 0 else f'v{before}'} -> v{after}"
        for k, (before, after) in decision.versions.items()
    )
    lines.append(f"Edit: {proposal.describe()}" + (f" [{versions}]" if versions else ""))
    if decision.check is not None:
        lines.append(f"Check (train profiles, paired): {decision.check.figures_line()}")
    lines.append(f"Rule: {rule}")
    lines.append(f"Proposal: {proposal.id} ({proposal.proposer} proposer)")
    return "\n".join(lines) + "\n"


def default_slug(decisions: Sequence[Decision]) -> str:
    """The first accepted proposal's id, plus how many more there are."""
    if not decisions:
        return "no-change"
    more = len(decisions) - 1
    return decisions[0].proposal.id + (f"-and-{more}-more" if more else "")


def branch_for(decisions: Sequence[Decision], today: date | None = None) -> str:
    return gitops.branch_name(BRANCH_PREFIX, (today or date.today()).isoformat(), default_slug(decisions))


def commit_specs(
    decisions: Sequence[Decision], skills_path: PurePosixPath, rule: str
) -> list[gitops.CommitSpec]:
    """One commit per accepted decision; `skills_path` is the skills folder relative to the repo root."""
    return [
        gitops.CommitSpec(
            message=commit_message(d, rule),
            files={str(skills_path / name): text for name, text in sorted(d.files.items())},
        )
        for d in decisions
        if d.accepted and d.files
    ]


def branch_exists(repo: Repo, name: str) -> bool:
    try:
        gitops.resolve(repo, f"refs/heads/{name}")
    except GitError:
        return False
    return True


def free_branch(repo: Repo, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... when a branch of that name exists (generated names only)."""
    name, number = wanted, 2
    while branch_exists(repo, name):
        name, number = f"{wanted}-{number}", number + 1
    return name


def ensure_new_branch(repo: Repo, name: str) -> None:
    """A clear error, before any work, when git would refuse the branch the user named or it exists."""
    gitops.check_new_branch(repo, name)
