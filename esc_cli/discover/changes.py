"""What `esc skill discover` would change on disk, as reviewable unified diffs, and applying it.

Two modes:
- update (the default): existing skills keep every hand-written word; only their `evidence` block is
  refreshed (and `version` bumped). Discovered skills that no existing skill covers are proposed as
  new files with `status: draft`, for a person to review and activate.
- full (`--out DIR`): the whole discovered bank is written to DIR, which must not hold other skills.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from esc_cli.bank.files import dump_skill, parse_skill, read_skill_text
from esc_cli.bank.model import Evidence, Skill
from esc_cli.discover.claims import evidence_for
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.pipeline import Discovery
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text
from esc_cli.iu.records import IU


@dataclass(frozen=True)
class FileChange:
    """One skill file before and after (`before` is None for a new file)."""

    path: Path
    before: str | None
    after: str
    reason: str

    def diff(self, base: Path | None = None) -> str:
        shown = _shown(self.path, base)
        old = (self.before or "").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        prefix = ("", "") if shown.startswith("/") else ("a/", "b/")
        source = f"{prefix[0]}{shown}" if self.before is not None else "/dev/null"
        return "".join(difflib.unified_diff(old, new, fromfile=source, tofile=f"{prefix[1]}{shown}"))


@dataclass(frozen=True)
class ChangeSet:
    """Every file discovery would write, plus what it left alone and why."""

    changes: list[FileChange]
    notes: list[str] = field(default_factory=list)

    def diff(self, base: Path | None = None) -> str:
        return "".join(change.diff(base) for change in self.changes)

    def count(self, reason: str) -> int:
        return sum(1 for change in self.changes if change.reason == reason)


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def with_evidence(skill: Skill, evidence: Evidence) -> Skill:
    """The same skill with a new evidence block; the version goes up when anything changed."""
    if skill.meta.evidence == evidence:
        return skill
    meta = skill.meta.model_copy(update={"evidence": evidence, "version": skill.meta.version + 1})
    return Skill(meta=meta, body=skill.body)


def covers(existing: Skill, proposed: Skill) -> bool:
    """An existing skill covers a discovered one when they do the same thing at the same stage."""
    if existing.meta.crisis or proposed.meta.crisis:
        return existing.meta.crisis == proposed.meta.crisis
    same_family = existing.meta.strategies[0] == proposed.meta.strategies[0]
    shared = set(existing.meta.actions) & set(proposed.meta.actions)
    return same_family and bool(shared) and existing.meta.stage == proposed.meta.stage


def update_changes(
    folder: Path, discovery: Discovery, ius: Sequence[IU], config: DiscoveryConfig
) -> ChangeSet:
    """Refresh the evidence of existing skills and propose uncovered discovered skills as drafts."""
    # Each file is read once, through the safe reader; its text is the "before" side of the diff.
    texts = {path: read_skill_text(path) for path in sorted(folder.glob("*.md")) if path.is_file()}
    current = [(path, parse_skill(text, path)) for path, text in texts.items()]
    changes: list[FileChange] = []
    notes: list[str] = []
    unsupported: list[str] = []
    for path, skill in current:
        evidence = evidence_for(skill.meta, ius, config)
        if evidence.ius == 0:
            unsupported.append(skill.id)
            continue
        updated = with_evidence(skill, evidence)
        if updated is not skill:  # an unchanged skill is left alone, even when not normalised
            changes.append(FileChange(path, texts[path], dump_skill(updated), "evidence"))
    if unsupported:
        notes.append(f"no key IU supports the conditions of {', '.join(unsupported)}: left as they are")
    existing = [skill for _, skill in current if skill.meta.status != "deprecated"]
    taken = {skill.id for _, skill in current}
    for proposed in discovery.skills:
        holder = next((s for s in existing if s.id == proposed.id or covers(s, proposed)), None)
        if holder is None and proposed.id in taken:
            notes.append(f"{proposed.id}: a deprecated skill has this id; not proposed")
            continue
        if holder is not None:
            notes.append(f"discovered {proposed.id} is covered by existing {holder.id}: not proposed")
            continue
        draft = Skill(meta=proposed.meta.model_copy(update={"status": "draft"}), body=proposed.body)
        changes.append(FileChange(folder / f"{proposed.id}.md", None, dump_skill(draft), "new"))
    return ChangeSet(changes, notes)


def full_changes(out: Path, discovery: Discovery) -> ChangeSet:
    """Write the whole discovered bank to `out`, refusing a folder that holds other skills."""
    wanted = {f"{skill.id}.md" for skill in discovery.skills}
    if out.is_dir():
        strangers = sorted(p.name for p in out.glob("*.md") if p.name not in wanted)
        if strangers:
            raise InputError(
                out,
                f"holds skills that are not in the discovered bank ({', '.join(strangers[:3])})",
                fix="choose an empty folder for --out, or leave out --out to update the bank in place",
            )
    changes: list[FileChange] = []
    for skill in discovery.skills:
        path = out / f"{skill.id}.md"
        before = read_skill_text(path) if path.is_file() else None
        after = dump_skill(skill)
        if after != before:
            changes.append(FileChange(path, before, after, "discovered" if before is None else "rewritten"))
    return ChangeSet(changes, list(discovery.notes))


def apply_changes(changes: ChangeSet) -> None:
    """Write every changed file atomically."""
    for change in changes.changes:
        atomic_write_text(change.path, change.after)
