"""Merging prototypes into skill plans: the statistics a skill is written from.

Prototypes pool by action family (the ESConv strategy their action refines) and seeker state. The
effect of a family in a state is its mean change minus the mean change of every key IU in that state
(its *lift*): a state's own mood drifts whatever the supporter does (a relieved seeker's next message
is rarely as bright), so only the contrast with the other moves made there says what the family adds.
With at least `min_support` key IUs, a family helps in a state when its lift is above `helps_z`
standard errors, and hurts when it is at or below `hurts_z` (clearly worse than the usual move there).
Helpful states split by their helping stage, so one plan is one (family, stage) pair: `applies_when`
is its helpful states, `avoid_when` every state where the family hurts, plus crisis-risk.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import fmean, quantiles, stdev

from esc_cli import taxonomy
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.phrasing import phrasing_flags
from esc_cli.discover.prototypes import Prototype, improved, primary_action, primary_state, worsened
from esc_cli.iu.records import IU

CRISIS_STATE = "crisis-risk"
CRISIS_ACTIONS = ("safety-check", "refer-resource")


@dataclass(frozen=True)
class StateEffect:
    """The pooled outcome of one action family in one seeker state, against the state's baseline."""

    family: str
    state: str
    prototypes: tuple[Prototype, ...]
    baseline: float
    """Mean change of every key IU in this state, whatever the action."""

    @property
    def deltas(self) -> tuple[float, ...]:
        return tuple(d for p in self.prototypes for d in p.deltas)

    @property
    def size(self) -> int:
        return sum(p.size for p in self.prototypes)

    @property
    def mean_delta(self) -> float:
        return fmean(self.deltas) if self.deltas else 0.0

    @property
    def lift(self) -> float:
        return self.mean_delta - self.baseline

    @property
    def z(self) -> float:
        """The lift in standard errors (the spread is floored at 1 point so tiny groups stay modest)."""
        deltas = self.deltas
        spread = max(stdev(deltas), 1.0) if len(deltas) > 1 else 1.0
        return self.lift / (spread / sqrt(len(deltas))) if deltas else 0.0


@dataclass(frozen=True)
class RiskFinding:
    """A pattern that is more common after failed IUs than after successful ones."""

    id: str
    description: str
    ius: tuple[str, ...]


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

    @property
    def turns(self) -> tuple[int, ...]:
        return tuple(sorted(iu.turn for iu in self.ius))


def family_of(action: str) -> str:
    return taxonomy.strategy_of_action(action)


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


def state_baselines(prototypes: Sequence[Prototype]) -> dict[str, float]:
    """The mean change of all key IUs in each state."""
    by_state: dict[str, list[float]] = defaultdict(list)
    for proto in prototypes:
        by_state[proto.state].extend(proto.deltas)
    return {state: fmean(deltas) for state, deltas in by_state.items()}


def state_effects(prototypes: Sequence[Prototype]) -> list[StateEffect]:
    """Pool the prototypes by (family, state), in taxonomy order."""
    pooled: dict[tuple[str, str], list[Prototype]] = defaultdict(list)
    for proto in prototypes:
        pooled[(family_of(proto.action), proto.state)].append(proto)
    baselines = state_baselines(prototypes)
    order = {state: i for i, state in enumerate(taxonomy.STATE_IDS)}
    return [
        StateEffect(family, state, tuple(sorted(protos, key=lambda p: (-p.size, p.id))), baselines[state])
        for (family, state), protos in sorted(pooled.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


def helps(effect: StateEffect, config: DiscoveryConfig) -> bool:
    return effect.size >= config.min_support and effect.z > config.helps_z


def hurts(effect: StateEffect, config: DiscoveryConfig) -> bool:
    return effect.size >= config.min_support and effect.z <= config.hurts_z


def risk_findings(family_ius: Sequence[IU], config: DiscoveryConfig) -> tuple[RiskFinding, ...]:
    """Behaviours and phrasing flags that are more frequent after failed IUs than successful ones."""
    failed = [iu for iu in family_ius if worsened(iu)]
    good = [iu for iu in family_ius if improved(iu)]
    if not failed:
        return ()
    patterns: dict[str, list[IU]] = defaultdict(list)
    good_counts: Counter[str] = Counter()
    for iu in failed:
        for label in (*iu.outcome.behaviours, *phrasing_flags(iu.action.text)):
            patterns[label].append(iu)
    for iu in good:
        good_counts.update({*iu.outcome.behaviours, *phrasing_flags(iu.action.text)})
    floor = max(2, config.min_support // 4)
    found: list[tuple[float, RiskFinding]] = []
    for label, members in patterns.items():
        share = len(members) / len(failed)
        base = good_counts[label] / len(good) if good else 0.0
        if len(members) >= floor and share > base:
            ids = tuple(sorted(iu.id for iu in members))
            found.append((share - base, RiskFinding(label, risk_text(label, len(members), len(failed)), ids)))
    found.sort(key=lambda pair: (-pair[0], pair[1].id))
    return tuple(risk for _, risk in found[: config.max_risks])


def risk_text(label: str, count: int, failed: int) -> str:
    from esc_cli.discover.phrasing import DESCRIPTIONS

    if label in DESCRIPTIONS:
        return f"{DESCRIPTIONS[label]} Seen in {count} of {failed} IUs where the seeker's state got worse."
    sentence = taxonomy.definition(label)
    return (
        f"In {count} of {failed} IUs where the seeker's state got worse, {sentence[0].lower()}{sentence[1:]}"
    )


def example_ius(candidates: Sequence[IU], config: DiscoveryConfig) -> tuple[IU, ...]:
    """Successful IUs that read well as excerpts: one per dialogue, short texts, strongest first."""
    usable = [iu for iu in candidates if improved(iu) and last_seeker_text(iu)]
    usable.sort(
        key=lambda iu: (
            len(iu.action.text) > config.max_excerpt_chars
            or len(last_seeker_text(iu)) > config.max_excerpt_chars,
            iu.dialogue_outcome != "success",
            -iu.outcome.delta,
            iu.id,
        )
    )
    chosen: list[IU] = []
    dialogues: set[str] = set()
    for iu in usable:
        if iu.dialogue not in dialogues:
            chosen.append(iu)
            dialogues.add(iu.dialogue)
        if len(chosen) == config.max_examples:
            break
    return tuple(chosen)


def last_seeker_text(iu: IU) -> str:
    """The seeker's last words before the intervention ('' when the context has none)."""
    for turn in reversed(iu.context.turns):
        if turn.speaker == "seeker" and turn.text.strip():
            return turn.text.strip()
    return ""


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
    plans: list[SkillPlan] = []
    for family in taxonomy.ESCONV_STRATEGIES:
        mine = [e for e in effects if e.family == family]
        avoid = tuple(e.state for e in mine if hurts(e, config))
        family_ius = [iu for iu in key_ius if primary_action(iu) and family_of(primary_action(iu)) == family]
        risks = risk_findings(family_ius, config)
        for stage in taxonomy.STAGE_IDS:
            applies = tuple(e for e in mine if helps(e, config) and taxonomy.stage_of_state(e.state) == stage)
            if not applies:
                continue
            states = {e.state for e in applies}
            support = [iu for iu in family_ius if primary_state(iu) in states]
            actions = _ordered_actions(support)
            if not actions:
                continue
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
        risks=risk_findings(crisis, config),
        examples=examples,
        crisis=True,
    )
