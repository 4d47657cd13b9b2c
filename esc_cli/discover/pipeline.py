"""Discovery end to end: IUs to prototypes, prototypes to plans, plans to a bank with a crisis skill."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from esc_cli.bank.lint import MIN_EXAMPLES
from esc_cli.bank.model import Skill
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.crisis import carried_crisis
from esc_cli.discover.frontmatter import Routing
from esc_cli.discover.merge import SkillPlan, plan_crisis, plan_skills
from esc_cli.discover.prototypes import Prototype, build_prototypes
from esc_cli.discover.routing import routings
from esc_cli.discover.writer_offline import write_offline
from esc_cli.iu.records import IU

Writer = Callable[[Sequence[SkillPlan], dict[str, Routing]], list[Skill]]
"""Writes a skill for every plan, given each plan's routing (see `OfflineWriter` and `LLMWriter`)."""
DISCOVERED = "discovered from the IUs"


@dataclass(frozen=True)
class Discovery:
    """What discovery found: the prototypes, the skill plans and the bank written from them."""

    prototypes: list[Prototype]
    plans: list[SkillPlan]
    skills: list[Skill]
    crisis_source: str
    key_ius: int
    notes: list[str] = field(default_factory=list)


class OfflineWriter:
    """The deterministic template writer, one plan at a time."""

    def __init__(self, config: DiscoveryConfig) -> None:
        self.config = config

    def __call__(self, plans: Sequence[SkillPlan], routing: dict[str, Routing]) -> list[Skill]:
        return [write_offline(plan, routing[plan.id], self.config) for plan in plans]


def discover(
    ius: Sequence[IU],
    *,
    current: Sequence[Skill] = (),
    writer: Writer | None = None,
    config: DiscoveryConfig | None = None,
) -> Discovery:
    """Discover a bank from IUs. The crisis skill is discovered when the data allows, else carried."""
    config = config or DiscoveryConfig()
    write = writer or OfflineWriter(config)
    prototypes = build_prototypes(ius)
    notes: list[str] = []
    plans: list[SkillPlan] = []
    for plan in plan_skills(ius, prototypes, config):
        if len(plan.examples) >= MIN_EXAMPLES:
            plans.append(plan)
        else:
            notes.append(f"{plan.id} left out: fewer than {MIN_EXAMPLES} successful IUs to quote as examples")
    crisis_plan = plan_crisis(ius, config)
    if crisis_plan is not None:
        plans.append(crisis_plan)
    routing = routings(plans, ius, config)
    skills = write(plans, routing)
    source = DISCOVERED
    if crisis_plan is None:
        crisis, source = carried_crisis(current)
        skills.append(crisis)
        notes.append(
            f"crisis skill '{crisis.id}' {source}: the IUs hold too few crisis-risk moments "
            f"(at least {config.min_crisis_ius} key IUs and 2 clear examples are needed)"
        )
    skills.sort(key=lambda s: s.id)
    return Discovery(
        prototypes=prototypes,
        plans=plans,
        skills=skills,
        crisis_source=source,
        key_ius=sum(1 for iu in ius if iu.key),
        notes=notes,
    )
