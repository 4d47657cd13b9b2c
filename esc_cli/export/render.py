"""One bank skill as an Agent Skills folder, in memory: `SKILL.md` plus `references/*.md`.

SKILL.md holds the front matter, the Guidance (verbatim), any extra body sections, and links one
level deep to the reference files. Conditions, examples, risks and evidence live in `references/`,
each readable by people and each ending in a YAML block that `esc import claude` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from esc_cli import taxonomy
from esc_cli.bank.model import Conditions, Skill
from esc_cli.export.blocks import yaml_block
from esc_cli.export.frontmatter import render_skill_md
from esc_cli.export.text import front_matter_text, skill_description

NOT_CLINICAL = (
    "Not a clinical tool: this skill guides supportive conversation and does not replace "
    "professional care or emergency services."
)
COMPATIBILITY = (
    "Plain Markdown instructions for any Agent Skills client (Claude Code, the Claude API, claude.ai); "
    "needs no scripts, tools or network access."
)
REFERENCES_HEADING = "Reference files"
BODY_SECTIONS_IN_REFERENCES = ("Examples", "Pitfalls")
CONDITIONS_KEYS = (
    "title",
    "stage",
    "crisis",
    "priority",
    "strategies",
    "actions",
    "applies_when",
    "avoid_when",
    "expected_outcome",
)


@dataclass(frozen=True)
class SkillFolder:
    """An exported skill before it touches the disk: its name and its files by relative path."""

    name: str
    files: dict[str, str] = field(default_factory=dict)


def metadata(skill: Skill, bank_hash: str) -> dict[str, str]:
    """The `metadata` map: every value a string, as the specification requires."""
    meta = skill.meta
    return {
        "esc-id": meta.id,
        "esc-version": str(meta.version),
        "bank-hash": bank_hash,
        "stage": meta.stage,
        "strategies": front_matter_text(", ".join(meta.strategies)),
    }


def front_matter(
    name: str, description: str, meta: dict[str, str], license_text: str | None
) -> dict[str, Any]:
    """The front matter in the order agents show it; only the keys the specification allows."""
    data: dict[str, Any] = {"name": name, "description": description}
    if license_text:
        data["license"] = front_matter_text(license_text)
    data["compatibility"] = COMPATIBILITY
    data["metadata"] = meta
    return data


def _inline(text: str) -> str:
    """Free text on one Markdown line, with angle brackets neutralised."""
    return front_matter_text(text)


def _conditions_lines(conditions: Conditions) -> list[str]:
    lines = [f"- `{state}`: {taxonomy.definition(state)}" for state in conditions.seeker_states]
    if conditions.min_turn or conditions.max_turn is not None:
        last = f" to {conditions.max_turn}" if conditions.max_turn is not None else " onwards"
        lines.append(f"- From supporter turn {conditions.min_turn}{last} (counted from 0).")
    if conditions.description:
        lines.append(f"- {_inline(conditions.description)}")
    return lines or ["- No condition stated."]


def conditions_md(skill: Skill) -> str:
    meta = skill.meta
    actions = "\n".join(f"- `{a}`: {taxonomy.definition(a)}" for a in meta.actions)
    low, high = meta.expected_outcome.emotion_delta
    parts = [
        f"# When to use: {_inline(meta.title)}",
        f"Stage: `{meta.stage}`. {taxonomy.definition(meta.stage)}",
        f"ESConv strategies: {', '.join(meta.strategies)}.",
        f"Support actions:\n{actions}",
        "## Use when\n\n" + "\n".join(_conditions_lines(meta.applies_when)),
        "## Do not use when\n\n" + "\n".join(_conditions_lines(meta.avoid_when)),
        f"## Expected outcome\n\n{_inline(meta.expected_outcome.description)}\n\n"
        f"Expected change on the SAGE emotion scale (-10 to 10): {low} to {high}.",
        yaml_block(meta.model_dump(mode="json", include=set(CONDITIONS_KEYS))),
    ]
    return "\n\n".join(parts)


def risks_md(skill: Skill) -> str:
    risks = [f"- **{r.id}**: {_inline(r.description)}" for r in skill.meta.risks] or ["- None recorded."]
    parts = [f"# Risks: {_inline(skill.meta.title)}", "## Known risks\n\n" + "\n".join(risks)]
    pitfalls = skill.section("Pitfalls")
    if pitfalls:
        parts.append(f"## Pitfalls\n\n{pitfalls}")
    parts.append(yaml_block({"risks": [r.model_dump(mode="json") for r in skill.meta.risks]}))
    return "\n\n".join(parts)


def examples_md(skill: Skill) -> str:
    return f"# Examples: {_inline(skill.meta.title)}\n\n{skill.section('Examples')}\n"


def evidence_md(skill: Skill) -> str:
    evidence = skill.meta.evidence
    assert evidence is not None
    rate = f"{evidence.success_rate:.0%}" if evidence.success_rate is not None else "not measured"
    lines = [
        f"- Intervention units behind this skill: {evidence.ius}",
        f"- Success rate in those units: {rate}",
        f"- Sources: {_inline(', '.join(evidence.sources)) or 'none'}",
    ]
    if evidence.attribution:
        lines.append(f"- Attribution: {_inline(evidence.attribution)}")
    parts = [
        f"# Evidence: {_inline(skill.meta.title)}",
        "Written by `esc skill discover` and `esc evolve` from real support dialogues.",
        "\n".join(lines),
        yaml_block({"evidence": evidence.model_dump(mode="json", exclude_none=True)}),
    ]
    return "\n\n".join(parts)


def reference_files(skill: Skill) -> dict[str, tuple[str, str]]:
    """Reference path -> (link text and purpose, content), only for files with something to say."""
    found = {
        "references/conditions.md": ("When to use it and when not to", conditions_md(skill)),
    }
    if skill.section("Examples"):
        found["references/examples.md"] = (
            "Worked examples of seeker and supporter turns",
            examples_md(skill),
        )
    found["references/risks.md"] = ("Risks and pitfalls to avoid", risks_md(skill))
    if skill.meta.evidence is not None:
        found["references/evidence.md"] = ("The dialogue evidence behind the skill", evidence_md(skill))
    return found


# Contraindications sit in the body, read once the skill is chosen, not in the always-listed description.
AVOID_HEADING = "Do not use when"


def skill_body(skill: Skill, references: dict[str, tuple[str, str]]) -> str:
    """Title, the not-a-clinical-tool line, Guidance and extra sections verbatim, then the links."""
    parts = [f"# {_inline(skill.meta.title)}", NOT_CLINICAL]
    parts.append(f"## {AVOID_HEADING}\n\n" + "\n".join(_conditions_lines(skill.meta.avoid_when)))
    for title, text in skill.sections().items():
        if title not in BODY_SECTIONS_IN_REFERENCES:
            parts.append(f"## {title}\n\n{text}")
    links = "\n".join(f"- [{label}]({path})" for path, (label, _) in references.items())
    parts.append(f"## {REFERENCES_HEADING}\n\nRead these when you need the detail:\n\n{links}")
    return "\n\n".join(parts)


def render_skill(
    skill: Skill, name: str, bank_hash: str, *, license_text: str | None = None, qualify: bool = False
) -> SkillFolder:
    """The whole folder of one skill, ready to validate and write (`qualify`: its title is shared)."""
    references = reference_files(skill)
    description = skill_description(skill, qualify=qualify)
    head = front_matter(name, description, metadata(skill, bank_hash), license_text)
    files = {"SKILL.md": render_skill_md(head, skill_body(skill, references))}
    files.update(
        {path: text if text.endswith("\n") else f"{text}\n" for path, (_, text) in references.items()}
    )
    return SkillFolder(name=name, files=files)
