"""Merging prototypes into skill plans: the statistics a skill is written from.

Prototypes pool by action family and seeker state into effects (`effects`). The states where a family
helps split by their helping stage, so one plan is one (family, stage) pair, merged across the
family's actions: `applies_when` is its helpful states, `avoid_when` every state where the family
hurts, plus crisis-risk. Its risks come from its failed IUs (`risks`), its examples from its
successful ones (`excerpts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import quantiles

from esc_cli import taxonomy
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.effects import StateEffect, family_of, helps, hurts, state_effects
from esc_cli.discover.excerpts import example_ius
from esc_cli.discover.prototypes import Prototype, improved, primary_action, primary_state
from esc_cli.discover.risks import RiskFinding, risk_findings, warning_signs
from esc_cli.iu.records import IU

CRISIS_STATE = "crisis-risk"
CRISIS_ACTIONS = ("safety-check", "refer-resource")


@dataclass(frozen=True)
class SkillPlan:
    """Everything a writer needs to write one skill, and the IUs behind each number."""

    family: str
    stage: str
    actions: tuple[str, ...]
    applies: tuple[StateEffect, ...]
    avoid_states: tuple[str, ...]
    ius: tuple[IU, ...]
    risks: tuple[RiskFinding, ...]
    examples: tuple[IU, ...]
    crisis: bool = False

    @property
    def id(self) -> str:
        if self.crisis:
            return "crisis-safety-check"
        return f"{self.actions[0]}-{self.stage}"

    @property
    def applies_states(self) -> tuple[str, ...]:
        return tuple(effect.state for effect in self.applies)

    @property
    def prototype_ids(self) -> tuple[str, ...]:
        return tuple(p.id for effect in self.applies for p in effect.prototypes)

    @property
    def deltas(self) -> tuple[float, ...]:
        return tuple(iu.outcome.delta for iu in self.ius)

    @property
    def success_rate(self) -> float:
        return sum(1 for iu in self.ius if improved(iu)) / len(self.ius) if self.ius else 0.0

    @property
    def delta_range(self) -> tuple[int, int]:
        return delta_range(self.deltas)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({f"{iu.source}:{iu.split}" for iu in self.ius}))


def delta_range(deltas: Sequence[float]) -> tuple[int, int]:
    """The middle half of the observed changes, rounded and clipped to -10..10."""
    if not deltas:
        return (0, 0)
    if len(deltas) == 1:
        low = high = deltas[0]
    else:
        q1, _, q3 = quantiles(deltas, n=4, method="inclusive")
        low, high = q1, q3
    return (_clip(low), _clip(high))


def _clip(value: float) -> int:
    return max(-10, min(10, round(value)))


def _ordered_actions(ius: Sequence[IU]) -> tuple[str, ...]:
    counts = Counter(primary_action(iu) for iu in ius)
    counts.pop("safety-check", None)
    return tuple(sorted(counts, key=lambda a: (-counts[a], a)))


def plan_skills(
    ius: Sequence[IU], prototypes: Sequence[Prototype], config: DiscoveryConfig
) -> list[SkillPlan]:
    """One plan per (family, stage) with at least one helpful state; crisis-risk is left out."""
    effects = [e for e in state_effects(prototypes) if e.state != CRISIS_STATE]
    key_ius = [iu for iu in ius if iu.key]
    signs = warning_signs(key_ius, config)
    plans: list[SkillPlan] = []
    for family in taxonomy.ESCONV_STRATEGIES:
        mine = [e for e in effects if e.family == family]
        avoid = tuple(e.state for e in mine if hurts(e, config))
        family_ius = [iu for iu in key_ius if primary_action(iu) and family_of(primary_action(iu)) == family]
        risks = risk_findings(family_ius, signs, config)
        for stage in taxonomy.STAGE_IDS:
            applies = tuple(e for e in mine if helps(e, config) and taxonomy.stage_of_state(e.state) == stage)
            if not applies:
                continue
            states = {e.state for e in applies}
            support = [iu for iu in family_ius if primary_state(iu) in states]
            actions = _ordered_actions(support)
            if not actions:
                continue
            # The skill claims only its own actions, so its numbers count only IUs that used one of
            # them: the same selection `evidence_for` and `esc skill why` make from the written skill.
            support = [iu for iu in support if primary_action(iu) in actions]
            plans.append(
                SkillPlan(
                    family=family,
                    stage=stage,
                    actions=actions,
                    applies=applies,
                    avoid_states=(*avoid, CRISIS_STATE),
                    ius=tuple(support),
                    risks=risks,
                    examples=example_ius(support, config),
                )
            )
    return plans


def plan_crisis(ius: Sequence[IU], config: DiscoveryConfig) -> SkillPlan | None:
    """The crisis skill's plan, or None when the data has too few crisis IUs to write it from."""
    crisis = [iu for iu in ius if iu.key and primary_state(iu) == CRISIS_STATE]
    handled = [iu for iu in crisis if primary_action(iu) in CRISIS_ACTIONS]
    examples = example_ius(handled, config)
    if len(crisis) < config.min_crisis_ius or len(examples) < 2:
        return None
    return SkillPlan(
        family=taxonomy.Q,
        stage=taxonomy.stage_of_state(CRISIS_STATE),
        actions=CRISIS_ACTIONS,
        applies=(),
        avoid_states=(),
        ius=tuple(crisis),
        risks=risk_findings(crisis, warning_signs(ius, config), config),
        examples=examples,
        crisis=True,
    )
