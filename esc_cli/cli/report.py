"""`esc report RUN` and `esc report --compare RUN_A RUN_B`: write one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from esc_cli.bank.lookup import skills_folder
from esc_cli.cli.common import OutputFile, get_bank
from esc_cli.cli.runarg import RUN_FOLDER
from esc_cli.sim.runstore import load_run

RUN_REPORT = "report.html"
COMPARE_REPORT = "compare.html"


@click.command("report")
@click.argument("runs", nargs=-1, type=RUN_FOLDER, metavar="RUN [RUN_B]")
@click.option("--compare", is_flag=True, help="Compare two runs: RUN_A is the base, RUN_B the head.")
@click.option(
    "-o",
    "--output",
    type=OutputFile(dir_okay=False),
    help=f"Where to write the page. Default: RUN/{RUN_REPORT}, or RUN_B/{COMPARE_REPORT} with --compare.",
)
@click.option(
    "--skills",
    "skills_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Instead of RUN: simulate this folder of skills offline on the bank's verify profiles (3 seeds), "
    "then report that run.",
)
@click.pass_context
def report(
    ctx: click.Context, runs: tuple[Path, ...], compare: bool, output: Path | None, skills_dir: Path | None
) -> None:
    """Write an HTML report of a run: scores, emotion trajectories, skill credit and every transcript.

    \b
    The page is one file with no scripts and nothing fetched, so it opens offline:
      esc report runs/2024-05-01-abc
      esc report latest                          the newest run of the bank
      esc report --skills found/                 simulate a folder of skills, then report it
      esc report --compare runs/base runs/head -o compare.html
    """
    if skills_dir is not None:
        if runs or compare:
            raise click.UsageError("--skills makes its own run: pass no RUN and no --compare with it")
        from esc_cli.cli.sim import simulate_folder

        runs = (simulate_folder(get_bank(ctx), skills_folder(skills_dir)),)
        click.echo(f"simulated {skills_dir} into {runs[0]}")
    wanted = 2 if compare else 1
    if len(runs) != wanted:
        usage = (
            "esc report --compare RUN_A RUN_B"
            if compare
            else "esc report RUN (or --compare RUN_A RUN_B, or --skills DIR)"
        )
        raise click.UsageError(
            f"expected {wanted} run folder{'s' if wanted > 1 else ''}, got {len(runs)}: {usage}"
        )
    # A run page calls out a summary that disagrees with the dialogues (a note at the top); the
    # compare page pairs dialogues and has no such note, so it takes only consistent runs.
    # Imported here: jinja2 and the templates load only when a report is drawn, not at every `esc` start.
    from esc_cli.report import render_compare, render_run, write_report

    loaded = [load_run(folder, allow_mismatch=not compare) for folder in runs]
    if compare:
        html = render_compare(loaded[0], loaded[1])
        path = output or runs[1] / COMPARE_REPORT
    else:
        html = render_run(loaded[0])
        path = output or runs[0] / RUN_REPORT
    write_report(html, path)
    click.echo(f"wrote {path} ({len(html.encode('utf-8')) / 1024:.0f} KiB)")
