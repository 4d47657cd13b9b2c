"""The offline skill writer: fills a fixed template from a plan's statistics. Deterministic."""

from __future__ import annotations

from esc_cli import taxonomy
from esc_cli.bank.model import Risk, Skill
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.excerpts import examples_section
from esc_cli.discover.frontmatter import Routing, body, listing, lowered, plan_meta, typical_behaviour
from esc_cli.discover.merge import CRISIS_STATE, SkillPlan
from esc_cli.discover.risks import RiskFinding

CRISIS_TITLE = "Check safety and point to human help"
CRISIS_GUIDANCE = [
    "Take any hint of self-harm, suicide or danger seriously, and put the rest of the conversation on hold.",
    "Ask directly and calmly whether they are thinking of hurting themselves or ending their life.",
    "Thank them for telling you, and say plainly that you want them to be safe.",
    "Point to human help now: someone they trust, a professional, a crisis line, "
    "or local emergency services if they are in danger.",
    "Stay with them in the conversation and ask what would help them stay safe right now.",
    "Do not promise secrecy, argue with their feelings or move on to advice before safety is clear.",
]
CRISIS_PITFALLS = [
    "Skipping the direct question because it feels awkward; asking does not plant the idea.",
    "Reassurance that dismisses the danger ('you'll be fine') instead of checking safety.",
    "Naming a resource without checking that the seeker can reach it now.",
    "This is not a clinical tool: it must hand over to people who can help.",
]


def title(plan: SkillPlan) -> str:
    if plan.crisis:
        return CRISIS_TITLE
    return f"{taxonomy.definition(plan.actions[0]).rstrip('.')} ({plan.stage})"


def _warning_sign(plan: SkillPlan) -> RiskFinding | None:
    """The first risk that is a seeker behaviour: what to watch for after the move."""
    return next((r for r in plan.risks if r.id in taxonomy.BEHAVIOUR_IDS), None)


def _move(action: str) -> str:
    return lowered(taxonomy.definition(action).rstrip("."))


def guidance(plan: SkillPlan) -> list[str]:
    """Numbered steps: when it fits, what to do (the action definitions), what the data says to expect."""
    if plan.crisis:
        return list(CRISIS_GUIDANCE)
    states = [f"{s} ({_move(s)})" for s in plan.applies_states]
    steps = [f"Use this when the seeker shows {listing(states)}."]
    first, *others = plan.actions[:3]
    step = f"{taxonomy.definition(first).rstrip('.')}"
    if others:
        step += f"; supporters also did it this way: {'; '.join(_move(a) for a in others)}"
    steps.append(step + ".")
    success = round(100 * plan.success_rate)
    step = f"Aim for what worked: the seeker's state improved in {success}% of {len(plan.ius)} key IUs"
    behaviour = typical_behaviour(plan)
    if behaviour:
        step += f", and then most often {_move(behaviour)}"
    steps.append(step + ".")
    sign = _warning_sign(plan)
    if sign is not None:
        steps.append(
            f"Change course if {_move(sign.id).rstrip('.')} "
            f"(this followed {len(sign.ius)} of the {sign.failed} IUs where it went wrong)."
        )
    avoid = [s for s in plan.avoid_states if s != CRISIS_STATE]
    if avoid:
        steps.append(f"Do not use it when the seeker shows {listing(avoid)}; it did clearly worse there.")
    steps.append("On any crisis cue, stop and use the crisis skill first.")
    return steps


def pitfalls(plan: SkillPlan) -> list[str]:
    if plan.crisis:
        return list(CRISIS_PITFALLS)
    items = [risk.description for risk in plan.risks]
    items.append(f"Using it out of turn: it fits the {plan.stage} stage of the conversation.")
    return items


def risks(plan: SkillPlan) -> list[Risk]:
    return [Risk(id=r.id, description=r.description) for r in plan.risks]


def write_offline(plan: SkillPlan, routing: Routing, config: DiscoveryConfig) -> Skill:
    """A complete skill from a plan, with the template's prose."""
    meta = plan_meta(plan, title=title(plan), risks=risks(plan), routing=routing)
    text = body(guidance(plan), examples_section(plan.examples, config.max_excerpt_chars), pitfalls(plan))
    return Skill(meta=meta, body=text)
