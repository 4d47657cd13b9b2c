"""A simulation written to a run folder (DESIGN §5), with `--resume`.

    run.json          the configuration, written first (atomically)
    dialogues.jsonl   one dialogue a line, appended with a flush in (profile, seed) order
    summary.json      written last (atomically): its presence marks the run complete

A dialogue that could not finish (a model call failed for good) is written as a failed record with
its error, the others finish, and the run ends without summary.json: incomplete, and
`run_to_folder` raises IncompleteRun saying how to finish it. `--resume` keeps the finished
dialogues (dropping a line torn by a crash, and the failed records), runs the rest, and rewrites
the file in (profile, seed) order at the end, so a resumed run holds the same bytes as a run
without interruption. Resuming under a different configuration is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from esc_cli import __version__
from esc_cli.bank.load import bank_hash, skill_hash
from esc_cli.bank.model import Skill
from esc_cli.errors import IncompleteRun, InputError
from esc_cli.fileio import atomic_write_text, ensure_dir
from esc_cli.llm.prompts import prompt_hash
from esc_cli.sim.engines import Labeller, default_labeller
from esc_cli.sim.options import OFFLINE, SimOptions, check_languages
from esc_cli.sim.outcome import default_table
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import profile_set_hash
from esc_cli.sim.records import Dialogue, RoleConfig, RunConfig, Summary
from esc_cli.sim.runner import Progress, incomplete, jobs, seed_indices, simulate
from esc_cli.sim.runstore import (
    DIALOGUES_FILE,
    RUN_FILE,
    SUMMARY_FILE,
    append_dialogue,
    dialogue_line,
    read_config,
    read_dialogues,
    write_json,
)
from esc_cli.sim.summary import summarise

PROMPTS_BY_ROLE = {"agent": ("agent",), "seeker": ("seeker_analyze", "seeker_reply")}
# Fields that may differ between the first attempt of a run and its resumption.
_RESUMABLE_DIFFERENCES = {"run_id", "created"}


def labeller_id(labeller: Labeller | None) -> str:
    """name@version of a labeller, from its attributes when it has them."""
    if labeller is None:
        return ""
    name = str(getattr(labeller, "name", type(labeller).__name__))
    version = getattr(labeller, "version", "")
    return f"{name}@{version}" if version and "@" not in name else name


def run_config(
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int | Sequence[int],
    options: SimOptions,
    *,
    profile_set: str,
    ius: str = "",
    labeller: Labeller | None = None,
) -> RunConfig:
    """The run.json of a simulation, with a run id of its UTC time and a short hash of its content."""
    roles = {
        role: RoleConfig(backend=options.engine_of(role), model=options.model_of(role))
        for role in ("agent", "seeker")
    }
    prompts: dict[str, str] = {}
    for role, names in PROMPTS_BY_ROLE.items():
        if roles[role].backend != OFFLINE and options.prompts_dir is not None:
            prompts.update({name: prompt_hash(options.prompts_dir, name) for name in names})
    offline_seeker = roles["seeker"].backend == OFFLINE
    table = (options.outcome_table or default_table()).digest() if offline_seeker else ""
    now = datetime.now(UTC)
    config = RunConfig(
        run_id="",
        created=now.isoformat(timespec="seconds"),
        esc_version=__version__,
        bank_hash="" if options.no_skills else bank_hash(skills),
        skill_hashes={}
        if options.no_skills
        else {s.id: skill_hash(s) for s in sorted(skills, key=lambda s: s.id)},
        profile_set=profile_set,
        profile_set_hash=profile_set_hash(profiles),
        profiles=[p.id for p in profiles],
        seeds=seed_indices(seeds),
        max_turns=options.max_turns,
        no_skills=options.no_skills,
        safety_net=options.safety_net,
        roles=roles,
        prompt_hashes=prompts,
        ius=ius,
        outcome_table=table,
        # The labeller that will run: the given one, the options', or the default (as build_engines does).
        labeller=labeller_id(labeller or options.labeller or default_labeller()),
    )
    content = json.dumps(_comparable(config), sort_keys=True).encode("utf-8")
    short = hashlib.sha256(content).hexdigest()[:8]
    return config.model_copy(update={"run_id": f"{now:%Y%m%d-%H%M%S}-{short}"})


def _comparable(config: RunConfig) -> dict[str, object]:
    data = config.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in _RESUMABLE_DIFFERENCES}


def _check_same_run(path: Path, old: RunConfig, new: RunConfig) -> None:
    before, now = _comparable(old), _comparable(new)
    changed = sorted(k for k in now if before.get(k) != now[k])
    if changed:
        raise InputError(
            path,
            f"this run was made with other settings: {', '.join(changed)} differ",
            fix="resume with the same bank, profiles and options, or choose another --out",
        )


def _prepare(out: Path, config: RunConfig, resume: bool) -> tuple[RunConfig, list[Dialogue]]:
    """Create or reopen the folder. Returns the config to keep and the dialogues already finished."""
    occupied = out.is_dir() and any(out.iterdir())
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file, not a run folder", fix="choose another --out")
    if occupied and not resume:
        raise InputError(
            out, "already holds files", fix="pass --resume to finish that run, or choose another --out"
        )
    if occupied and not (out / RUN_FILE).exists():
        raise InputError(out / RUN_FILE, "missing: this folder is not a run", fix="choose another --out")
    if not occupied:
        ensure_dir(out, what="run folder")
        write_json(out / RUN_FILE, config)
        return config, []
    old = read_config(out / RUN_FILE)
    _check_same_run(out / RUN_FILE, old, config)
    done = [d for d in read_dialogues(out / DIALOGUES_FILE, tolerate_partial_last_line=True) if not d.failed]
    # Rewrite what survives (failed dialogues run again) so a torn last line never sits in front of
    # the lines appended next.
    atomic_write_text(out / DIALOGUES_FILE, "".join(dialogue_line(d) for d in done))
    return old, done


async def run_to_folder(
    out: Path,
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int | Sequence[int],
    options: SimOptions,
    config: RunConfig,
    *,
    resume: bool = False,
    progress: Progress | None = None,
    resume_hint: str = "",
) -> tuple[RunConfig, list[Dialogue], Summary]:
    """Simulate into `out`, skipping finished dialogues when resuming. Returns config, dialogues, summary.

    Raises IncompleteRun, after writing every dialogue, when some failed; its message ends with
    `resume_hint` (default: the `esc sim run --resume` command for this folder).
    """
    check_languages(profiles, options)  # before the folder is made
    config, done = _prepare(out, config, resume)
    (out / SUMMARY_FILE).unlink(missing_ok=True)
    finished = {d.key for d in done}
    handle = (out / DIALOGUES_FILE).open("a", encoding="utf-8", newline="\n")
    try:
        new = await simulate(
            skills,
            profiles,
            seeds,
            options,
            progress=progress,
            on_dialogue=lambda d: append_dialogue(handle, d),
            skip=finished,
            keep_failures=True,
        )
    finally:
        # Every line is flushed as it is written, so only a write that already failed (and said so,
        # see append_dialogue) can leave bytes here; closing must not raise over that error.
        with contextlib.suppress(OSError):
            handle.close()
    order = {(p.id, s): n for n, (p, s) in enumerate(jobs(profiles, seeds))}
    dialogues = sorted([*done, *new], key=lambda d: order.get((d.profile, d.seed), len(order)))
    if done:  # a resumed run: put the dialogues back in run order, as an uninterrupted run has them
        atomic_write_text(out / DIALOGUES_FILE, "".join(dialogue_line(d) for d in dialogues))
    hint = resume_hint or (
        f"fix the cause, then finish the run with `esc sim run --resume --out {out}` and the same options"
    )
    problem: IncompleteRun | None = incomplete(dialogues, then=hint)
    if problem is not None:
        raise problem
    summary = summarise(dialogues)
    write_json(out / SUMMARY_FILE, summary)
    return config, dialogues, summary
