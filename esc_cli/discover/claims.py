"""The IUs behind each claim of a skill: its conditions, its expected outcome and its risks.

`esc skill why` prints these, and discovery uses the same selection to refresh the evidence of a
skill written by hand, so "why" always explains exactly the numbers in `evidence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from esc_cli import taxonomy
from esc_cli.bank.model import Evidence, SkillMeta
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.excerpts import attribution, example_ius
from esc_cli.discover.phrasing import is_phrasing_flag, phrasing_flags
from esc_cli.discover.prototypes import improved, primary_action, primary_state, prototype_id, worsened
from esc_cli.iu.records import IU


@dataclass(frozen=True)
class Claim:
    """One claim of a skill and the key IUs that bear on it."""

    kind: str
    subject: str
    ius: tuple[IU, ...]
    note: str = ""

    @property
    def helped(self) -> int:
        return sum(1 for iu in self.ius if improved(iu))

    @property
    def hurt(self) -> int:
        return sum(1 for iu in self.ius if worsened(iu))

    @property
    def mean_delta(self) -> float:
        return fmean(iu.outcome.delta for iu in self.ius) if self.ius else 0.0


def _uses(meta: SkillMeta, iu: IU) -> bool:
    return iu.key and primary_action(iu) in meta.actions


def supporting_ius(meta: SkillMeta, ius: Sequence[IU]) -> list[IU]:
    """Key IUs where a supporter used one of the skill's actions in one of its applies_when states."""
    states = set(meta.applies_when.seeker_states)
    return [iu for iu in ius if _uses(meta, iu) and primary_state(iu) in states]


def _state_claims(kind: str, states: Sequence[str], used: Sequence[IU]) -> list[Claim]:
    return [Claim(kind, state, tuple(iu for iu in used if primary_state(iu) == state)) for state in states]


def _risk_claim(risk_id: str, used: Sequence[IU]) -> Claim:
    failed = [iu for iu in used if worsened(iu)]
    if risk_id in taxonomy.BEHAVIOUR_IDS:
        hits = tuple(iu for iu in failed if risk_id in iu.outcome.behaviours)
        return Claim(
            "risk", risk_id, hits, f"seeker behaviour after {len(hits)} of {len(failed)} worsened IUs"
        )
    if is_phrasing_flag(risk_id):
        hits = tuple(iu for iu in failed if risk_id in phrasing_flags(iu.action.text))
        return Claim("risk", risk_id, hits, f"phrasing found in {len(hits)} of {len(failed)} worsened IUs")
    return Claim("risk", risk_id, (), "no IU label for this risk: written by hand")


def skill_claims(meta: SkillMeta, ius: Sequence[IU]) -> list[Claim]:
    """Every claim of a skill, in file order, with the IUs behind it."""
    used = [iu for iu in ius if _uses(meta, iu)]
    claims = _state_claims("applies_when", meta.applies_when.seeker_states, used)
    claims += _state_claims("avoid_when", meta.avoid_when.seeker_states, used)
    low, high = meta.expected_outcome.emotion_delta
    support = supporting_ius(meta, ius)
    inside = sum(1 for iu in support if low <= iu.outcome.delta <= high)
    claims.append(
        Claim(
            "expected_outcome",
            f"[{low}, {high}]",
            tuple(support),
            f"{inside} of {len(support)} inside the range",
        )
    )
    claims += [_risk_claim(risk.id, used) for risk in meta.risks]
    return claims


def evidence_for(meta: SkillMeta, ius: Sequence[IU], config: DiscoveryConfig) -> Evidence:
    """The evidence block of a skill as written, recomputed from IUs."""
    support = supporting_ius(meta, ius)
    sources = sorted({f"{iu.source}:{iu.split}" for iu in support})
    prototypes = sorted({prototype_id(primary_state(iu), primary_action(iu)) for iu in support})
    rate = sum(1 for iu in support if improved(iu)) / len(support) if support else None
    return Evidence(
        ius=len(support),
        success_rate=round(rate, 3) if rate is not None else None,
        sources=sources,
        examples=[iu.id for iu in example_ius(support, config)],
        prototypes=prototypes,
        attribution=attribution(sources),
    )
