"""The umbrella skill `emotional-support`: safety rules and how to choose among the exported skills.

Agents that can load only a few skills (the Claude API takes at most 8 in one request) load this one
with the crisis skill and a handful of others; its routing table maps seeker states to skill names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from esc_cli import taxonomy
from esc_cli.bank.model import Skill
from esc_cli.export.frontmatter import render_skill_md
from esc_cli.export.names import UMBRELLA_NAME
from esc_cli.export.render import NOT_CLINICAL, SkillFolder, front_matter
from esc_cli.safety.lines import CrisisLines, default_lines

MAX_SKILLS_PER_REQUEST = 8
UMBRELLA_ROLE = "umbrella"
DESCRIPTION = (
    "Safety rules and a routing table for an emotional-support conversation agent that uses the "
    "ESC-Skills bank. Use at the start of every emotional-support conversation, whenever the "
    "seeker's state changes, and when unsure which support skill fits; it always applies when the "
    "seeker mentions self-harm, suicide or being in danger."
)


def routes(skills: Sequence[Skill], names: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """For each seeker state, the skills that apply to it and do not avoid it, best first."""
    table: list[tuple[str, list[str]]] = []
    for state in taxonomy.STATE_IDS:
        fitting = [
            s
            for s in skills
            if state in s.meta.applies_when.seeker_states and state not in s.meta.avoid_when.seeker_states
        ]
        fitting.sort(
            key=lambda s: (
                not s.meta.crisis,
                -s.meta.priority,
                s.meta.stage != taxonomy.stage_of_state(state),
                s.id,
            )
        )
        table.append((state, [names[s.id] for s in fitting]))
    return table


def _crisis_rule(crisis: str | None) -> str:
    use = f" Use the `{crisis}` skill first." if crisis else ""
    return (
        "1. **Crisis first.** If the seeker hints at or states thoughts of self-harm, suicide, or being "
        "in danger, set every other skill aside. Ask directly and calmly about their safety, stay with "
        "them, and point them to human help now: the emergency number and crisis line of their country "
        "from the table below, and people they trust. If you do not know their country, or it is not in "
        f'the table, say "your local emergency number" and "a local crisis line" and give no number. '
        "If the danger comes from another person, ask whether they are safe where they are, and point to "
        "the emergency number and a domestic abuse or victim support service, not to a suicide crisis "
        f"line.{use}"
    )


def _lines_table(lines: CrisisLines) -> str:
    """The bank's crisis-lines table, dated, as Markdown."""
    rows = ["| Country | Code | Emergency | Crisis line |", "| --- | --- | --- | --- |"]
    for code, line in sorted(lines.lines.items()):
        rows.append(f"| {line.country} | {code} | {line.emergency} | {line.crisis_line} |")
    intro = (
        f"From the bank's `crisis-lines.yaml`, checked on {lines.checked.isoformat()}. Numbers change: "
        "a generic pointer is always acceptable, a wrong or foreign number never is."
    )
    return f"## Help by country\n\n{intro}\n\n" + "\n".join(rows)


def _safety_rules(crisis: str | None) -> str:
    rules = [
        _crisis_rule(crisis),
        "2. **Not a clinical tool.** Do not diagnose, do not give medical or medication advice, and "
        "say so when the seeker needs a professional.",
        "3. **Follow the seeker.** Explore before you advise; do not minimise, blame or push positivity.",
        "4. **Honesty.** Do not claim to be human, and do not promise what you cannot keep.",
    ]
    return "## Safety rules\n\n" + "\n".join(rules)


def _routing_table(skills: Sequence[Skill], names: Mapping[str, str]) -> str:
    rows = ["| Seeker state | What it looks like | Skills, best first |", "| --- | --- | --- |"]
    for state, fitting in routes(skills, names):
        listed = ", ".join(f"`{n}`" for n in fitting) or "none: use general care"
        rows.append(f"| `{state}` | {taxonomy.definition(state)} | {listed} |")
    intro = (
        "Read the seeker's last message, pick the state that fits best, and load the first skill listed "
        "for it. Prefer skills of the current stage (exploration, then comforting, then action); each "
        "skill's `references/conditions.md` says when not to use it."
    )
    return f"## Choosing a skill\n\n{intro}\n\n" + "\n".join(rows)


def _few_skills(crisis: str | None) -> str:
    keep = f"this skill and `{crisis}`" if crisis else "this skill"
    return (
        "## Loading only a few skills\n\n"
        f"The Claude API accepts at most {MAX_SKILLS_PER_REQUEST} skills in one request (check the API "
        f"docs for the current limit). Always load {keep}, then the skills for the states you expect "
        "most often."
    )


def render_umbrella(
    skills: Sequence[Skill],
    names: Mapping[str, str],
    bank_hash: str,
    *,
    license_text: str | None = None,
    crisis_lines: CrisisLines | None = None,
) -> SkillFolder:
    """The `emotional-support` folder for the exported skills (help by country from `crisis_lines`,
    the shipped table when None)."""
    crisis = next((names[s.id] for s in skills if s.meta.crisis), None)
    body = "\n\n".join(
        [
            "# Emotional support: safety and skill choice",
            NOT_CLINICAL,
            _safety_rules(crisis),
            _lines_table(crisis_lines or default_lines()),
            _routing_table(skills, names),
            _few_skills(crisis),
        ]
    )
    meta = {"esc-role": UMBRELLA_ROLE, "bank-hash": bank_hash, "skills": str(len(skills))}
    head = front_matter(UMBRELLA_NAME, DESCRIPTION, meta, license_text)
    return SkillFolder(name=UMBRELLA_NAME, files={"SKILL.md": render_skill_md(head, body)})
