"""The LLM analyst: a model reads a digest of the traces (prompts/evolve_analyze.j2) and names findings.

The model's findings are data to check, not to trust: each one must cite turns that exist in the run,
use taxonomy states and bank skill ids, or it is dropped. The offline analyst's findings are always
kept as well (safety is never left to a model alone); a model finding with the same id is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from esc_cli import taxonomy
from esc_cli.bank.model import Skill
from esc_cli.evolve import findings as f
from esc_cli.evolve.analysis import Analyst
from esc_cli.evolve.findings import CATEGORIES, Finding, finding_id, strongest_first
from esc_cli.evolve.traces import TurnView, evidence_of, shorten, turn_views
from esc_cli.llm.base import Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.prompts import prompt_request
from esc_cli.sim.records import Dialogue
from esc_cli.sim.summary import skill_credit, summarise

PROMPT = "evolve_analyze"
SYSTEM = "You analyse simulated emotional-support dialogues and reply with JSON only."
MAX_TURNS_SHOWN = 40
MAX_FINDINGS = 8
KINDS = (
    f.NO_SKILL,
    f.UNCOVERED_STATE,
    f.NO_CRISIS_SKILL,
    f.SAFETY_FLAG,
    f.UNHANDLED_CRISIS,
    f.KNOWN_RISK,
    f.HARMFUL_PHRASING,
    f.HURTS_IN_STATE,
    f.HURTS_GROUP,
)
_REF = {
    "type": "object",
    "additionalProperties": False,
    "required": ["dialogue", "turn"],
    "properties": {"dialogue": {"type": "string"}, "turn": {"type": "integer", "minimum": 0}},
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["findings"],
    "properties": {
        "findings": {
            "type": "array",
            "maxItems": MAX_FINDINGS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["category", "kind", "summary", "skill", "states", "strength", "evidence"],
                "properties": {
                    "category": {"enum": list(CATEGORIES)},
                    "kind": {"enum": list(KINDS)},
                    "summary": {"type": "string", "minLength": 1, "maxLength": 600},
                    "skill": {"type": "string"},
                    "states": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                    "max_turn": {"type": ["integer", "null"]},
                    "group": {"type": "string"},
                    "strength": {"type": "number", "minimum": 0, "maximum": 1},
                    "evidence": {"type": "array", "items": _REF, "minItems": 1, "maxItems": 3},
                },
            },
        }
    },
}


def notable_turns(views: Sequence[TurnView], limit: int = MAX_TURNS_SHOWN) -> list[TurnView]:
    """Flagged turns, turns with no skill, then the largest drops: at most `limit`, in a stable order."""
    ranked = sorted(
        views, key=lambda v: (not v.turn.safety, bool(v.turn.skills), v.turn.change, v.key, v.turn.index)
    )
    return ranked[:limit]


def prompt_variables(dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> dict[str, Any]:
    summary = summarise(dialogues)
    views = notable_turns(turn_views(dialogues))
    return {
        "run": run,
        "figures": f"score {summary.sage_score:.1f}, {summary.successes} successes, {summary.failures} failures, "
        f"{summary.safety_violations} safety flags over {summary.dialogues} dialogues",
        "skills": [
            {
                "id": s.id,
                "stage": s.meta.stage,
                "applies": f"{s.meta.applies_when.seeker_states} from turn {s.meta.applies_when.min_turn}",
                "avoid": s.meta.avoid_when.seeker_states,
                "risks": [r.id for r in s.meta.risks],
            }
            for s in skills
        ],
        "credit": [
            f"{k}: {c.uses} uses, {c.helpful} helpful, {c.harmful} harmful, mean {c.mean_change:+.2f}"
            for k, c in skill_credit(dialogues).items()
        ],
        "turns": [
            {
                "dialogue": v.key,
                "turn": v.turn.index,
                "personality": v.dialogue.personality,
                "intention": v.dialogue.intention,
                "states": v.states,
                "skills": v.turn.skills,
                "actions": v.turn.actions,
                "change": v.turn.change,
                "flags": v.turn.safety,
                "seeker": shorten(v.turn.seeker_before, 240),
                "agent": shorten(v.turn.agent, 240),
            }
            for v in views
        ],
        "categories": list(CATEGORIES),
        "kinds": list(KINDS),
        "states": list(taxonomy.STATE_IDS),
        "max_findings": MAX_FINDINGS,
    }


def finding_from_reply(
    item: dict[str, Any], views: dict[tuple[str, int], TurnView], skills: set[str], run: str, total: int
) -> Finding | None:
    """A checked finding, or None when it cites no real turn or names unknown skills or states."""
    cited = [
        views[(e["dialogue"], e["turn"])] for e in item["evidence"] if (e["dialogue"], e["turn"]) in views
    ]
    states = [s for s in item["states"] if s in taxonomy.STATE_IDS]
    skill = item["skill"] if item["skill"] in skills else ""
    if not cited or (item["skill"] and not skill):
        return None
    changes = [v.turn.change for v in cited]
    return Finding(
        id=finding_id(item["category"], item["kind"], skill, *states, item.get("group", "")),
        category=item["category"],
        kind=item["kind"],
        summary=" ".join(item["summary"].split()),
        skill=skill,
        states=states,
        max_turn=item.get("max_turn"),
        group=item.get("group", ""),
        turns=len(cited),
        dialogues=len({v.key for v in cited}),
        mean_change=round(sum(changes) / len(changes), 2),
        strength=float(item["strength"]),
        evidence=[evidence_of(v, run) for v in cited],
        analyst="llm",
    )


class LlmAnalyst:
    """A model's findings, checked against the traces, added to the offline analyst's."""

    name = "llm"

    def __init__(self, client: ModelClient, prompts_dir: Path, *, fallback: Analyst) -> None:
        self.client = client
        self.prompts_dir = prompts_dir
        self.fallback = fallback

    def request(self, dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> Request:
        variables = prompt_variables(dialogues, skills, run)
        return prompt_request(
            self.prompts_dir, PROMPT, variables, system=SYSTEM, schema=SCHEMA, role="analyst", max_tokens=3000
        )

    def analyse(self, dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> list[Finding]:
        reply = asyncio.run(self.client.complete_json(self.request(dialogues, skills, run)))
        views = {(v.key, v.turn.index): v for v in turn_views(dialogues)}
        known = {s.id for s in skills}
        found = self.fallback.analyse(dialogues, skills, run)
        ids = {x.id for x in found}
        for item in reply["findings"]:
            finding = finding_from_reply(item, views, known, run, len(dialogues))
            if finding is not None and finding.id not in ids:
                found.append(finding)
                ids.add(finding.id)
        return strongest_first(found)
