"""Benchmark of the offline simulation (DESIGN.md section 8): verify profiles x 3 seeds, target < 10 s.

Each run is a full `esc sim run`-equivalent in-process: load the bank and the profiles, simulate every
(profile, seed) dialogue with the offline agent and seeker, and summarise. The labeller and the
outcome table load once per process, as they do in the CLI. Prints each run and the median of 3.

    python bench/sim_offline.py [--bank .] [--seeds 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from esc_cli.bank.load import load_skills
from esc_cli.iu.labeller import default_labeller
from esc_cli.sim.options import SimOptions
from esc_cli.sim.outcome import default_table
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.runner import simulate_sync
from esc_cli.sim.summary import summarise

TARGET_SECONDS = 10.0


def one_run(bank: Path, seeds: int) -> tuple[float, int, int, float]:
    """Seconds, dialogues, turns and SAGE score of one full offline run."""
    started = time.perf_counter()
    skills = load_skills(bank / "skills")
    profiles = load_profile_set(bank / "profiles" / "verify")
    dialogues = simulate_sync(skills, profiles, seeds, SimOptions())
    summary = summarise(dialogues)
    wall = time.perf_counter() - started
    return wall, len(dialogues), sum(len(d.turns) for d in dialogues), summary.sage_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    default_labeller()
    default_table()
    print(f"one-time load of the labeller and outcome table: {time.perf_counter() - started:.2f} s")
    walls: list[float] = []
    for number in range(1, args.runs + 1):
        wall, dialogues, turns, score = one_run(args.bank, args.seeds)
        walls.append(wall)
        print(
            f"run {number}: {dialogues} dialogues, {turns} turns in {wall:.3f} s "
            f"({turns / wall:.0f} turns/s), SAGE score {score:.1f}"
        )
    median = statistics.median(walls)
    verdict = "PASS" if median < TARGET_SECONDS else "FAIL"
    print(f"median of {args.runs}: {median:.3f} s (target < {TARGET_SECONDS:g} s): {verdict}")


if __name__ == "__main__":
    main()
