"""Helpers for the simulation tests: quick offline runs of a bank folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from esc_cli.bank.load import load_skills
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runner import simulate_sync

# The root conftest's `esc` fixture: run `esc ARGS...` in-process, get .code, .out and .err back.
EscRunner = Callable[..., Any]


def run_offline(
    bank: Path, profiles: list[Profile] | None = None, *, seeds: int = 3, no_skills: bool = False
) -> list[Dialogue]:
    """Simulate the bank at `bank` offline on `profiles` (default: its verify set)."""
    skills = load_skills(bank / "skills")
    chosen = profiles if profiles is not None else load_profile_set(bank / "profiles" / "verify")
    return simulate_sync(skills, chosen, seeds, SimOptions(no_skills=no_skills))


def mean_final(dialogues: list[Dialogue]) -> float:
    return sum(d.final_emotion for d in dialogues) / len(dialogues)


def set_front_matter(path: Path, key: str, value: str) -> None:
    """Replace one top-level `key: ...` line of a skill file's front matter."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{re.escape(key)}:.*$", f"{key}: {value}", text, count=1)
    assert count == 1, f"{path.name} has no top-level {key}"
    path.write_text(new, encoding="utf-8")
