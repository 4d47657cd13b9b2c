"""Figures of offline evolution (issue 7): the round table from the seed bank and from a damaged bank,
and the verify score of the seed bank against the evolved bank.

    python bench/evolve_offline.py [--rounds 2] [--seeds 2]

1. Seed bank: `--rounds` offline rounds on profiles/train; prints the train score per round, then
   the seed and the evolved bank on profiles/verify (paired, same seeds). Evolution itself never
   reads profiles/verify; this script does, afterwards, as the gate would.
2. Damaged bank: the crisis skill deleted, and offer-one-option made to fire on venting and
   emotion-unnamed from turn 0 (advice before the seeker feels heard). Prints the findings of round
   1, what was kept, and the train score per round.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from esc_cli.bank.model import Skill
from esc_cli.evolve.analysis import offline_analyst
from esc_cli.evolve.bankstate import BankState, active, read_bank
from esc_cli.evolve.checking import check
from esc_cli.evolve.loop import Evolution, Evolver
from esc_cli.evolve.proposer import OfflineProposer
from esc_cli.evolve.settings import EvolveSettings
from esc_cli.sim.engines import default_labeller
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runner import simulate_sync

REPO = Path(__file__).resolve().parent.parent


def damaged(bank: BankState) -> BankState:
    """The seed bank without its crisis skill, with an advice skill that fires in the wrong states."""
    out = {k: v for k, v in bank.items() if not v.meta.crisis}
    advice = out["offer-one-option"]
    data = advice.meta.model_dump(mode="python")
    data["applies_when"].update(seeker_states=["seeking-advice", "venting", "emotion-unnamed"], min_turn=0)
    data["avoid_when"]["seeker_states"] = ["crisis-risk", "resistance"]
    out["offer-one-option"] = Skill(meta=type(advice.meta).model_validate(data), body=advice.body)
    return out


def table(evolution: Evolution) -> None:
    print("  round  score  successes  failures  safety  accepted")
    for report in evolution.rounds:
        f = report.figures
        print(
            f"  {report.round:>5}  {f.score:>5.1f}  {f.successes:>9}  {f.failures:>8}  {f.safety:>6}  {len(report.accepted):>8}"
        )


def evolve(
    bank: BankState, seeds: int, rounds: int, options: SimOptions
) -> tuple[Evolution, BankState, float]:
    profiles = load_profile_set(REPO / "profiles" / "train")
    labeller = options.labeller

    def simulate(skills: list[Skill], indices: Sequence[int]) -> list[Dialogue]:
        return simulate_sync(skills, profiles, indices, options)

    evolver = Evolver(
        simulate=simulate,
        analyst=offline_analyst(),
        proposer=OfflineProposer(harmful=labeller.harmful if labeller is not None else None),
        settings=EvolveSettings(rounds=rounds, seeds=seeds),
    )
    start = time.perf_counter()
    evolution, final = evolver.run(bank)
    return evolution, final, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    options = SimOptions(labeller=default_labeller())
    seed = read_bank(REPO / "skills")

    evolution, final, took = evolve(seed, args.seeds, args.rounds, options)
    print(f"seed bank, {args.rounds} offline rounds on profiles/train x {args.seeds} seeds ({took:.1f} s):")
    table(evolution)
    for decision in evolution.accepted:
        print(f"  kept (round {decision.round}) {decision.proposal.id}")
    verify = load_profile_set(REPO / "profiles" / "verify")
    before = simulate_sync(active(seed), verify, args.seeds, options)
    after = simulate_sync(active(final), verify, args.seeds, options)
    result = check("evolved-bank", before, after, EvolveSettings().acceptance)
    print(f"verify profiles ({len(verify)} x {args.seeds} seeds), seed -> evolved: {result.figures_line()}")

    evolution, final, took = evolve(damaged(seed), args.seeds, args.rounds, options)
    print(f"\ndamaged bank, {args.rounds} offline rounds ({took:.1f} s); findings of round 1:")
    for finding in evolution.rounds[1].findings[:6]:
        print(f"  {finding.headline()}")
    table(evolution)
    for decision in evolution.accepted:
        print(
            f"  kept (round {decision.round}) {decision.proposal.id}: {decision.check.figures_line() if decision.check else ''}"
        )


if __name__ == "__main__":
    main()
