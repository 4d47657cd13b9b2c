"""New skills for a gap in the bank: restored from the packaged default bank, or made from a template.

Restoring comes first: the default bank is reviewed text (the crisis skill in particular must keep its
safety wording). A template skill borrows a donor's actions, examples and pitfalls, and gets
conditions and guidance for the state that had no skill.
"""

from __future__ import annotations

import functools
from pathlib import Path

from esc_cli import taxonomy
from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill, SkillMeta
from esc_cli.errors import EscError
from esc_cli.evolve.operations import Provenance, replace_section, updated_evidence
from esc_cli.sim.router import CRISIS_STATE


def default_skills(folder: Path | None = None) -> list[Skill]:
    """The packaged default bank (or `folder`), every status included; empty when it is missing."""
    return list(_loaded_defaults(folder))


@functools.cache
def _loaded_defaults(folder: Path | None) -> tuple[Skill, ...]:
    # Read once per process: proposals ask for the defaults at every add or restore step.
    from esc_cli.scaffold import defaults_root

    try:
        source = folder if folder is not None else defaults_root() / "skills"
        return tuple(load_skills(source, include_inactive=True))
    except EscError:
        return ()


def restored(skill: Skill, provenance: Provenance) -> Skill:
    """A default skill as a new file of this bank: active, its evidence noting why it came back."""
    meta = skill.meta.model_copy(
        update={"status": "active", "evidence": updated_evidence(skill.meta.evidence, provenance)}
    )
    return Skill(meta=SkillMeta.model_validate(meta.model_dump(mode="python")), body=skill.body)


def template_id(state: str, donor: Skill, taken: set[str]) -> str:
    """A free id such as `reflect-feeling-for-overwhelm`, or `...-2` when that is taken."""
    base = f"{donor.meta.actions[0]}-for-{state}"[:60].strip("-")
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def from_template(state: str, donor: Skill, provenance: Provenance, *, skill_id: str) -> Skill:
    """A new skill `skill_id` for `state`, using the donor's actions, examples and pitfalls."""
    definition = taxonomy.definition(state)
    stage = taxonomy.stage_of_state(state)
    data = donor.meta.model_dump(mode="python")
    data.update(
        id=skill_id,
        title=f"{donor.meta.title} ({state})"[:120],
        version=1,
        status="active",
        crisis=False,
        priority=0,
        stage=stage,
        applies_when={"seeker_states": [state], "min_turn": 0, "max_turn": None, "description": definition},
        avoid_when={
            "seeker_states": [CRISIS_STATE],
            "min_turn": 0,
            "max_turn": None,
            "description": "A crisis cue goes to the crisis skill.",
        },
        evidence=updated_evidence(None, provenance).model_dump(mode="python"),
    )
    guidance = (
        f"1. Use this when {definition[0].lower()}{definition[1:]}\n"
        f"2. {taxonomy.definition(donor.meta.actions[0])}\n"
        "3. Keep the reply short and tied to what the seeker just said.\n"
        "4. Watch the seeker's next message; switch skills if they pull back or push back.\n"
        "5. On any sign of self-harm or danger, stop and use the crisis skill."
    )
    return Skill(meta=SkillMeta.model_validate(data), body=replace_section(donor.body, "Guidance", guidance))


def crisis_template(provenance: Provenance) -> Skill:
    """The crisis skill when the default bank has none: ask about safety and point to human help."""
    data = {
        "id": "crisis-safety-check",
        "title": "Ask directly about safety and connect to human help",
        "version": 1,
        "status": "active",
        "stage": "exploration",
        "crisis": True,
        "priority": 100,
        "strategies": ["Question", "Information"],
        "actions": ["safety-check", "refer-resource"],
        "applies_when": {
            "seeker_states": [CRISIS_STATE],
            "min_turn": 0,
            "description": taxonomy.definition(CRISIS_STATE),
        },
        "expected_outcome": {
            "description": "The risk is asked about plainly and the seeker is pointed to human help.",
            "emotion_delta": [0, 5],
        },
        "risks": [
            {"id": "missed-cue", "description": "Passing over an indirect cue leaves a person at risk."}
        ],
        "evidence": updated_evidence(None, provenance).model_dump(mode="python"),
    }
    body = (
        "## Guidance\n\n"
        "1. Answer the cue in your very next reply; never skip past it.\n"
        '2. Ask plainly: "Are you having thoughts of ending your life or hurting yourself?"\n'
        "3. Ask whether they are safe right now.\n"
        "4. Say you are not a crisis service, and point to a trusted person, a crisis line or the local "
        "emergency number; give numbers only from the bank's crisis-lines.yaml for the seeker's country.\n"
        "5. Stay in the conversation; do not promise secrecy.\n"
        "6. If the danger comes from another person, ask whether they are safe where they are and can get "
        "somewhere safe, and point to the local emergency number and a domestic abuse or victim support "
        "service, not a suicide crisis line.\n\n"
        "## Examples\n\n"
        "### A burden\nSeeker: Everyone would be better off without me.\n"
        "Supporter: Thank you for telling me; I'm taking this seriously. Are you having thoughts of ending your "
        "life or hurting yourself? Please also reach a person: a crisis line, your doctor, or someone you trust.\n\n"
        "### Wanting it to stop\nSeeker: I want it all to stop.\n"
        "Supporter: When you say that, are you having thoughts of ending your life or hurting "
        "yourself? A person at a crisis line can help right now, and I'll stay here while you reach them.\n\n"
        "### Threatened at home\nSeeker: My partner said he'd hurt me if I go out tonight.\n"
        "Supporter: Thank you for telling me; your safety matters most. Are you safe where you are right now, "
        "and is there somewhere safe you could go? If you are in danger, call your local emergency number; a "
        "domestic abuse service can help you plan. I'm staying here with you.\n\n"
        "## Pitfalls\n\n- Passing over an indirect cue.\n- Promising secrecy.\n- Giving a number and leaving.\n"
    )
    return Skill(meta=SkillMeta.model_validate(data), body=body)
