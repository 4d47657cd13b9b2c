"""The files an evolution leaves in its output folder (all written atomically).

OUT/round-<n>/          the run of the bank as it stood after round n (round-0: the base), in the
                        run format of DESIGN §5, so `esc evolve analyze OUT/round-1` and
                        `esc report OUT/round-1` work on it
OUT/evolution.json      every round, finding, proposal, check and decision
OUT/skills/<id>.md      the evolved version of every skill that changed
OUT/pull-request.md     the pull-request description (prdesc.py)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from esc_cli.bank.model import Skill
from esc_cli.evolve.loop import Evolution
from esc_cli.fileio import atomic_write_text, ensure_dir
from esc_cli.sim.options import SimOptions
from esc_cli.sim.profile import Profile
from esc_cli.sim.records import Dialogue
from esc_cli.sim.runfolder import run_config
from esc_cli.sim.runstore import DIALOGUES_FILE, RUN_FILE, SUMMARY_FILE, dialogue_line, write_json
from esc_cli.sim.summary import summarise

EVOLUTION_FILE = "evolution.json"


def write_round_run(
    folder: Path,
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int,
    options: SimOptions,
    dialogues: Sequence[Dialogue],
    profile_set: str,
) -> None:
    """A finished run folder for dialogues the loop already simulated."""
    config = run_config(skills, profiles, seeds, options, profile_set=profile_set, labeller=options.labeller)
    ensure_dir(folder, what="round run folder")
    write_json(folder / RUN_FILE, config)
    atomic_write_text(folder / DIALOGUES_FILE, "".join(dialogue_line(d) for d in dialogues))
    write_json(folder / SUMMARY_FILE, summarise(dialogues))


def write_outputs(out: Path, evolution: Evolution, files: Mapping[str, str]) -> None:
    """evolution.json and the changed skill files."""
    ensure_dir(out)
    data = evolution.model_dump(mode="json")
    atomic_write_text(
        out / EVOLUTION_FILE, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    for name, text in sorted(files.items()):
        atomic_write_text(out / "skills" / name, text)
