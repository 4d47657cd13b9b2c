"""Warming the offline engines reads a run's known texts up front and changes no dialogue."""

from __future__ import annotations

import json
import subprocess
import sys

from testkit import REPO

from esc_cli.bank.load import load_skills
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.warmup import profile_texts, skill_texts, warm_up
from esc_cli.text import shared_encoder


def test_profile_and_skill_texts_cover_what_a_run_says() -> None:
    profiles = load_profile_set(REPO / "profiles" / "verify")
    skills = load_skills(REPO / "skills")
    said = profile_texts(profiles)
    assert len(said) == len(set(said))
    assert all(p.first_message in said for p in profiles)
    assert all(p.crisis.cue in said for p in profiles if p.crisis is not None)
    lines = skill_texts(skills)
    assert lines and len(lines) == len(set(lines))


def test_after_warming_a_run_embeds_nothing_it_was_not_told_of_in_profile_lines() -> None:
    profiles = load_profile_set(REPO / "profiles" / "verify")[:2]
    skills = load_skills(REPO / "skills")
    encoder = shared_encoder()
    warm_up(skills, profiles, SimOptions())
    known = len(encoder)
    warm_up(skills, profiles, SimOptions())
    assert len(encoder) == known  # a second warm-up embeds nothing new
    for text in profile_texts(profiles):
        before = len(encoder)
        encoder.embed([text])
        assert len(encoder) == before, text


COLD = """
import json, sys
import esc_cli.sim.runner as runner
from esc_cli.bank.load import load_skills
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profiles_io import load_profile_set
from pathlib import Path
if sys.argv[1] == "cold":
    runner.warm_up = lambda *args: None
repo = Path(sys.argv[2])
profiles = load_profile_set(repo / "profiles" / "verify")[:3]
dialogues = runner.simulate_sync(load_skills(repo / "skills"), profiles, 1, SimOptions())
print(json.dumps([d.model_dump(mode="json")["turns"] for d in dialogues]))
"""


def test_warming_changes_no_dialogue() -> None:
    # Each run in a fresh process, so the cold one meets every text for the first time mid-dialogue.
    runs = [
        subprocess.run(
            [sys.executable, "-c", COLD, mode, str(REPO)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        ).stdout
        for mode in ("warm", "cold")
    ]
    assert runs[0] == runs[1] and json.loads(runs[0])
