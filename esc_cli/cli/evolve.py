"""`esc evolve`: propose skill edits from simulated traces, check them, commit them on a branch.

`esc evolve analyze RUN` prints the findings of one run without proposing anything.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from esc_cli.bank.load import bank_hash, load_skills
from esc_cli.bank.lookup import skills_folder
from esc_cli.cli.batch_option import batch_line, batch_option, start_batch
from esc_cli.cli.common import format_option, get_bank, max_seeds_option, seed_cap, seeds_option
from esc_cli.cli.hints import command, next_steps
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.output import console, table
from esc_cli.cli.runarg import RUN_FOLDER
from esc_cli.config import Bank
from esc_cli.evolve.analysis import Analyst, offline_analyst
from esc_cli.evolve.findings import Finding
from esc_cli.evolve.loop import Proposer
from esc_cli.evolve.pipeline import EvolveOutcome, EvolveRequest, Roles
from esc_cli.evolve.pipeline import evolve as run_evolution
from esc_cli.evolve.proposer import OfflineProposer
from esc_cli.evolve.settings import (
    DEFAULT_MAX_PROPOSALS,
    DEFAULT_MAX_SEEDS,
    DEFAULT_ROUNDS,
    DEFAULT_SEEDS,
    AcceptanceRule,
    AnalysisSettings,
    EvolveSettings,
)
from esc_cli.evolve.sources import bank_relative, default_train
from esc_cli.llm.batch import round_of
from esc_cli.llm.client import aclose_all
from esc_cli.sim.engines import default_labeller
from esc_cli.sim.options import SimOptions
from esc_cli.sim.runstore import load_run

# evolve's --out must be a new folder every time, so its batch journal lives with the bank's cache.
EVOLVE_JOURNAL = "evolve-batches.jsonl"


def _roles(bank: Bank, llm: LLMChoices, analysis: AnalysisSettings, batch: bool = False) -> Roles:
    """Offline parts unless a role's backend says otherwise; the analyst role drives both LLM parts."""
    clients = llm.clients(bank, ["agent", "seeker", "analyst"])
    if batch:
        start_batch(bank, clients, bank.cache_path.parent / EVOLVE_JOURNAL)
    labeller = default_labeller()
    analyst: Analyst = offline_analyst(analysis)
    proposer: Proposer = OfflineProposer(harmful=labeller.harmful)
    model = clients.get("analyst")
    if model is not None:
        from esc_cli.evolve.llm_analyst import LlmAnalyst
        from esc_cli.evolve.llm_proposer import LlmProposer

        analyst = LlmAnalyst(model, bank.prompts_dir, fallback=analyst)
        proposer = LlmProposer(model, bank.prompts_dir, fallback=proposer)
    options = SimOptions(
        labeller=labeller,
        agent_client=clients.get("agent"),
        seeker_client=clients.get("seeker"),
        prompts_dir=bank.prompts_dir,
    )
    return Roles(analyst=analyst, proposer=proposer, options=options, clients=list(clients.values()))


def _close(roles: Roles) -> None:
    if roles.clients:
        asyncio.run(aclose_all(roles.clients))


@click.group("evolve", invoke_without_command=True)
@click.option(
    "--rounds",
    type=click.IntRange(1, 50),
    default=DEFAULT_ROUNDS,
    show_default=True,
    help="Rounds of analyse, propose, check.",
)
@click.option(
    "--base", default="HEAD", show_default=True, help="Git ref to evolve from; the branch starts here."
)
@click.option(
    "--profiles",
    "profiles_path",
    type=click.Path(path_type=Path),
    help="Train profile folder inside the bank. Default: profiles/train. The verify folder is refused.",
)
@seeds_option(DEFAULT_SEEDS)
@max_seeds_option(
    DEFAULT_MAX_SEEDS,
    "A proposal with the gain but whose lower end is not above 0 is checked again on twice the "
    "seeds, up to this many, before it is dropped as noise. Equal to --seeds: never.",
)
@click.option(
    "--max-proposals",
    type=click.IntRange(1, 500),
    default=DEFAULT_MAX_PROPOSALS,
    show_default=True,
    help="Proposals checked per round at most.",
)
@click.option(
    "--min-gain",
    type=float,
    default=AcceptanceRule().min_gain,
    show_default=True,
    help="Smallest mean paired gain kept.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output folder. Default: runs/evolve-<time>-<base sha>."
)
@click.option("--branch", help="Branch name. Default: esc/evolve/<date>-<slug of the first edit>.")
@click.option("--push", "remote", metavar="REMOTE", help="Push the branch to this remote.")
@click.option("--dry-run", is_flag=True, help="Evolve and write the outputs, but create no branch.")
@click.option(
    "--skills",
    "skills_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Evolve the skill files of this folder (e.g. a discovered bank) instead of --base; no branch, "
    "the evolved files go to OUT/skills/.",
)
@batch_option
@llm_options("agent", "seeker", "analyst")
@click.pass_context
def evolve(
    ctx: click.Context,
    rounds: int,
    base: str,
    profiles_path: Path | None,
    seeds: int,
    max_seeds: int,
    max_proposals: int,
    min_gain: float,
    out: Path | None,
    branch: str | None,
    remote: str | None,
    dry_run: bool,
    skills_dir: Path | None,
    batch: bool,
    llm: LLMChoices,
) -> None:
    """Evolve the bank on the train profiles and commit what helps on a branch for review.

    \b
    Each round: simulate the bank on the train profiles; analyse the traces for missing skills,
    unsafe interventions and profile-specific failures; propose skill edits; check each edit in a
    paired simulation (same profiles, same seeds); keep it when the score rises beyond the noise
    (mean paired gain >= --min-gain and the lower end of the 95% paired bootstrap interval > 0)
    and no new safety flag appears. An edit with the gain but a lower end not above 0 is checked
    again on twice the seeds, up to --max-seeds, before it is dropped. Kept edits are committed one per commit on
    esc/evolve/<date>-<slug>, made from --base; your working tree, index and branch are untouched.
    Evolution never reads profiles/verify: those profiles gate the merge in `esc skill verify`.
    With --analyst-backend, a model also analyses the traces and proposes edits (prompts/
    evolve_analyze.j2, evolve_propose.j2); its proposals are checked by the same rule.

    \b
    Examples:
      esc evolve                        two offline rounds, branch from HEAD
      esc evolve --dry-run --rounds 1   see the proposals and the PR text, no branch
      esc evolve analyze runs/<run>     the findings of one run
      git diff main esc/evolve/...      review the edits, then merge them
    """
    if ctx.invoked_subcommand is not None:
        return
    bank = get_bank(ctx)
    relative = bank_relative(bank, profiles_path) if profiles_path is not None else default_train(bank)
    settings = EvolveSettings(
        rounds=rounds,
        seeds=seeds,
        max_seeds=seed_cap(click.get_current_context(), seeds, max_seeds),
        max_proposals=max_proposals,
        acceptance=AcceptanceRule(min_gain=min_gain),
    )
    request = EvolveRequest(
        profiles=relative,
        base=base,
        out=out,
        branch=branch,
        push=remote,
        dry_run=dry_run,
        settings=settings,
        skills=skills_folder(skills_dir) if skills_dir is not None else None,
    )
    roles = _roles(bank, llm, settings.analysis, batch)
    try:
        outcome = run_evolution(bank, request, roles, on_event=lambda line: click.echo(line, err=True))
    finally:
        _close(roles)
    _print_outcome(outcome, from_folder=skills_dir is not None)
    batching = round_of(roles.clients)
    if batching is not None:
        click.echo(batch_line(batching))
    _hint(outcome, base)


def _hint(outcome: EvolveOutcome, base: str) -> None:
    """What to run next: review and gate the new branch, or look at the outputs when there is none."""
    if outcome.branch:
        next_steps(
            [
                (command("git", "diff", f"{base}...{outcome.branch}"), "review the kept edits"),
                (
                    command("esc", "skill", "verify", "--base", base, "--head", outcome.branch),
                    "gate the branch on the verify profiles",
                ),
            ]
        )
    else:
        next_steps(
            [(command("esc", "report", str(outcome.out / "round-0")), "the first round's run as a page")]
        )


def _print_outcome(outcome: EvolveOutcome, *, from_folder: bool = False) -> None:
    rows = [
        [r.round, r.figures.score, r.figures.successes, r.figures.failures, r.figures.safety, len(r.accepted)]
        for r in outcome.evolution.rounds
    ]
    console.print(
        table(
            "rounds (train profiles)",
            ["round", "score", "successes", "failures", "safety flags", "accepted"],
            rows,
        )
    )
    for decision in outcome.evolution.accepted:
        click.echo(f"kept: {decision.proposal.id}: {decision.check.figures_line() if decision.check else ''}")
    click.echo(f"pull-request description: {outcome.description}")
    if outcome.branch:
        click.echo(f"branch: {outcome.branch} ({len(outcome.commits)} commit(s))")
        if outcome.pushed:
            click.echo(f"pushed to {outcome.pushed}")
    else:
        why = "dry run"
        if not outcome.evolution.accepted:
            why = "nothing accepted"
        elif from_folder:
            why = f"a skills folder: the evolved files are in {outcome.out / 'skills'}"
        click.echo(f"branch: none ({why})")


@evolve.command("analyze")
@click.argument("run_dir", metavar="RUN", type=RUN_FOLDER)
@click.option(
    "--min-support",
    type=click.IntRange(1, 1000),
    default=AnalysisSettings().min_support,
    show_default=True,
    help="Turns a pattern needs before it is reported.",
)
@format_option("text for people, json for scripts (one object per finding, with its evidence).")
@llm_options("analyst")
@click.pass_context
def analyze(ctx: click.Context, run_dir: Path, min_support: int, fmt: str, llm: LLMChoices) -> None:
    """Print the findings of a run: missing skills, unsafe interventions, profile-specific failures.

    The run is read with the bank as it is now; a note says so when the run used another bank.
    RUN is a run folder, or `latest` for the newest run of the bank.
    """
    bank = get_bank(ctx)
    run = load_run(run_dir)
    skills = load_skills(bank.skills_dir)
    analyst: Analyst = offline_analyst(AnalysisSettings(min_support=min_support))
    model = llm.clients(bank, ["analyst"]).get("analyst")
    if model is not None:
        from esc_cli.evolve.llm_analyst import LlmAnalyst

        analyst = LlmAnalyst(model, bank.prompts_dir, fallback=analyst)
    try:
        findings = analyst.analyse(run.dialogues, skills, run_dir.name)
    finally:
        if model is not None:
            asyncio.run(aclose_all([model]))
    if fmt == "json":
        click.echo(json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False, indent=2))
        return
    if run.config.bank_hash and run.config.bank_hash != bank_hash(skills):
        click.echo(
            f"note: {run_dir} was made with bank {run.config.bank_hash}; reading it with the current bank",
            err=True,
        )
    _print_findings(findings)


def _print_findings(findings: list[Finding]) -> None:
    if not findings:
        click.echo("no findings")
        return
    for finding in findings:
        click.echo(finding.headline())
        for item in finding.evidence:
            click.echo(
                f'    {item.ref()} (change {item.change:+d}): seeker "{item.seeker}" -> agent "{item.agent}"'
            )
    counts = {c: sum(1 for f in findings if f.category == c) for c in sorted({f.category for f in findings})}
    click.echo(f"{len(findings)} finding(s): " + ", ".join(f"{n} {c}" for c, n in counts.items()))
