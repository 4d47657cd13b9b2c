"""A proposal: named edit steps that answer one finding, applied to whatever the bank is by then.

Proposals hold operations, not file texts, so a proposal checked after another was accepted edits
the bank as it now is. Both proposers (offline and LLM) produce this one shape, and `materialise`
is the only place that turns it into skills.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from esc_cli.bank.model import Risk, Skill
from esc_cli.evolve import operations as ops
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.newskills import crisis_template, default_skills, from_template, restored
from esc_cli.evolve.operations import OperationError, Provenance
from esc_cli.sim.router import CRISIS_STATE

Operation = Literal[
    "restore-skill",
    "add-skill",
    "widen-applies",
    "narrow-applies",
    "add-avoid",
    "add-risk",
    "rewrite-section",
    "drop-examples",
    "merge-skills",
    "deprecate-skill",
    "reactivate-skill",
]
OPERATIONS: tuple[str, ...] = Operation.__args__  # type: ignore[attr-defined]


class Step(BaseModel):
    """One edit operation and its arguments; which arguments matter depends on the operation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: Operation
    skill: str = Field(description="The skill edited, restored or added.")
    states: tuple[str, ...] = ()
    min_turn: int | None = None
    other: str = Field(default="", description="merge-skills: the skill folded in and deprecated.")
    donor: str = Field(default="", description="add-skill: the skill whose actions and examples it borrows.")
    risk: Risk | None = None
    title: str = Field(default="", description="rewrite-section: the section title.")
    text: str = Field(default="", description="rewrite-section: the new section text.")
    titles: tuple[str, ...] = Field(default=(), description="drop-examples: example titles to remove.")

    def describe(self) -> str:
        """`narrow-applies offer-one-option (min_turn 3)` and the like."""
        bits = []
        if self.states:
            bits.append(", ".join(self.states))
        if self.min_turn is not None:
            bits.append(f"min_turn {self.min_turn}")
        if self.other:
            bits.append(f"with {self.other}")
        if self.donor:
            bits.append(f"from {self.donor}")
        if self.risk is not None:
            bits.append(f"risk {self.risk.id}")
        if self.title:
            bits.append(self.title)
        if self.titles:
            bits.append("examples " + ", ".join(f"'{t}'" for t in self.titles))
        return f"{self.operation} {self.skill}" + (f" ({'; '.join(bits)})" if bits else "")


class Proposal(BaseModel):
    """Edit steps that answer one finding, with a slug for its commit and branch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="A slug, e.g. 'restore-crisis-safety-check'.")
    finding: str = Field(description="The id of the finding it answers.")
    summary: str
    steps: tuple[Step, ...]
    proposer: str = "offline"

    def describe(self) -> str:
        return "; ".join(step.describe() for step in self.steps)


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase words joined by hyphens, at most `limit` characters: safe in ids and branch names."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-") or "edit"


def provenance_of(finding: Finding) -> Provenance:
    return Provenance(finding.id, tuple(f"{e.run}:{e.dialogue}:{e.turn}" for e in finding.evidence))


def _need(bank: Mapping[str, Skill], skill_id: str) -> Skill:
    if skill_id not in bank:
        raise OperationError(f"no skill '{skill_id}' in the bank")
    return bank[skill_id]


def _add(step: Step, bank: Mapping[str, Skill], prov: Provenance) -> Skill:
    if step.operation == "restore-skill":
        found = {s.id: s for s in default_skills()}
        if step.skill not in found:
            raise OperationError(f"the default bank has no skill '{step.skill}'")
        return restored(found[step.skill], prov)
    if CRISIS_STATE in step.states and not step.donor:
        return crisis_template(prov)
    donors = {**{s.id: s for s in default_skills()}, **bank}
    if step.donor not in donors or not step.states:
        raise OperationError(f"add-skill needs a donor skill and a state (donor '{step.donor}')")
    return from_template(step.states[0], donors[step.donor], prov, skill_id=step.skill)


def apply_step(step: Step, bank: Mapping[str, Skill], prov: Provenance) -> dict[str, Skill]:
    """The skills one step changes or adds (id -> new skill)."""
    op = step.operation
    if op in ("restore-skill", "add-skill"):
        if step.skill in bank:
            raise OperationError(f"'{step.skill}' is already in the bank")
        added = _add(step, bank, prov)
        return {added.id: added}
    skill = _need(bank, step.skill)
    if op == "widen-applies":
        return {skill.id: ops.widen_applies(skill, prov, states=step.states, min_turn=step.min_turn)}
    if op == "narrow-applies":
        return {skill.id: ops.narrow_applies(skill, prov, remove=step.states, min_turn=step.min_turn)}
    if op == "add-avoid":
        return {skill.id: ops.add_avoid(skill, prov, states=step.states)}
    if op == "add-risk":
        if step.risk is None:
            raise OperationError("add-risk needs a risk")
        return {skill.id: ops.add_risk(skill, prov, risk=step.risk)}
    if op == "rewrite-section":
        return {skill.id: ops.rewrite_section(skill, prov, title=step.title or "Guidance", text=step.text)}
    if op == "drop-examples":
        return {skill.id: ops.drop_examples(skill, prov, titles=step.titles)}
    if op == "merge-skills":
        merged, folded = ops.merge_skills(skill, _need(bank, step.other), prov)
        return {merged.id: merged, folded.id: folded}
    if op == "deprecate-skill":
        return {skill.id: ops.deprecate(skill, prov)}
    return {skill.id: ops.reactivate(skill, prov)}


def materialise(proposal: Proposal, bank: Mapping[str, Skill], finding: Finding) -> dict[str, Skill]:
    """Every skill the proposal changes, applied step by step to `bank`. Raises OperationError.

    Two steps on one skill bump its version once: the later step starts from the original version.
    """
    prov = provenance_of(finding)
    current = dict(bank)
    changed: dict[str, Skill] = {}
    for step in proposal.steps:
        for skill_id, skill in apply_step(step, current, prov).items():
            if skill_id in bank and skill_id in changed:
                original = bank[skill_id].meta.version
                skill = Skill(meta=skill.meta.model_copy(update={"version": original + 1}), body=skill.body)
            changed[skill_id] = skill
            current[skill_id] = skill
    return changed
