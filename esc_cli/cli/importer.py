"""`esc import claude`: read exported Agent Skills folders back into bank files."""

from __future__ import annotations

import os
from pathlib import Path

import click

from esc_cli.cli.common import get_bank
from esc_cli.export.importer import import_claude


@click.group("import")
def import_() -> None:
    """Read skills written for other agents back into the bank."""


@import_.command("claude")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the skill files. Default: the bank's skills folder.",
)
@click.option("--force", is_flag=True, help="Replace skill files that already exist.")
@click.pass_context
def claude(ctx: click.Context, source: Path, out: Path | None, force: bool) -> None:
    """Turn the skill folders in SOURCE (as `esc export claude` wrote them) into skills/<id>.md.

    \b
    The id and version come from metadata.esc-id and metadata.esc-version; conditions, examples,
    risks and evidence from references/. The umbrella skill `emotional-support` is skipped.
    Nothing is written if any folder is unreadable, and no file is replaced without --force.
    """
    target = out if out is not None else get_bank(ctx).skills_dir
    result = import_claude(source, target, force=force)
    for path in result.skipped:
        click.echo(f"skipped {os.path.relpath(path)} (umbrella skill)")
    for path in result.written:
        click.echo(f"wrote {os.path.relpath(path)}")
    count = len(result.written)
    click.echo(f"{count} skill(s) imported into {os.path.relpath(target)}; check them with `esc skill lint`")
