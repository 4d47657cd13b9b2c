"""Helpers for the simulation tests: quick offline runs of a bank folder (and testkit's EscRunner)."""

from __future__ import annotations

from pathlib import Path

from testkit import EscRunner

from esc_cli.bank.load import load_skills
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runner import simulate_sync


def run_offline(
    bank: Path, profiles: list[Profile] | None = None, *, seeds: int = 3, no_skills: bool = False
) -> list[Dialogue]:
    """Simulate the bank at `bank` offline on `profiles` (default: its verify set)."""
    skills = load_skills(bank / "skills")
    chosen = profiles if profiles is not None else load_profile_set(bank / "profiles" / "verify")
    return simulate_sync(skills, chosen, seeds, SimOptions(no_skills=no_skills))


def mean_final(dialogues: list[Dialogue]) -> float:
    return sum(d.final_emotion for d in dialogues) / len(dialogues)


__all__ = ["EscRunner", "mean_final", "run_offline"]
