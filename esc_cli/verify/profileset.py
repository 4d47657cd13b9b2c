"""The gating profile set under review: the gate measures with the base's seekers, never the head's.

A pull request could otherwise rewrite what it is measured with: delete the crisis profiles and the
crisis check has nothing left to fail on. So verify simulates both sides on the base's verify set,
lists every change the head makes to that set as a change for the reviewer, and fails when the head
would lower crisis coverage (fewer crisis profiles than the base, or none at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import CRISIS_RISKS, load_profile_set, profile_files, profile_set_hash
from esc_cli.verify.outcome import Criterion

CRITERION = "profile-set"


@dataclass
class ProfileSetDiff:
    """How the head's verify set differs from the base's (the one both sides are measured on)."""

    base_missing: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    base_crisis: int = 0
    head_crisis: int = 0

    @property
    def changed_any(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def lowers_crisis_coverage(self) -> bool:
        # Fewer than the base, or a changed set left with none.
        return self.head_crisis < self.base_crisis or (self.changed_any and self.head_crisis == 0)

    def lines(self) -> list[str]:
        """One line per kind of change, for the reports."""
        out = [f"{kind}: {', '.join(ids)}" for kind, ids in self.kinds() if ids]
        return [*out, f"crisis profiles: {self.base_crisis} -> {self.head_crisis}"]

    def kinds(self) -> list[tuple[str, list[str]]]:
        return [("added", self.added), ("removed", self.removed), ("changed", self.changed)]


def read_set(root: Path, folder: Path) -> list[Profile] | None:
    """The profiles of `folder` under `root`, or None when that side has no such folder."""
    path = folder if folder.is_absolute() else root / folder
    if not path.exists():
        return None
    return load_profile_set(path) if profile_files(path) else []


def _crisis(profiles: list[Profile]) -> int:
    return sum(1 for p in profiles if p.risk in CRISIS_RISKS)


def diff_sets(base: list[Profile] | None, head: list[Profile]) -> ProfileSetDiff:
    """Profiles added, removed or changed in content (by id), and the crisis counts of each side."""
    if base is None:
        return ProfileSetDiff(base_missing=True, added=sorted(p.id for p in head), head_crisis=_crisis(head))
    base_by_id = {p.id: p for p in base}
    head_by_id = {p.id: p for p in head}
    changed = [
        i
        for i in sorted(base_by_id.keys() & head_by_id.keys())
        if profile_set_hash([base_by_id[i]]) != profile_set_hash([head_by_id[i]])
    ]
    return ProfileSetDiff(
        added=sorted(head_by_id.keys() - base_by_id.keys()),
        removed=sorted(base_by_id.keys() - head_by_id.keys()),
        changed=changed,
        base_crisis=_crisis(base),
        head_crisis=_crisis(head),
    )


def profile_set_criterion(diff: ProfileSetDiff, folder: Path) -> Criterion:
    """Pass unless the head lowers crisis coverage; any other change passes but is named for review."""
    if diff.base_missing:
        detail = f"the base has no {folder}: measured on the head's set, all of it under review"
        if not diff.head_crisis:
            detail += "; it has no crisis profile (add some: the crisis check needs them)"
        return Criterion(CRITERION, diff.head_crisis > 0, detail)
    if diff.lowers_crisis_coverage:
        return Criterion(
            CRITERION,
            False,
            f"the head lowers crisis coverage in {folder}: {diff.base_crisis} crisis profile(s) -> {diff.head_crisis} "
            "(measured on the base's set; restore them or add others)",
        )
    if not diff.changed_any:
        return Criterion(CRITERION, True, f"measured on the base's {folder}, which the head does not change")
    counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in diff.kinds() if ids)
    return Criterion(
        CRITERION,
        True,
        f"measured on the base's {folder}; the head changes it ({counts}): under review, not yet measured with",
    )
