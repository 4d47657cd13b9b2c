"""The gate's criteria about what it measured: `coverage`, `reach`, `unmeasured`, `text` and `routing`.

They answer "could this verify see the change?" next to "did the change do harm?": a changed skill the
run hardly exercised, a skill the change took out of every profile's reach (base used it, head never
does), a change confined to parts the offline agent does not read, changed lines that read as harmful,
and routing that sends a skill to seekers two helping stages early. With `allow_unmeasured`,
coverage and unmeasured pass as warnings, which the reports show at the top; reach and the screens
are never waived.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from esc_cli.bank.model import Skill
from esc_cli.config import Bank
from esc_cli.sim.options import OFFLINE
from esc_cli.sim.records import Dialogue
from esc_cli.verify.coverage import coverage_detail, reach_detail, skill_coverage, unreachable
from esc_cli.verify.outcome import Criterion, VerifyOutcome
from esc_cli.verify.parts import changed_parts, unmeasured_detail
from esc_cli.verify.routing import RoutedChange, routing_detail, screen_routing
from esc_cli.verify.screen import ChangedText, count_screened, screen_changed_text, text_detail

if TYPE_CHECKING:
    from esc_cli.verify.gate import VerifyRequest

Run = tuple[Sequence[Skill], Sequence[Dialogue]]


def _waivable(name: str, ok: bool, detail: str, outcome: VerifyOutcome, allow: bool) -> Criterion:
    if ok or not allow:
        return Criterion(name, ok, detail)
    outcome.warnings.append(f"{name}: {detail}")
    return Criterion(name, True, f"warning (--allow-unmeasured): {detail}", warning=True)


def changed_texts(
    outcome: VerifyOutcome, folders: tuple[Path, Path], skills: tuple[list[Skill], list[Skill]], bank: Bank
) -> list[ChangedText]:
    """The skill files the change added or edited, with their text on each side (`folders` are the
    base's and the head's skills folders)."""
    heads = {s.id: s for s in skills[1]}
    found: list[ChangedText] = []
    for change in outcome.skill_changes:
        if change.kind == "removed" or change.id not in heads:
            continue
        head_path, base_path = folders[1] / f"{change.id}.md", folders[0] / f"{change.id}.md"
        if not head_path.is_file():
            continue
        base_text = (
            base_path.read_text(encoding="utf-8")
            if change.kind == "changed" and base_path.is_file()
            else None
        )
        found.append(
            ChangedText(
                f"{bank.settings.skills}/{change.id}.md",
                base_text,
                head_path.read_text(encoding="utf-8"),
                heads[change.id].meta.crisis,
            )
        )
    return found


def measure_criteria(
    outcome: VerifyOutcome,
    request: VerifyRequest,
    folders: tuple[Path, Path],
    skills: tuple[list[Skill], list[Skill]],
    runs: tuple[Run, Run],
    bank: Bank,
    profile_set: str,
) -> list[Criterion]:
    """Criteria coverage, reach, unmeasured (offline agent only), text and routing; fills the outcome's
    tables."""
    options = request.options
    by_routing = outcome.model_agent = options.engine_of("agent") != OFFLINE
    ids = [c.id for c in outcome.skill_changes]
    outcome.coverage = skill_coverage(
        ids, runs[0], runs[1], by_routing=by_routing, limit=options.route_limit, max_turns=options.max_turns
    )
    short = [row for row in outcome.coverage if row.exercised < request.min_coverage]
    criteria = [
        _waivable(
            "coverage",
            not short,
            coverage_detail(short, request.min_coverage, profile_set),
            outcome,
            request.allow_unmeasured,
        )
    ]
    lost = unreachable(outcome.coverage, {s.id for s in runs[1][0]}, request.min_coverage)
    criteria.append(Criterion("reach", not lost, reach_detail(lost, profile_set)))
    if not by_routing:
        bases = {s.id: s for s in skills[0]}
        heads = {s.id: s for s in skills[1]}
        outcome.parts = [
            changed_parts(bases[c.id], heads[c.id])
            for c in outcome.skill_changes
            if c.kind == "changed" and c.id in bases and c.id in heads
        ]
        confined = [p for p in outcome.parts if p.confined_to_unread]
        criteria.append(
            _waivable(
                "unmeasured",
                not confined,
                unmeasured_detail(confined, bank.settings.skills),
                outcome,
                request.allow_unmeasured,
            )
        )
    texts = changed_texts(outcome, folders, skills, bank)
    outcome.text_findings = screen_changed_text(texts)
    criteria.append(
        Criterion(
            "text", not outcome.text_findings, text_detail(outcome.text_findings, count_screened(texts))
        )
    )
    routed = routed_changes(texts, skills)
    outcome.routing_findings = screen_routing(routed)
    criteria.append(
        Criterion(
            "routing", not outcome.routing_findings, routing_detail(outcome.routing_findings, len(routed))
        )
    )
    return criteria


def routed_changes(
    texts: Sequence[ChangedText], skills: tuple[list[Skill], list[Skill]]
) -> list[RoutedChange]:
    """The changed skills as the routing screen reads them: each side's skill and the head's text."""
    bases = {s.id: s for s in skills[0]}
    heads = {s.id: s for s in skills[1]}
    found: list[RoutedChange] = []
    for text in texts:
        skill_id = Path(text.file).stem
        if skill_id in heads:
            base = bases.get(skill_id) if text.base is not None else None
            found.append(RoutedChange(text.file, base, heads[skill_id], text.head))
    return found
