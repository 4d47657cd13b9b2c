"""`esc init DIR`: create a new bank."""

from __future__ import annotations

from pathlib import Path

import click

from esc_cli.scaffold import init_bank


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--force", is_flag=True, help="Merge into a folder that already has skills/, profiles/, prompts/ or ci/."
)
def init(directory: Path, force: bool) -> None:
    """Create a new bank in DIRECTORY: the seed skills, the seeker profiles, the prompt templates, CI
    files, and a pyproject.toml with a [tool.esc] table (appended if the file exists).

    \b
    Then:
      cd DIRECTORY && esc skill lint && esc sim run
    """
    for path in init_bank(directory, force=force):
        click.echo(f"created {path}")
    click.echo(f"bank ready in {directory}: cd there and run `esc skill lint`")
