"""The LLM proposer: a model proposes edit steps for each finding (prompts/evolve_propose.j2).

The model writes operations, never files: each step must name a known operation, and `materialise`
applies it through operations.py, so every edit is validated, version-bumped and linted like an
offline one. Malformed proposals are dropped. The offline proposer's proposals follow the model's,
so a finding the model answers badly still gets the rule-based edits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from esc_cli import taxonomy
from esc_cli.bank.files import dump_skill
from esc_cli.bank.model import Skill
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.loop import Proposer
from esc_cli.evolve.proposals import OPERATIONS, Proposal, Step, slugify
from esc_cli.llm.base import Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.prompts import prompt_request
from esc_cli.sim.records import SkillCredit

PROMPT = "evolve_propose"
SYSTEM = "You propose small, checkable edits to skill files and reply with JSON only."
MAX_FINDINGS = 6
MAX_PROPOSALS = 3
OPERATION_HELP: dict[str, str] = {
    "restore-skill": "bring back a skill of the default bank by its id",
    "add-skill": "a new skill (skill = new id) for states[0], borrowing a donor skill's actions and examples",
    "widen-applies": "add states to applies_when, or lower min_turn",
    "narrow-applies": "remove states from applies_when, or raise min_turn",
    "add-avoid": "add states to avoid_when",
    "add-risk": "add a risk entry",
    "rewrite-section": "replace a body section (Guidance, Examples or Pitfalls) with new text",
    "drop-examples": "remove examples by title",
    "merge-skills": "fold skill 'other' into 'skill' and deprecate 'other'",
    "deprecate-skill": "set status: deprecated",
    "reactivate-skill": "set status: active",
}
_STEP: dict[str, Any] = {
    "type": "object",
    "required": ["operation", "skill"],
    "properties": {
        "operation": {"enum": list(OPERATIONS)},
        "skill": {"type": "string"},
        "states": {"type": "array", "items": {"type": "string"}},
        "min_turn": {"type": ["integer", "null"]},
        "other": {"type": "string"},
        "donor": {"type": "string"},
        "risk": {"type": ["object", "null"]},
        "title": {"type": "string"},
        "text": {"type": "string"},
        "titles": {"type": "array", "items": {"type": "string"}},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["proposals"],
    "properties": {
        "proposals": {
            "type": "array",
            "maxItems": MAX_PROPOSALS,
            "items": {
                "type": "object",
                "required": ["id", "summary", "steps"],
                "properties": {
                    "id": {"type": "string"},
                    "summary": {"type": "string"},
                    "steps": {"type": "array", "items": _STEP, "minItems": 1, "maxItems": 3},
                },
            },
        }
    },
}


def prompt_variables(finding: Finding, bank: Mapping[str, Skill]) -> dict[str, Any]:
    skill = bank.get(finding.skill)
    return {
        "finding": finding.model_dump(mode="json"),
        "evidence": [e.model_dump(mode="json") for e in finding.evidence],
        "skill_text": dump_skill(skill) if skill is not None else "",
        "skills": [
            {
                "id": s.id,
                "stage": s.meta.stage,
                "applies": f"{s.meta.applies_when.seeker_states} from turn {s.meta.applies_when.min_turn}",
                "avoid": s.meta.avoid_when.seeker_states,
            }
            for s in bank.values()
            if s.meta.status == "active" and s.id != finding.skill
        ],
        "operations": [{"name": op, "help": OPERATION_HELP[op]} for op in OPERATIONS],
        "states": list(taxonomy.STATE_IDS),
        "max_proposals": MAX_PROPOSALS,
    }


def proposal_from_reply(item: dict[str, Any], finding: Finding) -> Proposal | None:
    """A validated proposal, or None when a step is malformed."""
    try:
        steps = tuple(
            Step.model_validate({k: v for k, v in step.items() if v is not None}) for step in item["steps"]
        )
        return Proposal(
            id=slugify(f"llm-{item['id']}"),
            finding=finding.id,
            summary=" ".join(str(item["summary"]).split()),
            steps=steps,
            proposer="llm",
        )
    except (ValidationError, KeyError, TypeError):
        return None


class LlmProposer:
    """Model proposals for the strongest findings, then the fallback proposer's, duplicates dropped."""

    name = "llm"

    def __init__(self, client: ModelClient, prompts_dir: Path, *, fallback: Proposer) -> None:
        self.client = client
        self.prompts_dir = prompts_dir
        self.fallback = fallback

    def request(self, finding: Finding, bank: Mapping[str, Skill]) -> Request:
        variables = prompt_variables(finding, bank)
        return prompt_request(
            self.prompts_dir, PROMPT, variables, system=SYSTEM, schema=SCHEMA, role="analyst", max_tokens=2500
        )

    async def _ask(self, findings: Sequence[Finding], bank: Mapping[str, Skill]) -> list[Any]:
        return list(
            await asyncio.gather(*(self.client.complete_json(self.request(f, bank)) for f in findings))
        )

    def propose(
        self, findings: Sequence[Finding], bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        chosen = list(findings[:MAX_FINDINGS])
        replies = asyncio.run(self._ask(chosen, bank)) if chosen else []
        out: list[Proposal] = []
        seen: set[str] = set()
        for finding, reply in zip(chosen, replies, strict=True):
            for item in reply.get("proposals", []):
                proposal = proposal_from_reply(item, finding)
                if proposal is not None and proposal.id not in seen:
                    out.append(proposal)
                    seen.add(proposal.id)
        for proposal in self.fallback.propose(findings, bank, credit):
            if proposal.id not in seen:
                out.append(proposal)
                seen.add(proposal.id)
        return out
