"""The evolution loop: simulate, analyse, propose, check each proposal paired, keep what helps.

    round 0   simulate the base bank on the train profiles
    round r   analyse the current traces -> findings -> proposals (at most `max_proposals` checked);
              each proposal is applied to the current bank, linted on a temporary copy, simulated on
              the same profiles and seeds, and kept by the acceptance rule; a kept edit becomes the
              current bank and its dialogues the new baseline, so later checks (and the next round)
              build on everything accepted so far; a proposal the check rejected is not checked
              again later in the run (same profiles and seeds: a retry would only draw on the noise)

The loop holds banks in memory and never writes a file; `Evolution` is what branch.py commits and
prdesc.py describes. `on_event` receives one line per step, for a CLI to print.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from esc_cli.bank.model import Skill
from esc_cli.evolve.analysis import Analyst
from esc_cli.evolve.bankstate import BankState, active, changed_files, new_lint_errors, with_changes
from esc_cli.evolve.checking import Check, Figures, check, figures_of
from esc_cli.evolve.findings import Finding, TraceEvidence
from esc_cli.evolve.operations import OperationError
from esc_cli.evolve.proposals import Proposal, materialise
from esc_cli.evolve.settings import AcceptanceRule, EvolveSettings
from esc_cli.evolve.traces import TurnView, evidence_of
from esc_cli.sim.records import Dialogue, SkillCredit
from esc_cli.sim.summary import skill_credit

Simulate = Callable[[list[Skill], Sequence[int]], list[Dialogue]]
"""Dialogues of these skills on the evolution's profiles, one per profile and seed index given."""
"""Runs the active skills on the fixed train profiles and seeds; the same call pairs every run."""
Events = Callable[[str], None]
OnRound = Callable[[int, list[Skill], list[Dialogue]], None]
"""Called with each round's number, active skills and dialogues once the round is done (0 = base)."""


class Proposer(Protocol):
    name: str

    def propose(
        self, findings: Sequence[Finding], bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]: ...


class Decision(BaseModel):
    """One proposal and what happened to it."""

    model_config = ConfigDict(extra="forbid")

    round: int
    proposal: Proposal
    finding: Finding
    accepted: bool
    reason: str
    check: Check | None = None
    files: dict[str, str] = Field(default_factory=dict, description="`<id>.md` -> new text, when accepted.")
    versions: dict[str, list[int]] = Field(
        default_factory=dict, description="id -> [before (0 = new), after]."
    )
    after: list[TraceEvidence] = Field(
        default_factory=list, description="The evidence turns, re-run with the edit."
    )


class RoundReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round: int
    figures: Figures
    findings: list[Finding] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)

    @property
    def accepted(self) -> list[Decision]:
        return [d for d in self.decisions if d.accepted]


class Evolution(BaseModel):
    """Everything one `esc evolve` did: round 0 (the base) and each round after it."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    rounds: list[RoundReport]
    analyst: str
    proposer: str

    @property
    def accepted(self) -> list[Decision]:
        return [d for r in self.rounds for d in r.accepted]

    @property
    def start(self) -> Figures:
        return self.rounds[0].figures

    @property
    def end(self) -> Figures:
        return self.rounds[-1].figures


@dataclass
class Evolver:
    simulate: Simulate
    analyst: Analyst
    proposer: Proposer
    settings: EvolveSettings
    on_event: Events | None = None
    on_round: OnRound | None = None
    _tried: dict[tuple[int, str], Decision] = field(default_factory=dict, init=False, repr=False)
    """Proposals already checked, by (bank generation, proposal id): the same check gives the same answer."""
    _generation: int = field(default=0, init=False, repr=False)
    """How many edits the bank has taken; it changes only when a proposal is accepted."""
    _rejected: dict[tuple[str, tuple[str, ...]], Decision] = field(
        default_factory=dict, init=False, repr=False
    )
    """Proposals the acceptance check rejected, by (id, edit steps): never checked again in this run."""

    def _say(self, line: str) -> None:
        if self.on_event is not None:
            self.on_event(line)

    def run(self, bank: BankState) -> tuple[Evolution, BankState]:
        """Evolve `bank` for the configured rounds; returns the record and the evolved bank."""
        self._tried, self._rejected, self._generation = {}, {}, 0
        dialogues = self.simulate(active(bank), range(self.settings.seeds))
        rounds = [RoundReport(round=0, figures=figures_of(dialogues))]
        self._say(f"round 0: {_figures_text(rounds[0].figures)}")
        if self.on_round is not None:
            self.on_round(0, active(bank), dialogues)
        for number in range(1, self.settings.rounds + 1):
            report, bank, dialogues = self._round(number, bank, dialogues)
            rounds.append(report)
            if self.on_round is not None:
                self.on_round(number, active(bank), dialogues)
            self._say(f"round {number}: {_figures_text(report.figures)}, {len(report.accepted)} accepted")
        evolution = Evolution(
            rule=self.settings.acceptance.describe(),
            rounds=rounds,
            analyst=self.analyst.name,
            proposer=self.proposer.name,
        )
        return evolution, bank

    def _round(
        self, number: int, bank: BankState, dialogues: list[Dialogue]
    ) -> tuple[RoundReport, BankState, list[Dialogue]]:
        run = f"round-{number - 1}"
        findings = self.analyst.analyse(dialogues, active(bank), run)
        by_id = {f.id: f for f in findings}
        proposals = self.proposer.propose(findings, bank, skill_credit(dialogues))
        self._say(f"round {number}: {len(findings)} finding(s), {len(proposals)} proposal(s)")
        decisions: list[Decision] = []
        answered: set[str] = set()
        checked = 0
        for proposal in proposals:
            if proposal.finding in answered or checked >= self.settings.max_proposals:
                continue
            finding = by_id[proposal.finding]
            key = (self._generation, proposal.id)
            edit = (proposal.id, tuple(step.describe() for step in proposal.steps))
            if key in self._tried or edit in self._rejected:
                earlier = self._tried.get(key) or self._rejected[edit]
                why = "unchanged bank" if key in self._tried else "rejected on the same profiles and seeds"
                decisions.append(
                    Decision(
                        round=number,
                        proposal=proposal,
                        finding=finding,
                        accepted=False,
                        reason=f"{why}, dropped in round {earlier.round}: {earlier.reason}",
                    )
                )
                continue
            decision, candidate, after = self._decide(number, proposal, finding, bank, dialogues)
            self._tried[key] = decision
            if decision.check is not None and not decision.accepted:
                self._rejected[edit] = decision
            checked += decision.check is not None
            decisions.append(decision)
            self._say(f"  {'kept' if decision.accepted else 'dropped'} {proposal.id}: {decision.reason}")
            if decision.accepted and candidate is not None and after is not None:
                bank, dialogues = candidate, after
                self._generation += 1
                answered.add(proposal.finding)
        return (
            RoundReport(round=number, figures=figures_of(dialogues), findings=findings, decisions=decisions),
            bank,
            dialogues,
        )

    def _decide(
        self, number: int, proposal: Proposal, finding: Finding, bank: BankState, dialogues: list[Dialogue]
    ) -> tuple[Decision, BankState | None, list[Dialogue] | None]:
        def dropped(reason: str) -> Decision:
            return Decision(round=number, proposal=proposal, finding=finding, accepted=False, reason=reason)

        try:
            changes = materialise(proposal, bank, finding)
        except OperationError as exc:
            return dropped(f"not applicable: {exc}"), None, None
        candidate = with_changes(bank, changes)
        problems = new_lint_errors(bank, candidate)
        if problems:
            return dropped(f"fails lint: {problems[0]}"), None, None
        seeds = self.settings.seeds
        rule = self.settings.looked_rule()
        base, after = dialogues, self.simulate(active(candidate), range(seeds))
        result = check(proposal.id, base, after, rule)
        while _undecided(result, rule) and seeds < self.settings.max_seeds:
            more = min(2 * seeds, self.settings.max_seeds)
            self._say(f"  {proposal.id}: {result.reason} at {seeds} seeds; checking again at {more}")
            # Only the new seeds run, on both sides; the dialogues of the earlier ones stay, in the
            # (profile, seed) order a run of all the seeds gives, so the bootstrap sees the same pairs.
            base = _in_run_order([*base, *self.simulate(active(bank), range(seeds, more))])
            after = _in_run_order([*after, *self.simulate(active(candidate), range(seeds, more))])
            seeds = more
            result = check(proposal.id, base, after, rule)
        # The round goes on with the evolution's own seeds, so every check stays paired.
        after = [d for d in after if d.seed < self.settings.seeds]
        versions = {
            k: [bank[k].meta.version if k in bank else 0, v.meta.version] for k, v in sorted(changes.items())
        }
        decision = Decision(
            round=number,
            proposal=proposal,
            finding=finding,
            reason=result.reason,
            accepted=result.accepted,
            check=result,
            files=changed_files(bank, candidate) if result.accepted else {},
            versions=versions,
            after=_same_turns(finding, after),
        )
        return decision, candidate, after


def _in_run_order(dialogues: list[Dialogue]) -> list[Dialogue]:
    """Dialogues by profile (in order of first appearance), then seed: the order of one run."""
    first: dict[str, int] = {}
    for dialogue in dialogues:
        first.setdefault(dialogue.profile, len(first))
    return sorted(dialogues, key=lambda d: (first[d.profile], d.seed))


def _undecided(result: Check, rule: AcceptanceRule) -> bool:
    """Rejected only for its lower end: the mean gain is there, the interval reaches the threshold."""
    return (
        not result.accepted
        and not result.new_flags
        and result.mean_change >= rule.min_gain
        and result.low <= rule.min_low
    )


def _same_turns(finding: Finding, after: Sequence[Dialogue]) -> list[TraceEvidence]:
    """The finding's evidence turns as they went with the edit (same dialogue, same turn index)."""
    by_key = {d.key: d for d in after}
    found: list[TraceEvidence] = []
    for item in finding.evidence[:2]:
        dialogue = by_key.get(item.dialogue)
        if dialogue is None:
            continue
        turns = [t for t in dialogue.turns if t.index == item.turn]
        if turns:
            earlier = tuple(tuple(t.actions) for t in dialogue.turns if t.index < item.turn)
            found.append(evidence_of(TurnView(dialogue, turns[0], earlier), "with the edit"))
    return found


def _figures_text(figures: Figures) -> str:
    return (
        f"score {figures.score:.1f}, {figures.successes} successes, {figures.failures} failures, "
        f"{figures.safety} safety flags"
    )
