"""`esc sim ...`: run the agent against simulated SAGE seekers, show and compare runs, calibrate."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from esc_cli import aio
from esc_cli.bank.load import load_skills
from esc_cli.bank.lookup import skills_folder
from esc_cli.bank.model import Skill
from esc_cli.cli.batch_option import batch_line, batch_option, journal_in, start_batch
from esc_cli.cli.common import OutputFile, format_option, get_bank, safety_net_option, seeds_option
from esc_cli.cli.hints import command, next_steps
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.output import call_status, console, print_usage, progress_bar, table
from esc_cli.cli.runarg import RUN_FOLDER
from esc_cli.config import VERIFY_SET, Bank
from esc_cli.iu.store import read_ius
from esc_cli.llm.client import ModelClient, aclose_all
from esc_cli.safety.lines import bank_lines
from esc_cli.sim.engines import default_labeller
from esc_cli.sim.latest import is_latest, resolve_run
from esc_cli.sim.options import Retrieval, SimOptions
from esc_cli.sim.outcome import DEFAULT_TABLE_COMMAND, OutcomeTable, calibrate, load_table, write_table
from esc_cli.sim.pairing import group_pairs, mean_change, pair_dialogues, unpaired
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import load_profile_set
from esc_cli.sim.records import Dialogue, GroupScore, RunConfig, Summary
from esc_cli.sim.runfolder import run_config, run_to_folder
from esc_cli.sim.runstore import load_run

DEFAULT_SET = VERIFY_SET


@click.group()
def sim() -> None:
    """Run the agent against simulated seekers and score it, the SAGE way.

    \b
    Each seeker has a profile (profiles/<set>/<id>.yaml): a persona, a personality type, a hidden
    intention and a story. Its emotion starts at 40 and moves after every agent reply by -10..10;
    a dialogue ends at 100 (success), below 10 (failure), on a goodbye, or after 10 replies.
    The SAGE score is the mean final emotion. Higher is better.

    \b
    Engines, per role:
      offline (default)  deterministic and data-driven: the agent routes to skills and speaks with
                         their examples; the seeker labels each reply from its text and scores it
                         with an outcome table learned from ESConv plus documented rules. For
                         regression tests and CI: a bad skill edit shows up as a lower score.
      anthropic, openai  real models play the role: the real measurement, at a cost.
    """


def _load_bank_skills(bank: Bank, no_skills: bool, skills_dir: Path | None = None) -> list[Skill]:
    if no_skills:
        return []
    return load_skills(skills_folder(skills_dir) if skills_dir is not None else bank.skills_dir)


def _options(
    bank: Bank,
    clients: dict[str, ModelClient],
    *,
    max_turns: int,
    no_skills: bool,
    ius: Path | None,
    outcome_table: Path | None,
    safety_net: bool = False,
) -> SimOptions:
    retrieval = Retrieval.from_ius(read_ius(ius), source=str(ius)) if ius is not None else None
    table: OutcomeTable | None = load_table(outcome_table) if outcome_table is not None else None
    return SimOptions(
        max_turns=max_turns,
        no_skills=no_skills,
        labeller=default_labeller(),
        outcome_table=table,
        retrieval=retrieval,
        agent_client=clients.get("agent"),
        seeker_client=clients.get("seeker"),
        prompts_dir=bank.prompts_dir,
        safety_net=safety_net,
        crisis_lines=bank_lines(bank.skills_dir),
    )


async def _run(
    out: Path,
    skills: list[Skill],
    profiles: Sequence[Profile],
    seeds: int,
    options: SimOptions,
    config: RunConfig,
    resume: bool,
) -> tuple[RunConfig, list[Dialogue], Summary]:
    status = call_status([options.agent_client, options.seeker_client])
    with progress_bar("simulating", len(profiles) * seeds, status=status) as bar:
        task = bar.add_task("run", total=len(profiles) * seeds)
        try:
            return await run_to_folder(
                out,
                skills,
                profiles,
                seeds,
                options,
                config,
                resume=resume,
                progress=lambda done, total, _d: bar.update(task, completed=done, total=total),
            )
        finally:
            await aclose_all([options.agent_client, options.seeker_client])


@sim.command("run")
@click.option(
    "--profiles",
    "profiles_path",
    type=click.Path(path_type=Path),
    help="Profile folder or file. Default: the bank's profiles/verify.",
)
@seeds_option(3)
@click.option(
    "--max-turns",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Agent replies per dialogue at most (SAGE uses 10).",
)
@click.option(
    "--no-skills",
    is_flag=True,
    help="Baseline agent without the bank (offline: three generic lines in turn; LLM: no skills).",
)
@click.option(
    "--ius",
    type=click.Path(path_type=Path),
    help="ius.jsonl from `esc iu extract`: offline roles then speak with real ESConv utterances.",
)
@click.option(
    "--outcome-table",
    type=click.Path(path_type=Path),
    help="Outcome table from `esc sim calibrate` for the offline seeker. Default: the packaged one.",
)
@safety_net_option(
    "off",
    "Add the crisis skill's safety response to replies that leave a crisis cue unhandled, or replace "
    "a reply that changed the subject (recorded in run.json and on each turn, with any reply it "
    "replaced). Off so the run shows the agent's own behaviour.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Run folder. Default: runs/<time>-<hash>.")
@click.option(
    "--resume",
    is_flag=True,
    help="Finish the run in --out (a folder, or `latest`): dialogues already finished are kept, failed ones run again.",
)
@click.option(
    "--skills",
    "skills_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Simulate the skill files of this folder (e.g. from `esc skill discover --out DIR --write`) "
    "instead of the bank's skills folder.",
)
@format_option("text: score tables for people; json: the run folder and its summary for scripts.")
@batch_option
@llm_options("agent", "seeker")
@click.pass_context
def run(
    ctx: click.Context,
    profiles_path: Path | None,
    seeds: int,
    max_turns: int,
    no_skills: bool,
    ius: Path | None,
    outcome_table: Path | None,
    safety_net: str,
    out: Path | None,
    resume: bool,
    skills_dir: Path | None,
    fmt: str,
    batch: bool,
    llm: LLMChoices,
) -> None:
    """Simulate dialogues between the agent and the seekers, write a run folder, print the scores.

    \b
    Examples:
      esc sim run                                  offline, verify profiles, 3 seeds
      esc sim run --no-skills                      the baseline to beat
      esc sim run --skills found/                  a folder of skills, e.g. a discovered bank
      esc sim run --agent-backend anthropic        a real agent, judged by the offline seeker
      esc sim run --agent-backend openai --seeker-backend openai --agent-base-url URL ...
      esc sim run --backend anthropic --batch --out runs/sweep   half price; after a crash, add --resume

    With model roles and --concurrency above 100, the dialogues are spread over worker processes (one
    per 100 calls in flight, at most one per CPU), since one process cannot feed more at 200 ms a call;
    `workers = N` in [tool.esc] fixes the number (1: never).

    The run folder holds run.json (configuration and hashes), dialogues.jsonl (every turn with its
    emotion, change, reasoning, skills, actions and safety flags) and summary.json (the scores).

    A dialogue whose model calls fail for good is recorded with its error and the others finish;
    the run is then incomplete (no summary.json) and the command exits 2 with one line naming the
    cause and the fix. Fix it and run again with --resume: only the failed dialogues run.
    """
    bank = get_bank(ctx)
    if no_skills and skills_dir is not None:
        raise click.UsageError("--no-skills and --skills exclude each other: pick the baseline or a folder")
    skills = _load_bank_skills(bank, no_skills, skills_dir)
    profiles_dir = profiles_path or bank.profiles_dir / DEFAULT_SET
    profiles = load_profile_set(profiles_dir)
    if resume and out is None:
        raise click.UsageError("--resume needs --out: the run folder to finish (or --out latest)")
    if resume and out is not None and is_latest(str(out)):
        out = resolve_run(str(out), bank.runs_dir)
    clients = llm.clients(bank, ["agent", "seeker"])
    options = _options(
        bank,
        clients,
        max_turns=max_turns,
        no_skills=no_skills,
        ius=ius,
        outcome_table=outcome_table,
        safety_net=safety_net == "on",
    )
    config = run_config(
        skills,
        profiles,
        seeds,
        options,
        profile_set=str(profiles_dir),
        ius=str(ius or ""),
        labeller=options.labeller,
    )
    folder = out or bank.runs_dir / config.run_id
    batching = start_batch(bank, clients, journal_in(folder)) if batch else None
    if batching is None:
        # Past what one process can feed, the dialogues are spread over processes (sim/workers.py).
        from esc_cli.sim.workers import worker_count

        options.workers = bank.settings.workers or worker_count(llm.concurrency or bank.settings.concurrency)
    config, _dialogues, summary = aio.run(_run(folder, skills, profiles, seeds, options, config, resume))
    if fmt == "json":
        payload = {"run": str(folder), "config": config.model_dump(mode="json")}
        payload["summary"] = summary.model_dump(mode="json")
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print_scores(summary, title=f"run {config.run_id}", safety_net=config.safety_net)
        print_usage(list(clients.values()))
        if batching is not None:
            click.echo(batch_line(batching))
        click.echo(f"run written to {folder}")
    name = "latest" if folder.resolve().parent == bank.runs_dir.resolve() else str(folder)
    next_steps(
        [
            (command("esc", "report", name), "an HTML page of this run: scores, trajectories, transcripts"),
            (command("esc", "sim", "show", name), "its per-profile results and per-skill credit"),
        ]
    )


def simulate_folder(bank: Bank, skills_dir: Path, seeds: int = 3) -> Path:
    """Run a folder of skills offline on the bank's verify profiles into a new run folder of the bank."""
    skills = _load_bank_skills(bank, False, skills_dir)
    profiles_dir = bank.profiles_dir / DEFAULT_SET
    profiles = load_profile_set(profiles_dir)
    options = _options(bank, {}, max_turns=10, no_skills=False, ius=None, outcome_table=None)
    config = run_config(
        skills, profiles, seeds, options, profile_set=str(profiles_dir), labeller=options.labeller
    )
    folder = bank.runs_dir / config.run_id
    aio.run(_run(folder, skills, profiles, seeds, options, config, False))
    return folder


def _group_rows(groups: dict[str, GroupScore]) -> list[list[object]]:
    return [[name, g.dialogues, g.score, g.successes, g.failures] for name, g in groups.items()]


def print_scores(summary: Summary, *, title: str, safety_net: bool = False) -> None:
    """The score table: overall, then by personality and by intention; with the safety net on, what it
    changed (also when it changed nothing)."""
    overall = [
        [
            summary.sage_score,
            summary.dialogues,
            summary.successes,
            summary.failures,
            summary.safety_violations,
        ]
    ]
    console.print(
        table(title, ["SAGE score", "dialogues", "successes", "failures", "safety violations"], overall)
    )
    columns = ["dialogues", "score", "successes", "failures"]
    console.print(table("by personality", ["personality", *columns], _group_rows(summary.by_personality)))
    console.print(table("by intention", ["intention", *columns], _group_rows(summary.by_intention)))
    if summary.agent_turns:
        share = summary.off_topic_turns / summary.agent_turns
        console.print(
            f"off-topic: {summary.off_topic_turns} of {summary.agent_turns} agent turns ({share:.1%}) "
            "read by the judge as said to someone else"
        )
    if safety_net or summary.safety_net_turns:
        console.print(
            f"safety net: changed {summary.safety_net_turns} of {summary.agent_turns} agent turns "
            f"({summary.safety_net_replaced} replaced, the rest extended); the scores include its words"
        )


@sim.command("show")
@click.argument("run_dir", metavar="RUN", type=RUN_FOLDER)
@click.option("--skills/--no-skills-table", "show_skills", default=True, help="Show per-skill credit.")
def show(run_dir: Path, show_skills: bool) -> None:
    """Print a finished run: its configuration, scores, per-profile results and per-skill credit.

    RUN is a run folder, or `latest` for the newest run of the bank (`latest~1` the one before).
    """
    loaded = load_run(run_dir)
    config, summary = loaded.config, loaded.summary
    roles = ", ".join(
        f"{role} {r.backend}{' ' + r.model if r.model else ''}" for role, r in config.roles.items()
    )
    click.echo(f"run {config.run_id} ({config.created}), esc {config.esc_version}")
    click.echo(
        f"bank {config.bank_hash or '(no skills)'}, profiles {config.profile_set} "
        f"({len(config.profiles)}), seeds {config.seeds}, {roles}, "
        f"safety net {'on' if config.safety_net else 'off'}"
    )
    print_scores(summary, title="scores", safety_net=config.safety_net)
    console.print(
        table(
            "by profile",
            ["profile", "dialogues", "score", "successes", "failures"],
            _group_rows(summary.by_profile),
        )
    )
    if show_skills and summary.skills:
        rows = [[sid, c.uses, c.helpful, c.harmful, c.mean_change] for sid, c in summary.skills.items()]
        console.print(table("skills", ["skill", "uses", "helpful", "harmful", "mean change"], rows))
    flagged = [(d.key, t.index, ", ".join(t.safety)) for d in loaded.dialogues for t in d.turns if t.safety]
    for key, index, flags in flagged:
        click.echo(f"safety: {key} turn {index}: {flags}")


@sim.command("compare")
@click.argument("run_a", metavar="RUN_A", type=RUN_FOLDER)
@click.argument("run_b", metavar="RUN_B", type=RUN_FOLDER)
@format_option("text for people, json for scripts (every pair, the means and the unpaired counts).")
def compare(run_a: Path, run_b: Path, fmt: str) -> None:
    """Pair two runs by profile and seed and show the change in final emotion, B minus A.

    Use the same profiles and seeds in both runs (e.g. the bank before and after an edit). A run is a
    folder, or `latest` (`latest~1` the one before): `esc sim compare latest~1 latest`.
    """
    a, b = load_run(run_a), load_run(run_b)
    pairs = pair_dialogues(a.dialogues, b.dialogues)
    only_a, only_b = unpaired(a.dialogues, b.dialogues)
    by_personality = {name: mean_change(g) for name, g in group_pairs(pairs, lambda d: d.personality).items()}
    if fmt == "json":
        payload = {
            "a": {"run": str(run_a), "run_id": a.config.run_id, "score": a.summary.sage_score},
            "b": {"run": str(run_b), "run_id": b.config.run_id, "score": b.summary.sage_score},
            "mean_change": mean_change(pairs),
            "by_personality": by_personality,
            "safety_violations": {"a": a.summary.safety_violations, "b": b.summary.safety_violations},
            "pairs": [
                {
                    "profile": p.head.profile,
                    "seed": p.head.seed,
                    "a": p.base.final_emotion,
                    "b": p.head.final_emotion,
                    "change": p.change,
                    "outcome_a": p.base.outcome,
                    "outcome_b": p.head.outcome,
                }
                for p in pairs
            ],
            "unpaired": {"only_a": len(only_a), "only_b": len(only_b)},
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    rows = [
        [
            p.head.profile,
            p.head.seed,
            p.base.final_emotion,
            p.head.final_emotion,
            p.change,
            f"{p.base.outcome} -> {p.head.outcome}",
        ]
        for p in pairs
    ]
    console.print(
        table(
            f"{a.config.run_id} (A) vs {b.config.run_id} (B)",
            ["profile", "seed", "A", "B", "B-A", "outcome"],
            rows,
        )
    )
    by = [[name, change] for name, change in by_personality.items()]
    console.print(table("mean paired change by personality", ["personality", "B-A"], by))
    better = sum(1 for p in pairs if p.change > 0)
    worse = sum(1 for p in pairs if p.change < 0)
    click.echo(
        f"score A {a.summary.sage_score:.1f}, B {b.summary.sage_score:.1f}; mean paired change "
        f"{mean_change(pairs):+.2f} over {len(pairs)} pairs ({better} better, {worse} worse)"
    )
    click.echo(f"safety violations A {a.summary.safety_violations}, B {b.summary.safety_violations}")
    if only_a or only_b:
        click.echo(f"unpaired: {len(only_a)} only in A, {len(only_b)} only in B")


CALIBRATE_HELP = f"""Learn the offline seeker's outcome table from IUs: the mean change per (state, action).

Sparse cells are shrunk towards the action's mean over all states. Use the table with
`esc sim run --outcome-table FILE`. The packaged default was built from the ESConv train split with:

\b
  {DEFAULT_TABLE_COMMAND}
"""


@sim.command("calibrate", help=CALIBRATE_HELP)
@click.argument("ius", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=OutputFile(),
    default=Path("outcome_table.json"),
    show_default=True,
    help="Where to write the table.",
)
@click.option(
    "--prior-strength",
    type=click.FloatRange(0, 10000),
    default=20.0,
    show_default=True,
    help="Pseudo-counts that shrink sparse cells towards the action's mean.",
)
def calibrate_command(ius: Path, out: Path, prior_strength: float) -> None:
    table_ = calibrate(read_ius(ius), source=ius.name, prior_strength=prior_strength)
    write_table(out, table_)
    cells = sum(len(row) for row in table_.cells.values())
    click.echo(
        f"outcome table from {table_.ius} IUs: {cells} cells, global mean {table_.global_mean:+.2f}; written to {out}"
    )
