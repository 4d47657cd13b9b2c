"""The offline proposer: fixed rules from a finding to one or more candidate proposals.

    no crisis skill / unhandled cue    reactivate a deprecated crisis skill, else restore the default
                                       bank's crisis skill, else add one from the crisis template
    no skill applied / uncovered state restore a default skill for the state, widen the best-fitting
                                       skill to it, or (no default fits) add a skill from a template
    a skill hurts somewhere            narrow its turn window when the harm is early, narrow its
    (risk, state, profile group)       states, or avoid the co-occurring states; add the risk when
                                       the skill does not list it; drop flagged examples; deprecate
                                       a skill that hurts on average

Alternatives for one finding come in the order they are tried; the checker keeps the first that
helps. The crisis skill is never narrowed, avoided or deprecated here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from esc_cli import taxonomy
from esc_cli.bank.examples import skill_examples
from esc_cli.bank.model import Risk, Skill
from esc_cli.evolve import findings as f
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.newskills import default_skills, template_id
from esc_cli.evolve.proposals import Proposal, Step, slugify
from esc_cli.evolve.risk_match import HarmfulFn, describe
from esc_cli.sim.records import SkillCredit
from esc_cli.sim.router import CRISIS_STATE

HURT_KINDS = (f.KNOWN_RISK, f.HARMFUL_PHRASING, f.HURTS_IN_STATE, f.HURTS_GROUP)
MIN_USES_TO_DEPRECATE = 4


@dataclass
class OfflineProposer:
    """Rules from findings to proposals. `credit` ranks skills; `harmful` finds examples to drop."""

    defaults: list[Skill] = field(default_factory=default_skills)
    harmful: HarmfulFn | None = None
    name: str = "offline"

    def propose(
        self, findings: Sequence[Finding], bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        """Proposals for every finding, strongest finding first, duplicates (same id) dropped."""
        seen: set[str] = set()
        out: list[Proposal] = []
        for finding in findings:
            for proposal in self.for_finding(finding, bank, credit):
                if proposal.id not in seen:
                    seen.add(proposal.id)
                    out.append(proposal)
        return out

    def for_finding(
        self, finding: Finding, bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        rule: Callable[[Finding, Mapping[str, Skill], Mapping[str, SkillCredit]], list[Proposal]] | None
        rule = {
            f.NO_CRISIS_SKILL: self._crisis,
            f.UNHANDLED_CRISIS: self._crisis,
            f.NO_SKILL: self._gap,
            f.UNCOVERED_STATE: self._gap,
        }.get(finding.kind)
        if rule is None and finding.kind in HURT_KINDS:
            rule = self._hurt
        return rule(finding, bank, credit) if rule is not None else []

    # --- crisis --------------------------------------------------------------------------------

    def _crisis(
        self, finding: Finding, bank: Mapping[str, Skill], _: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        current = next((s for s in bank.values() if s.meta.crisis and s.meta.status == "active"), None)
        default = next((s for s in self.defaults if s.meta.crisis and s.meta.status == "active"), None)
        if current is not None:
            return self._crisis_text(finding, current, default)
        dormant = sorted(s.id for s in bank.values() if s.meta.crisis)
        if dormant:
            step = Step(operation="reactivate-skill", skill=dormant[0])
            return [
                _proposal(
                    f"reactivate-{dormant[0]}", finding, f"Reactivate the crisis skill '{dormant[0]}'.", step
                )
            ]
        if default is not None and default.id not in bank:
            step = Step(operation="restore-skill", skill=default.id)
            summary = f"Restore the crisis skill '{default.id}' from the default bank."
            return [_proposal(f"restore-{default.id}", finding, summary, step)]
        step = Step(operation="add-skill", skill="crisis-safety-check", states=(CRISIS_STATE,))
        return [_proposal("add-crisis-safety-check", finding, "Add a crisis skill from the template.", step)]

    def _crisis_text(self, finding: Finding, current: Skill, default: Skill | None) -> list[Proposal]:
        """The crisis skill is there but cues went unanswered: bring back the default bank's wording."""
        if default is None:
            return []
        steps = [
            Step(operation="rewrite-section", skill=current.id, title=title, text=default.section(title))
            for title in ("Guidance", "Examples")
            if default.section(title) and default.section(title) != current.section(title)
        ]
        if not steps:
            return []
        summary = f"Restore the default bank's guidance and examples of the crisis skill '{current.id}'."
        return [_proposal(f"rewrite-{current.id}-from-defaults", finding, summary, *steps)]

    # --- gaps ----------------------------------------------------------------------------------

    def _gap(
        self, finding: Finding, bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        if not finding.states or finding.states[0] == CRISIS_STATE:
            return []
        state = finding.states[0]
        out: list[Proposal] = []
        for default in self.defaults:
            if (
                default.id not in bank
                and not default.meta.crisis
                and state in default.meta.applies_when.seeker_states
            ):
                step = Step(operation="restore-skill", skill=default.id)
                summary = f"Restore '{default.id}' from the default bank: it covers '{state}'."
                out.append(_proposal(f"restore-{default.id}", finding, summary, step))
        first = finding.first_turn
        late = _best_fit(state, bank, credit, listed=True, before=first)
        if late is not None:
            step = Step(operation="widen-applies", skill=late.id, min_turn=first)
            summary = (
                f"Start '{late.id}' at turn {first}: it covers '{state}', but no skill applied there "
                f"before turn {late.meta.applies_when.min_turn}."
            )
            out.append(_proposal(f"widen-{late.id}-from-turn-{first}", finding, summary, step))
        widen = _best_fit(state, bank, credit)
        if widen is not None:
            lower = first if widen.meta.applies_when.min_turn > first else None
            step = Step(operation="widen-applies", skill=widen.id, states=(state,), min_turn=lower)
            summary = f"Widen '{widen.id}' to the state '{state}', where no skill applied" + (
                f", from turn {lower}." if lower is not None else "."
            )
            out.append(_proposal(f"widen-{widen.id}-{state}", finding, summary, step))
        if not out:
            donor = _best_fit(state, {s.id: s for s in self.defaults}, credit, any_stage=True)
            if donor is not None:
                new_id = template_id(state, donor, set(bank))
                step = Step(operation="add-skill", skill=new_id, states=(state,), donor=donor.id)
                summary = f"Add '{new_id}' for the state '{state}', from the template with '{donor.id}'."
                out.append(_proposal(f"add-{new_id}", finding, summary, step))
        return out

    # --- a skill that hurts --------------------------------------------------------------------

    def _hurt(
        self, finding: Finding, bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        skill = bank.get(finding.skill)
        if skill is None or skill.meta.crisis or skill.meta.status != "active":
            return []
        extra = self._risk_steps(finding, skill)
        applies = skill.meta.applies_when
        out: list[Proposal] = []
        where = f"'{', '.join(finding.states)}'"
        if finding.max_turn is not None and applies.min_turn <= finding.max_turn:
            turn = finding.max_turn + 1
            step = Step(operation="narrow-applies", skill=skill.id, min_turn=turn)
            summary = f"Start '{skill.id}' at turn {turn}: earlier it hurt seekers who were {where}."
            out.append(_proposal(f"narrow-{skill.id}-from-turn-{turn}", finding, summary, step, *extra))
        listed = tuple(s for s in finding.states if s in applies.seeker_states)
        if listed and len(listed) < len(applies.seeker_states):
            step = Step(operation="narrow-applies", skill=skill.id, states=listed)
            summary = f"Stop applying '{skill.id}' to {', '.join(listed)}, where it hurt."
            out.append(_proposal(f"narrow-{skill.id}-{'-'.join(listed)}", finding, summary, step, *extra))
        other = tuple(s for s in finding.states if s not in applies.seeker_states and s != CRISIS_STATE)
        avoid = skill.meta.avoid_when
        if other and (avoid.seeker_states or (avoid.min_turn == 0 and avoid.max_turn is None)):
            step = Step(operation="add-avoid", skill=skill.id, states=other)
            summary = f"Avoid '{skill.id}' when the seeker is {', '.join(other)}."
            out.append(_proposal(f"avoid-{skill.id}-{'-'.join(other)}", finding, summary, step, *extra))
        if not out and extra:
            out.append(
                _proposal(
                    f"guard-{skill.id}-{finding.flag}",
                    finding,
                    f"Guard '{skill.id}' against '{finding.flag}'.",
                    *extra,
                )
            )
        used = credit.get(skill.id)
        if used is not None and used.mean_change < 0 and used.uses >= MIN_USES_TO_DEPRECATE:
            step = Step(operation="deprecate-skill", skill=skill.id)
            out.append(
                _proposal(
                    f"deprecate-{skill.id}", finding, f"Deprecate '{skill.id}': it hurts on average.", step
                )
            )
        return out

    def _risk_steps(self, finding: Finding, skill: Skill) -> list[Step]:
        """Add the risk when the skill does not list it; drop examples that show harmful phrasing."""
        steps: list[Step] = []
        if (
            finding.flag
            and finding.kind == f.HARMFUL_PHRASING
            and all(r.id != finding.flag for r in skill.meta.risks)
        ):
            steps.append(
                Step(
                    operation="add-risk",
                    skill=skill.id,
                    risk=Risk(id=finding.flag, description=describe(finding.flag)),
                )
            )
        if finding.kind == f.HARMFUL_PHRASING and self.harmful is not None:
            harmful = self.harmful
            flagged = tuple(
                ex.title
                for ex in skill_examples(skill)
                if any(finding.flag in harmful(line) for line in ex.supporter_lines())
            )
            if flagged and len(skill_examples(skill)) - len(flagged) >= 2:
                steps.append(Step(operation="drop-examples", skill=skill.id, titles=flagged))
        return steps


def _proposal(pid: str, finding: Finding, summary: str, *steps: Step) -> Proposal:
    return Proposal(id=slugify(pid), finding=finding.id, summary=summary, steps=tuple(steps))


def _best_fit(
    state: str,
    skills: Mapping[str, Skill],
    credit: Mapping[str, SkillCredit],
    *,
    any_stage: bool = False,
    listed: bool = False,
    before: int = 0,
) -> Skill | None:
    """The active non-crisis skill that does best in the traces (then by id) among those that
    fit the state's stage (any stage with `any_stage`) and do not list the state yet, or with
    `listed`, that list it but start after turn `before`.
    """
    stage = taxonomy.stage_of_state(state)
    fits = [
        s
        for s in skills.values()
        if s.meta.status == "active"
        and not s.meta.crisis
        and state not in s.meta.avoid_when.seeker_states
        and (
            state in s.meta.applies_when.seeker_states and s.meta.applies_when.min_turn > before
            if listed
            else (any_stage or s.meta.stage == stage) and state not in s.meta.applies_when.seeker_states
        )
    ]
    if not fits:
        return None

    def rank(s: Skill) -> tuple[int, float, str]:
        used = credit.get(s.id)
        return (0 if s.meta.stage == stage else 1, -(used.mean_change if used else 0.0), s.id)

    return min(fits, key=rank)
