"""The front matter of a discovered skill, from its plan: conditions, outcome, risks and evidence.

Both writers share it, so only the prose (title, guidance, pitfalls, risk wording) differs between
the offline template and the LLM writer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median

from esc_cli import taxonomy
from esc_cli.bank.model import Conditions, Evidence, ExpectedOutcome, Risk, SkillMeta
from esc_cli.discover.excerpts import attribution
from esc_cli.discover.merge import CRISIS_STATE, SkillPlan
from esc_cli.discover.prototypes import improved, primary_action, primary_state, prototype_id


@dataclass(frozen=True)
class Routing:
    """Where a skill sits among the others: its tie-break priority and its turn window."""

    priority: int = 0
    min_turn: int = 0
    max_turn: int | None = None


def listing(items: tuple[str, ...] | list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def lowered(sentence: str) -> str:
    """A definition continued mid-sentence: 'The seeker says more.' -> 'the seeker says more.'"""
    return sentence[:1].lower() + sentence[1:]


def signed(value: float) -> str:
    return f"{value:+.1f}"


def typical_behaviour(plan: SkillPlan) -> str:
    counts = Counter(b for iu in plan.ius if improved(iu) for b in iu.outcome.behaviours)
    return min(counts, key=lambda k: (-counts[k], k)) if counts else ""


def applies_description(plan: SkillPlan) -> str:
    if plan.crisis:
        return "The seeker hints at or states thoughts of self-harm, suicide or being in danger."
    parts = [f"{e.state} ({signed(e.mean_delta)} vs {signed(e.baseline)}, n={e.size})" for e in plan.applies]
    return (
        f"In the data, {plan.family} did no worse than one direction step below the usual move (mean "
        f"change vs all key IUs in the state) when the seeker showed {listing(parts)}."
    )


def avoid_description(plan: SkillPlan) -> str:
    if plan.crisis:
        return ""
    harmful = [s for s in plan.avoid_states if s != CRISIS_STATE]
    text = "A crisis cue needs the crisis skill first."
    if harmful:
        text = (
            f"In the data, {plan.family} did clearly worse than the usual move for {listing(harmful)}. {text}"
        )
    return text


def outcome_description(plan: SkillPlan) -> str:
    low, high = plan.delta_range
    middle = median(plan.deltas) if plan.deltas else 0.0
    text = (
        f"Half of the {len(plan.ius)} key IUs changed the seeker's state by {low} to {high} "
        f"(median {signed(middle)}); {round(100 * plan.success_rate)}% improved."
    )
    behaviour = typical_behaviour(plan)
    if behaviour:
        text += f" After a success, most often {lowered(taxonomy.definition(behaviour))}"
    return text


def plan_evidence(plan: SkillPlan) -> Evidence:
    return Evidence(
        ius=len(plan.ius),
        success_rate=round(plan.success_rate, 3),
        sources=list(plan.sources),
        examples=[iu.id for iu in plan.examples],
        prototypes=sorted({prototype_id(primary_state(iu), primary_action(iu)) for iu in plan.ius}),
        attribution=attribution(plan.sources),
    )


def plan_meta(plan: SkillPlan, *, title: str, risks: list[Risk], routing: Routing) -> SkillMeta:
    """The front matter of the skill a plan describes."""
    strategies = sorted(
        {taxonomy.strategy_of_action(a) for a in plan.actions}, key=taxonomy.ESCONV_STRATEGIES.index
    )
    applies = [CRISIS_STATE] if plan.crisis else list(plan.applies_states)
    return SkillMeta(
        id=plan.id,
        title=title,
        version=1,
        status="active",
        stage=plan.stage,
        crisis=plan.crisis,
        priority=routing.priority,
        strategies=[plan.family, *(s for s in strategies if s != plan.family)],
        actions=list(plan.actions),
        applies_when=Conditions(
            seeker_states=applies,
            min_turn=routing.min_turn,
            max_turn=routing.max_turn,
            description=applies_description(plan),
        ),
        avoid_when=Conditions(seeker_states=list(plan.avoid_states), description=avoid_description(plan)),
        expected_outcome=ExpectedOutcome(
            description=outcome_description(plan), emotion_delta=list(plan.delta_range)
        ),
        risks=risks,
        evidence=plan_evidence(plan),
    )


def body(guidance: list[str], examples: str, pitfalls: list[str]) -> str:
    """The Markdown body: numbered guidance, the attributed examples, the pitfalls as bullets."""
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(guidance, start=1))
    bullets = "\n".join(f"- {item}" for item in pitfalls)
    return f"## Guidance\n\n{steps}\n\n## Examples\n\n{examples.strip()}\n\n## Pitfalls\n\n{bullets}\n"
