"""`esc skill why` as text: each claim of a skill, its counts, and short excerpts of the IUs behind it."""

from __future__ import annotations

from collections.abc import Sequence

from esc_cli.bank.model import Skill
from esc_cli.discover.claims import Claim, skill_claims, supporting_ius
from esc_cli.discover.excerpts import last_seeker_text, shorten
from esc_cli.discover.prototypes import improved
from esc_cli.iu.records import IU

EXCERPT_CHARS = 90


def excerpt_line(iu: IU) -> str:
    seeker = shorten(last_seeker_text(iu), EXCERPT_CHARS)
    supporter = shorten(iu.action.text, EXCERPT_CHARS)
    return f"  {iu.id} ({iu.outcome.delta:+.1f}) Seeker: {seeker} | Supporter: {supporter}"


def shown_ius(claim: Claim, limit: int) -> list[IU]:
    """The IUs worth reading for a claim: successes for applies_when, failures for the rest."""
    if claim.kind == "applies_when":
        order = sorted(claim.ius, key=lambda iu: (not improved(iu), -iu.outcome.delta, iu.id))
    elif claim.kind == "expected_outcome":
        ranked = sorted(claim.ius, key=lambda iu: (iu.outcome.delta, iu.id))
        middle = len(ranked) // 2
        order = [ranked[i] for i in dict.fromkeys((0, middle, len(ranked) - 1)) if ranked]
    else:
        order = sorted(claim.ius, key=lambda iu: (iu.outcome.delta, iu.id))
    return order[:limit]


def claim_line(claim: Claim) -> str:
    head = f"{claim.kind} {claim.subject}: {len(claim.ius)} key IUs"
    if claim.kind == "risk":
        return f"{head} ({claim.note})"
    counts = f"{claim.helped} improved, {claim.hurt} worsened, mean {claim.mean_delta:+.1f}"
    note = f"; {claim.note}" if claim.note else ""
    return f"{head}, {counts}{note}" if claim.ius else f"{head}{note}"


def explain(skill: Skill, ius: Sequence[IU], *, limit: int = 3) -> list[str]:
    """The lines `esc skill why` prints for one skill."""
    support = supporting_ius(skill.meta, ius)
    lines = [f"{skill.id}: {skill.meta.title} ({len(support)} key IUs support its conditions)"]
    for claim in skill_claims(skill.meta, ius):
        lines.append(claim_line(claim))
        lines.extend(excerpt_line(iu) for iu in shown_ius(claim, limit))
    known = {iu.id for iu in ius}
    if skill.meta.evidence is not None and skill.meta.evidence.examples:
        missing = [i for i in skill.meta.evidence.examples if i not in known]
        found = len(skill.meta.evidence.examples) - len(missing)
        tail = f"; not in this IU file: {', '.join(missing)}" if missing else ""
        lines.append(f"examples: {found} of {len(skill.meta.evidence.examples)} cited IUs found{tail}")
    return lines
