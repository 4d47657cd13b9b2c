"""`esc skill verify`: the CI gate for skill changes (attached to the `skill` group)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.progress import TaskID

from esc_cli.bank.lookup import skills_folder
from esc_cli.cli.batch_option import batch_line, batch_option, journal_in, start_batch
from esc_cli.cli.common import State, get_bank, max_seeds_option, seed_cap, seeds_option
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.output import call_status, print_usage, progress_bar
from esc_cli.cli.skill import skill
from esc_cli.errors import EscError
from esc_cli.fileio import atomic_write_text
from esc_cli.gitops import WORKTREE
from esc_cli.secrets import scrub
from esc_cli.sim.options import SimOptions
from esc_cli.verify.coverage import DEFAULT_MIN_COVERAGE
from esc_cli.verify.gate import DEFAULT_MARGIN, DEFAULT_SEEDS, VerifyRequest, clear_side, verify
from esc_cli.verify.outcome import VerifyOutcome
from esc_cli.verify.reports import clear_reports, render_json, render_junit, render_markdown
from esc_cli.verify.seeds import DEFAULT_MAX_SEEDS, seeds_text


def _write_reports(outcome: VerifyOutcome, out: Path, html: bool) -> list[Path]:
    written = {
        out / "verify.md": render_markdown(outcome),
        out / "verify.json": render_json(outcome),
        out / "verify.xml": render_junit(outcome),
    }
    if html and outcome.pairs:
        from esc_cli.report.render import render_compare
        from esc_cli.sim.runstore import load_run
        from esc_cli.verify.reports import gate_context

        written[out / "verify.html"] = render_compare(
            load_run(out / "base"), load_run(out / "head"), gate=gate_context(outcome)
        )
    for path, text in written.items():
        atomic_write_text(path, text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(scrub(written[out / "verify.md"]))
    return list(written)


def _clear_out(out: Path) -> Path:
    clear_reports(out)
    for side in ("base", "head"):
        clear_side(out / side)
    return out


def _fresh_out(ctx: click.Context, out: Path) -> Path:
    """Clear the report folder before anything else can fail, so no earlier or planted verdict
    survives a verify that stops with an error (a broken pyproject.toml, an unknown ref)."""
    if ctx.get_parameter_source("out") != click.core.ParameterSource.DEFAULT:
        return _clear_out(out)
    # The default belongs to the bank, like runs/ and the cache: not to the folder you stand in.
    try:
        root = get_bank(ctx).root
    except EscError:
        guess = _nearest_project(ctx.ensure_object(State).bank_path or Path.cwd())
        if guess is not None:
            _clear_out(Path(os.path.relpath(guess / out)))
        raise
    return _clear_out(Path(os.path.relpath(root / out)))


def _nearest_project(start: Path) -> Path | None:
    """The folder a broken bank would have had: the nearest one with a pyproject.toml."""
    here = start.resolve()
    return next((f for f in (here, *here.parents) if (f / "pyproject.toml").is_file()), None)


@skill.command("verify")
@click.option("--base", default="HEAD", show_default=True, help="Git ref of the bank before the change.")
@click.option(
    "--head",
    default=WORKTREE,
    show_default=True,
    help="Git ref of the bank after the change, or 'worktree' for the files as they are.",
)
@click.option(
    "--profiles", default="", help="Gating profile set, relative to the bank. Default: profiles/verify."
)
@seeds_option(DEFAULT_SEEDS)
@max_seeds_option(
    DEFAULT_MAX_SEEDS,
    "Adaptive seeds: while a score criterion's interval straddles its threshold, verify doubles "
    "the seeds up to this many (on a model path it prints the cost of each step first). Set it to "
    "--seeds to turn adaptivity off.",
)
@click.option(
    "--min-coverage",
    type=click.IntRange(0, 100000),
    default=DEFAULT_MIN_COVERAGE,
    show_default=True,
    help="Turns each changed skill must be exercised on (spoken by the offline agent, routed to a "
    "model agent); fewer fails criterion 'coverage'.",
)
@click.option(
    "--allow-unmeasured",
    is_flag=True,
    help="Turn the 'coverage' and 'unmeasured' failures into warnings at the top of the report.",
)
@click.option(
    "--margin",
    type=click.FloatRange(0, 100),
    default=DEFAULT_MARGIN,
    show_default=True,
    help="Largest tolerated drop in the lower CI bound, in SAGE points.",
)
@click.option(
    "--level",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="Bootstrap confidence level.",
)
@click.option("--require-improvement", is_flag=True, help="Also require the lower bound above zero.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".esc/verify"),
    show_default=True,
    help="Folder for the reports and the base/head runs; its earlier reports are removed first.",
)
@click.option(
    "--html", is_flag=True, help="Also write verify.html: paired changes and trajectories side by side."
)
@click.option("--note", default="", help="A line to add to the report (CI uses it to name the engine).")
@click.option(
    "--skills",
    "skills_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The head's skills from this folder (e.g. a discovered bank) instead of --head's skills folder.",
)
@batch_option
@llm_options("agent", "seeker")
@click.pass_context
def verify_command(
    ctx: click.Context,
    base: str,
    head: str,
    profiles: str,
    seeds: int,
    max_seeds: int,
    min_coverage: int,
    allow_unmeasured: bool,
    margin: float,
    level: float,
    require_improvement: bool,
    out: Path,
    html: bool,
    note: str,
    skills_dir: Path | None,
    batch: bool,
    llm: LLMChoices,
) -> None:
    """Verify that a change to the bank does no harm: the merge gate for CI.

    Materialises BASE and HEAD without touching your checkout, lints HEAD, requires a version bump on
    every changed skill, then runs both banks on the same verify profiles and seeds (paired). It passes
    when the lower end of the bootstrap interval on the paired score change is above -MARGIN, no
    personality type shows a drop beyond the noise (Bonferroni over the types and the looks), no
    safety violation is new, every changed skill was exercised on --min-coverage turns and none was
    taken out of every profile's reach (criterion 'reach'), the change touches a part the
    agent reads (with the offline agent, Guidance, Pitfalls, risks, titles and descriptions are
    unmeasured), no changed guidance step or example reply reads as harmful (criterion 'text'), and
    no changed skill is newly routed to seeker states two helping stages before its own stage (an
    action skill for opening or venting seekers; criterion 'routing').
    While a score interval straddles its threshold, seeds double up to --max-seeds; each interval is
    corrected for the looks this may take.
    Reports go to OUT: verify.md (a pull-request comment, also appended to $GITHUB_STEP_SUMMARY),
    verify.json, verify.xml (JUnit) and with --html verify.html.

    \b
    Exit codes: 0 pass (or nothing changed), 1 regression or failed criterion, 2 error or bad input.
    \b
    Examples:
      esc skill verify                                  # your uncommitted edits against HEAD
      esc skill verify --base origin/main --head HEAD   # what CI runs on a pull request
      esc skill verify --allow-unmeasured               # a Guidance-only edit, for a reviewer to read
      esc skill verify --seeds 3 --max-seeds 3          # no adaptive seeds
    """
    out = _fresh_out(ctx, out)
    bank = get_bank(ctx)
    clients = llm.clients(bank, ["agent", "seeker"])
    batching = start_batch(bank, clients, journal_in(out)) if batch else None
    options = SimOptions(agent_client=clients.get("agent"), seeker_client=clients.get("seeker"))
    request = VerifyRequest(
        base=base,
        head=head,
        profiles=profiles,
        seeds=seeds,
        max_seeds=seed_cap(click.get_current_context(), seeds, max_seeds),
        min_coverage=min_coverage,
        allow_unmeasured=allow_unmeasured,
        margin=margin,
        level=level,
        require_improvement=require_improvement,
        note=note,
        out=out,
        options=options,
        notice=lambda line: click.echo(line, err=True),
        head_skills=skills_folder(skills_dir) if skills_dir is not None else None,
    )

    with progress_bar("verifying", status=call_status(clients.values())) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(side: str, done: int, total: int) -> None:
            if side not in tasks:
                tasks[side] = bar.add_task(side, total=total)
            bar.update(tasks[side], completed=done, total=total)

        outcome = verify(bank, request, progress)
    print_usage([c for c in (options.agent_client, options.seeker_client) if c is not None])
    if batching is not None:
        click.echo(batch_line(batching))
    paths = _write_reports(outcome, out, html)
    if not outcome.changed_files:
        click.echo(f"nothing changed under skills/, profiles/, prompts/ or pyproject.toml since {base}: pass")
    else:
        # Plain lines, not a table: CI logs are read in narrow panes and must not wrap mid-message.
        for criterion in outcome.criteria:
            status = "WARN" if criterion.warning else "pass" if criterion.passed else "FAIL"
            click.echo(f"{status}  {criterion.name}: {criterion.detail}")
        click.echo(f"verdict: {outcome.verdict} ({seeds_text(outcome.seeds)})")
    click.echo("reports: " + ", ".join(str(p) for p in paths))
    ctx.exit(outcome.exit_code)
