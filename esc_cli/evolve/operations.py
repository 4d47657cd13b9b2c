"""Edit operations on one skill: each returns a new, validated skill and never touches a file.

Every edit bumps `version` by one and records where it came from in `evidence.sources`
(`evolve:<finding id>` and up to two `trace:<run>:<dialogue>:<turn>` references), keeping the
most recent evolve entries only. Discovery's own evidence (IU counts, examples) is left alone.

    widen_applies   add states to applies_when (and drop them from avoid_when), or lower min_turn
    narrow_applies  remove states from applies_when, or raise min_turn
    add_avoid       add states to avoid_when (and drop them from applies_when)
    add_risk        add an entry to risks
    rewrite_section replace the text of a body section (Guidance, Examples or Pitfalls)
    drop_examples   remove example exchanges by title
    merge_skills    fold one skill's conditions, risks and examples into another; deprecate it
    deprecate       set status: deprecated
    reactivate      set status: active
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from esc_cli.bank.examples import parse_examples
from esc_cli.bank.model import Evidence, Risk, Skill, SkillMeta
from esc_cli.errors import EscError

SOURCE_PREFIXES = ("evolve:", "trace:")
MAX_EVOLVE_SOURCES = 12
MIN_EXAMPLES = 2


class OperationError(EscError):
    """An edit that cannot apply to this skill (it would be empty, a no-op, or break a rule)."""


@dataclass(frozen=True)
class Provenance:
    """Why an edit was made: the finding and the trace turns behind it."""

    finding: str
    traces: tuple[str, ...] = ()

    def sources(self) -> list[str]:
        return [f"evolve:{self.finding}", *(f"trace:{t}" for t in self.traces[:2])]


def updated_evidence(evidence: Evidence | None, provenance: Provenance) -> Evidence:
    """The evidence with this edit's sources appended, oldest evolve sources dropped past the cap."""
    base = evidence or Evidence()
    kept = [s for s in base.sources if not s.startswith(SOURCE_PREFIXES)]
    ours = [s for s in base.sources if s.startswith(SOURCE_PREFIXES)]
    ours += [s for s in provenance.sources() if s not in ours]
    return base.model_copy(update={"sources": kept + ours[-MAX_EVOLVE_SOURCES:]})


def revised(skill: Skill, provenance: Provenance, *, body: str | None = None, **changes: Any) -> Skill:
    """A copy of `skill` with front-matter `changes`, the version bumped and the evidence updated."""
    data = skill.meta.model_dump(mode="python")
    data.update(changes)
    data["version"] = skill.meta.version + 1
    data["evidence"] = updated_evidence(skill.meta.evidence, provenance).model_dump(mode="python")
    return Skill(meta=SkillMeta.model_validate(data), body=skill.body if body is None else body)


def _conditions(skill: Skill, field: str, **changes: Any) -> dict[str, Any]:
    current: dict[str, Any] = getattr(skill.meta, field).model_dump(mode="python")
    current.update(changes)
    return current


def _ordered(states: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(states))


def widen_applies(
    skill: Skill, provenance: Provenance, *, states: Sequence[str] = (), min_turn: int | None = None
) -> Skill:
    applies = skill.meta.applies_when
    new_states = _ordered([*applies.seeker_states, *states])
    new_min = applies.min_turn if min_turn is None else min(min_turn, applies.min_turn)
    if new_states == applies.seeker_states and new_min == applies.min_turn:
        raise OperationError(f"'{skill.id}' already applies to {', '.join(states)} from turn {new_min}")
    avoid = [s for s in skill.meta.avoid_when.seeker_states if s not in states]
    return revised(
        skill,
        provenance,
        applies_when=_conditions(skill, "applies_when", seeker_states=new_states, min_turn=new_min),
        avoid_when=_conditions(skill, "avoid_when", seeker_states=avoid),
    )


def narrow_applies(
    skill: Skill, provenance: Provenance, *, remove: Sequence[str] = (), min_turn: int | None = None
) -> Skill:
    applies = skill.meta.applies_when
    kept = [s for s in applies.seeker_states if s not in remove]
    new_min = applies.min_turn if min_turn is None else max(min_turn, applies.min_turn)
    if not kept:
        raise OperationError(
            f"removing {', '.join(remove)} leaves '{skill.id}' with no states (deprecate it instead)"
        )
    if kept == applies.seeker_states and new_min == applies.min_turn:
        raise OperationError(f"'{skill.id}' is already that narrow")
    if applies.max_turn is not None and new_min > applies.max_turn:
        raise OperationError(f"min_turn {new_min} would pass '{skill.id}' max_turn {applies.max_turn}")
    return revised(
        skill,
        provenance,
        applies_when=_conditions(skill, "applies_when", seeker_states=kept, min_turn=new_min),
    )


def add_avoid(skill: Skill, provenance: Provenance, *, states: Sequence[str]) -> Skill:
    avoid = skill.meta.avoid_when
    if not avoid.seeker_states and (avoid.min_turn > 0 or avoid.max_turn is not None):
        raise OperationError(
            f"'{skill.id}' avoid_when is a turn window; adding states would change its meaning"
        )
    new_avoid = _ordered([*avoid.seeker_states, *states])
    if new_avoid == avoid.seeker_states:
        raise OperationError(f"'{skill.id}' already avoids {', '.join(states)}")
    applies = [s for s in skill.meta.applies_when.seeker_states if s not in states]
    if not applies:
        raise OperationError(
            f"avoiding {', '.join(states)} leaves '{skill.id}' with no states (deprecate it instead)"
        )
    return revised(
        skill,
        provenance,
        applies_when=_conditions(skill, "applies_when", seeker_states=applies),
        avoid_when=_conditions(skill, "avoid_when", seeker_states=new_avoid),
    )


def add_risk(skill: Skill, provenance: Provenance, *, risk: Risk) -> Skill:
    if any(r.id == risk.id for r in skill.meta.risks):
        raise OperationError(f"'{skill.id}' already lists the risk '{risk.id}'")
    risks = [r.model_dump(mode="python") for r in skill.meta.risks] + [risk.model_dump(mode="python")]
    return revised(skill, provenance, risks=risks)


_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)


def replace_section(body: str, title: str, text: str) -> str:
    """The body with the `## title` section's text replaced (appended when the section is missing)."""
    parts = _HEADING.split(body)
    for i in range(1, len(parts) - 1, 2):
        if parts[i].strip() == title:
            parts[i + 1] = f"\n\n{text.strip()}\n\n"
            rebuilt = parts[0] + "".join(f"## {parts[j]}{parts[j + 1]}" for j in range(1, len(parts) - 1, 2))
            return rebuilt.rstrip("\n") + "\n"
    return f"{body.rstrip()}\n\n## {title}\n\n{text.strip()}\n"


def rewrite_section(skill: Skill, provenance: Provenance, *, title: str, text: str) -> Skill:
    if skill.section(title).strip() == text.strip():
        raise OperationError(f"'{skill.id}' {title} already reads like that")
    return revised(skill, provenance, body=replace_section(skill.body, title, text))


def drop_examples(skill: Skill, provenance: Provenance, *, titles: Sequence[str]) -> Skill:
    section = skill.section("Examples")
    examples = parse_examples(section)
    kept = [ex for ex in examples if ex.title not in titles]
    if len(kept) == len(examples):
        raise OperationError(f"'{skill.id}' has no example titled {', '.join(titles)}")
    if sum(1 for ex in kept if not ex.problems) < MIN_EXAMPLES:
        raise OperationError(f"dropping them would leave '{skill.id}' under {MIN_EXAMPLES} examples")
    text = "\n\n".join(
        f"### {ex.title}\n" + "\n".join(f"{line.speaker}: {line.text}" for line in ex.lines) for ex in kept
    )
    return rewrite_section(skill, provenance, title="Examples", text=text)


def merge_skills(keep: Skill, other: Skill, provenance: Provenance) -> tuple[Skill, Skill]:
    """`keep` gains `other`'s states, actions, risks and examples; `other` is deprecated."""
    if keep.id == other.id:
        raise OperationError(f"cannot merge '{keep.id}' with itself")
    if keep.meta.crisis or other.meta.crisis:
        raise OperationError("the crisis skill is never merged")
    states = _ordered([*keep.meta.applies_when.seeker_states, *other.meta.applies_when.seeker_states])
    states = [s for s in states if s not in keep.meta.avoid_when.seeker_states]
    risk_ids = {r.id for r in keep.meta.risks}
    risks = [
        r.model_dump(mode="python")
        for r in [*keep.meta.risks, *(r for r in other.meta.risks if r.id not in risk_ids)]
    ]
    titles = {ex.title for ex in parse_examples(keep.section("Examples"))}
    extra = [
        ex for ex in parse_examples(other.section("Examples")) if not ex.problems and ex.title not in titles
    ]
    examples = keep.section("Examples")
    for ex in extra:
        examples += f"\n\n### {ex.title}\n" + "\n".join(f"{line.speaker}: {line.text}" for line in ex.lines)
    merged = revised(
        keep,
        provenance,
        body=replace_section(keep.body, "Examples", examples),
        strategies=_ordered([*keep.meta.strategies, *other.meta.strategies]),
        actions=_ordered([*keep.meta.actions, *other.meta.actions]),
        applies_when=_conditions(
            keep,
            "applies_when",
            seeker_states=states,
            min_turn=min(keep.meta.applies_when.min_turn, other.meta.applies_when.min_turn),
        ),
        risks=risks,
    )
    return merged, deprecate(other, provenance)


def deprecate(skill: Skill, provenance: Provenance) -> Skill:
    if skill.meta.status == "deprecated":
        raise OperationError(f"'{skill.id}' is already deprecated")
    return revised(skill, provenance, status="deprecated")


def reactivate(skill: Skill, provenance: Provenance) -> Skill:
    if skill.meta.status == "active":
        raise OperationError(f"'{skill.id}' is already active")
    return revised(skill, provenance, status="active")
