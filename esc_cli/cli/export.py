"""`esc export claude`: write the bank as Agent Skills folders for Claude Code, the Claude API and others."""

from __future__ import annotations

import os
from pathlib import Path

import click

from esc_cli.bank.load import load_skills
from esc_cli.cli.common import get_bank
from esc_cli.errors import InputError
from esc_cli.export.budget import DEFAULT_DESCRIPTION_BUDGET, description_total
from esc_cli.export.claude import export_claude, remove_folders, render_export, stale_folders
from esc_cli.safety.lines import bank_lines

CLAUDE_DIR = Path(".claude/skills")
AGENTS_DIR = Path(".agents/skills")
ZIP_DIR = Path("dist/skills")


@click.group("export")
def export() -> None:
    """Write the bank in formats that other agents load."""


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _out_dir(out: Path | None, agents: bool, archives: bool) -> Path:
    if out is not None and agents:
        raise InputError(
            None, "--out and --agents both choose the output folder", where="--agents", fix="pass only one"
        )
    if out is not None:
        return out
    if archives:
        return ZIP_DIR
    return AGENTS_DIR if agents else CLAUDE_DIR


@export.command("claude")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder. Default: .claude/skills (dist/skills with --zip).",
)
@click.option("--agents", is_flag=True, help="Write to .agents/skills instead of .claude/skills.")
@click.option(
    "--zip", "archives", is_flag=True, help="Write one <name>.zip per skill (root folder <name>/) for upload."
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID",
    help="Export only these skill ids (repeat or separate with commas).",
)
@click.option("--force", is_flag=True, help="Replace skill folders of the same name that esc did not write.")
@click.option(
    "--license", "license_text", metavar="TEXT", help="Value of the `license` field, e.g. Apache-2.0."
)
@click.option(
    "--description-budget",
    type=click.IntRange(1),
    default=DEFAULT_DESCRIPTION_BUDGET,
    show_default=True,
    metavar="N",
    help="Most characters all descriptions may total; an export over it is refused. Claude Code lists "
    "skills within about 1% of its context, 8,000 characters when it cannot tell.",
)
@click.pass_context
def claude(
    ctx: click.Context,
    out: Path | None,
    agents: bool,
    archives: bool,
    only: tuple[str, ...],
    force: bool,
    license_text: str | None,
    description_budget: int,
) -> None:
    """Export every active skill as an Agent Skills folder `<name>/SKILL.md`, plus the umbrella skill
    `emotional-support` (safety rules and a routing table from seeker states to skills).

    \b
    SKILL.md holds the Guidance; conditions, examples, risks and evidence go to references/.
    Each folder passes the Agent Skills rules (see esc_cli/export/validate.py) and `agentskills
    validate`. Names are the skill ids, except that the reserved words "claude" and "anthropic"
    become "assistant" and "provider"; `esc import claude` restores the original id.
    With --only, the umbrella skill routes among the exported skills only, and the crisis skill is
    always exported too. A full export removes folders esc wrote earlier for skills that are no longer
    active; folders esc did not write are never touched.
    Each description opens with the skill's title and when to use it; when not to use it is in the
    body. All descriptions together must fit --description-budget, or nothing is written.
    Drop the folders into .claude/skills/ (a project) or ~/.claude/skills/ (all projects), or
    upload the --zip archives with the Claude Skills API. Not a clinical tool.
    """
    bank = get_bank(ctx)
    ids = [part.strip() for item in only for part in item.split(",") if part.strip()]
    target = _out_dir(out, agents, archives)
    skills = load_skills(bank.skills_dir)
    paths = export_claude(
        skills,
        target,
        only=ids,
        archives=archives,
        force=force,
        license_text=license_text,
        description_budget=description_budget,
        crisis_lines=bank_lines(bank.skills_dir),
    )
    for path in paths:
        click.echo(f"wrote {_shown(path)}{'' if archives else '/'}")
    if not ids and not archives:
        stale = stale_folders(target, paths)
        remove_folders(stale)
        for path in stale:
            click.echo(f"removed {_shown(path)}/ (no longer an active skill of the bank)")
    total = description_total(render_export(skills, only=ids, description_budget=description_budget))
    click.echo(f"descriptions: {total:,} of {description_budget:,} characters (--description-budget)")
    kind = "archive" if archives else "skill folder"
    click.echo(f"{len(paths)} {kind}s in {_shown(target)} ({len(paths) - 1} skills and the umbrella skill)")
