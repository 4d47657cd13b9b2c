"""The LLM skill writer: a model writes the title, guidance, pitfalls and risks from a plan's evidence.

The front matter (conditions, outcome, evidence) and the attributed examples still come from the
data, so the model only writes prose. The crisis skill keeps the offline template: its safety wording
is not left to a model.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from esc_cli import aio, taxonomy
from esc_cli.bank.model import ID_PATTERN, MAX_ID_LENGTH, Risk, Skill
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.excerpts import examples_section, last_seeker_text, shorten
from esc_cli.discover.frontmatter import Routing, body, outcome_description, plan_meta
from esc_cli.discover.merge import CRISIS_STATE, SkillPlan
from esc_cli.discover.prototypes import improved
from esc_cli.discover.writer_offline import write_offline
from esc_cli.llm.base import Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.prompts import prompt_request

PROMPT = "skill_write"
SYSTEM = "You write skill files for an emotional-support agent from evidence. You reply with JSON only."
_SENTENCE = {"type": "string", "minLength": 1, "maxLength": 400}
SKILL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "guidance", "pitfalls", "risks"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 120},
        "guidance": {"type": "array", "items": _SENTENCE, "minItems": 3, "maxItems": 10},
        "pitfalls": {"type": "array", "items": _SENTENCE, "minItems": 1, "maxItems": 8},
        "risks": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "description"],
                "properties": {
                    "id": {"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_LENGTH},
                    "description": {"type": "string", "minLength": 1, "maxLength": 1000},
                },
            },
        },
    },
}


def prompt_variables(plan: SkillPlan, config: DiscoveryConfig) -> dict[str, Any]:
    """The evidence the template shows the model, as plain data."""
    behaviours = Counter(b for iu in plan.ius if improved(iu) for b in iu.outcome.behaviours)
    return {
        "family": plan.family,
        "stage": plan.stage,
        "actions": [{"id": a, "definition": taxonomy.definition(a)} for a in plan.actions],
        "applies": [
            {
                "id": e.state,
                "definition": taxonomy.definition(e.state),
                "mean": f"{e.mean_delta:+.1f}",
                "size": e.size,
            }
            for e in plan.applies
        ],
        "avoid": [
            {"id": s, "definition": taxonomy.definition(s)} for s in plan.avoid_states if s != CRISIS_STATE
        ],
        "outcome": outcome_description(plan),
        "success": round(100 * plan.success_rate),
        "ius": len(plan.ius),
        "behaviours": ", ".join(f"{b} ({n})" for b, n in behaviours.most_common(4)) or "not labelled",
        "risks": [{"id": r.id, "description": r.description} for r in plan.risks],
        "excerpts": [
            {
                "id": iu.id,
                "seeker": shorten(last_seeker_text(iu), config.max_excerpt_chars),
                "supporter": shorten(iu.action.text, config.max_excerpt_chars),
            }
            for iu in plan.examples
        ],
    }


def skill_request(plan: SkillPlan, prompts_dir: Path, config: DiscoveryConfig) -> Request:
    variables = prompt_variables(plan, config)
    return prompt_request(
        prompts_dir, PROMPT, variables, system=SYSTEM, schema=SKILL_SCHEMA, role="writer", max_tokens=1500
    )


def skill_from_reply(
    plan: SkillPlan, routing: Routing, reply: dict[str, Any], config: DiscoveryConfig
) -> Skill:
    """Assemble the skill: the model's prose around the data's front matter and examples."""
    risks = [Risk(id=r["id"], description=" ".join(r["description"].split())) for r in reply["risks"]]
    meta = plan_meta(plan, title=" ".join(reply["title"].split()), risks=risks, routing=routing)
    guidance = [" ".join(step.split()) for step in reply["guidance"]]
    pitfalls = [" ".join(item.split()) for item in reply["pitfalls"]]
    examples = examples_section(plan.examples, config.max_excerpt_chars)
    return Skill(meta=meta, body=body(guidance, examples, pitfalls))


async def _write_all(
    plans: Sequence[SkillPlan],
    routing: dict[str, Routing],
    client: ModelClient,
    prompts_dir: Path,
    config: DiscoveryConfig,
) -> list[Skill]:
    async def one(plan: SkillPlan) -> Skill:
        if plan.crisis:
            return write_offline(plan, routing[plan.id], config)
        reply = await client.complete_json(skill_request(plan, prompts_dir, config))
        return skill_from_reply(plan, routing[plan.id], reply, config)

    async with client:
        return list(await asyncio.gather(*(one(plan) for plan in plans)))


class LLMWriter:
    """Writes every plan through one model client, with bounded concurrency from the client."""

    def __init__(self, client: ModelClient, prompts_dir: Path, config: DiscoveryConfig) -> None:
        self.client = client
        self.prompts_dir = prompts_dir
        self.config = config

    def __call__(self, plans: Sequence[SkillPlan], routing: dict[str, Routing]) -> list[Skill]:
        return aio.run(_write_all(plans, routing, self.client, self.prompts_dir, self.config))
