"""The evolution loop keeps a proposal only on evidence, and never re-checks one it rejected."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from evolve_helpers import dialogue, turn
from testkit import REPO

from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.loop import Evolver
from esc_cli.evolve.proposals import Proposal, Step
from esc_cli.evolve.settings import EvolveSettings
from esc_cli.sim.records import Dialogue, SkillCredit

NOISY, HELPFUL = "psychoeducation", "offer-one-option"


def finding(skill: str) -> Finding:
    return Finding(
        id=f"unsafe-intervention/hurts-in-state/{skill}",
        category="unsafe-intervention",
        kind="hurts-in-state",
        summary=f"{skill} hurts",
        skill=skill,
        turns=3,
        dialogues=3,
        mean_change=-2.0,
        strength=0.5,
    )


def proposal(skill: str, min_turn: int) -> Proposal:
    step = Step(operation="narrow-applies", skill=skill, min_turn=min_turn)
    return Proposal(id=f"narrow-{skill}", finding=finding(skill).id, summary="narrow", steps=(step,))


class FixedAnalyst:
    name = "fixed"

    def analyse(self, dialogues: Sequence[Dialogue], skills: Sequence[Skill], run: str) -> list[Finding]:
        return [finding(NOISY), finding(HELPFUL)]


class FixedProposer:
    name = "fixed"

    def propose(
        self, findings: Sequence[Finding], bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        found = [proposal(NOISY, 6)]
        if bank[HELPFUL].meta.applies_when.min_turn < 6:
            found.append(proposal(HELPFUL, 6))
        return found


def test_a_zero_lower_end_is_rejected_and_the_proposal_is_not_retried() -> None:
    bank = {s.id: s for s in load_skills(REPO / "skills", include_inactive=True)}
    calls: list[tuple[int, int]] = []

    def simulate(skills: list[Skill], seeds: Sequence[int]) -> list[Dialogue]:
        by_id = {s.id: s for s in skills}
        noisy = by_id[NOISY].meta.applies_when.min_turn >= 6
        helpful = by_id[HELPFUL].meta.applies_when.min_turn >= 6
        calls.append((noisy, helpful))
        # The noisy edit moves one dialogue of six by +12: mean +2, but a resample can miss it,
        # so the interval's lower end is exactly 0. The helpful edit lifts every dialogue.
        finals = [40 + (10 if helpful else 0)] * 6
        if noisy:
            finals[-1] += 12
        return [dialogue(f"p{i}", [turn(0, ["venting"], emotion=final)]) for i, final in enumerate(finals)]

    # No adaptive seeds here: this simulation gives the same dialogues at any seed count.
    settings = EvolveSettings(rounds=2, max_seeds=2)
    evolution, evolved = Evolver(simulate, FixedAnalyst(), FixedProposer(), settings).run(bank)

    first = {d.proposal.steps[0].skill: d for d in evolution.rounds[1].decisions}
    assert first[NOISY].check is not None and first[NOISY].check.low == 0.0
    assert not first[NOISY].accepted
    assert first[NOISY].reason == "lower end +0.00 is not above +0: within the noise"
    assert first[HELPFUL].accepted
    # Round 2: the bank changed (the helpful edit), but the noisy proposal is not checked again.
    again = evolution.rounds[2].decisions
    assert [d.proposal.id for d in again] == [f"narrow-{NOISY}"]
    assert again[0].check is None and not again[0].accepted
    assert again[0].reason.startswith(
        "rejected on the same profiles and seeds, dropped in round 1: lower end"
    )
    assert calls.count((True, True)) == 0  # never simulated on top of the accepted edit
    assert evolved[NOISY].meta.applies_when.min_turn == bank[NOISY].meta.applies_when.min_turn


class OneProposer:
    name = "one"

    def propose(
        self, findings: Sequence[Finding], bank: Mapping[str, Skill], credit: Mapping[str, SkillCredit]
    ) -> list[Proposal]:
        return [proposal(HELPFUL, 6)] if bank[HELPFUL].meta.applies_when.min_turn < 6 else []


def _uneven_gain(asked: list[int], every: int = 2) -> Callable[[list[Skill], Sequence[int]], list[Dialogue]]:
    """A simulation where the edit lifts one dialogue in `every` by 12 and lowers the others by 1.
    Every other: a mean of +5.5, whose interval reaches below 0 on 6 dialogues and not on 12. One in
    three: a mean of +3.3, whose interval still reaches below 0 on 9. Records each seed count."""

    def simulate(skills: list[Skill], seeds: Sequence[int]) -> list[Dialogue]:
        edited = {s.id: s for s in skills}[HELPFUL].meta.applies_when.min_turn >= 6
        asked.append(max(seeds) + 1)  # the seed count reached
        return [
            dialogue(
                f"p{i}",
                [turn(0, ["venting"], emotion=40 + (12 if (i + s) % every == 0 else -1) * edited)],
                seed=s,
            )
            for i in range(3)
            for s in seeds
        ]

    return simulate


def test_an_undecided_proposal_is_checked_again_on_more_seeds_and_kept_on_evidence() -> None:
    bank = {s.id: s for s in load_skills(REPO / "skills", include_inactive=True)}
    asked: list[int] = []
    simulate = _uneven_gain(asked)
    events: list[str] = []
    settings = EvolveSettings(rounds=1, seeds=2, max_seeds=8)
    evolution, evolved = Evolver(
        simulate, FixedAnalyst(), OneProposer(), settings, on_event=events.append
    ).run(bank)
    decision = evolution.rounds[1].decisions[0]
    assert decision.accepted and decision.check is not None
    assert decision.check.n == 12 and decision.check.low > 0
    assert any("within the noise at 2 seeds; checking again at 4" in e for e in events), events
    assert max(asked) == 4  # decided at 4 seeds: 8 was never needed
    assert evolved[HELPFUL].meta.applies_when.min_turn == 6
    # The round goes on with its own two seeds, so later checks stay paired.
    assert evolution.rounds[1].figures.dialogues == 6


def test_adaptive_seeds_stop_at_max_seeds_and_drop_the_proposal_as_noise() -> None:
    bank = {s.id: s for s in load_skills(REPO / "skills", include_inactive=True)}
    asked: list[int] = []
    simulate = _uneven_gain(asked, every=3)
    settings = EvolveSettings(rounds=1, seeds=2, max_seeds=3)
    evolution, _ = Evolver(simulate, FixedAnalyst(), OneProposer(), settings).run(bank)
    decision = evolution.rounds[1].decisions[0]
    assert not decision.accepted and decision.check is not None and decision.check.n == 9
    assert max(asked) == 3
