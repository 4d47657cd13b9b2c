"""`esc skill discover` and `esc skill why`: skills from Intervention Units, and the IUs behind a skill."""

from __future__ import annotations

from pathlib import Path

import click

from esc_cli.bank.files import load_skill
from esc_cli.bank.load import load_skills
from esc_cli.bank.lookup import skill_path
from esc_cli.bank.model import Skill
from esc_cli.cli.common import get_bank
from esc_cli.cli.hints import command, next_steps
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.skill import skill
from esc_cli.config import Bank
from esc_cli.discover.changes import ChangeSet, apply_changes, full_changes, update_changes
from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.pipeline import Discovery, OfflineWriter, Writer, discover
from esc_cli.discover.validate import require_clean
from esc_cli.discover.why import explain
from esc_cli.errors import ConfigError, InputError
from esc_cli.iu.records import IU
from esc_cli.iu.store import read_ius

DEFAULT_IUS = "ius.jsonl"


def _bank_or_none(ctx: click.Context, required: bool) -> Bank | None:
    try:
        return get_bank(ctx)
    except ConfigError:
        if required:
            raise
        return None


def _writer(name: str, bank: Bank | None, llm: LLMChoices, config: DiscoveryConfig) -> Writer:
    if name == "offline":
        return OfflineWriter(config)
    if bank is None:
        raise ConfigError(
            "--writer llm needs a bank for its settings and prompts (run inside a bank or pass --bank)"
        )
    if llm.backend_for(bank, "writer") == "offline":
        raise InputError(
            None, "--writer llm needs a model backend", fix="pass --writer-backend anthropic or openai"
        )
    from esc_cli.discover.writer_llm import LLMWriter

    client = llm.clients(bank, ["writer"])["writer"]
    return LLMWriter(client, bank.prompts_dir, config)


def _summary(found: Discovery, changes: ChangeSet, ius: int) -> list[str]:
    lines = [
        f"{ius} IUs, {found.key_ius} key: {len(found.prototypes)} prototypes -> "
        f"{len(found.plans)} skills discovered (crisis skill {found.crisis_source})",
    ]
    lines += [f"note: {note}" for note in changes.notes]
    counts = {reason: changes.count(reason) for reason in ("evidence", "new", "discovered", "rewritten")}
    parts = [f"{n} {reason}" for reason, n in counts.items() if n]
    lines.append(f"changes: {', '.join(parts) if parts else 'none'}")
    return lines


def _plan_changes(
    found: Discovery, ius: list[IU], config: DiscoveryConfig, *, out: Path | None, bank: Bank | None
) -> tuple[ChangeSet, Path]:
    """The whole bank to --out, else an evidence update of the bank in place; and the diff's base."""
    if out is not None:
        return full_changes(out, found), Path.cwd()
    if bank is None:
        raise ConfigError(
            "no bank to update (run inside a bank or pass --bank, or write a new bank with --out DIR)"
        )
    return update_changes(bank.skills_dir, found, ius, config), bank.root


@skill.command("discover")
@click.argument("ius_file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a whole discovered bank to this folder instead of updating the bank in place.",
)
@click.option("--write", is_flag=True, help="Apply the changes. Without it, only the diff is printed.")
@click.option(
    "--writer",
    "writer_name",
    type=click.Choice(["offline", "llm"]),
    default="offline",
    show_default=True,
    help="Who writes the prose: the offline template, or a model (see --writer-backend).",
)
@click.option(
    "--min-support",
    type=click.IntRange(1),
    default=DiscoveryConfig.min_support,
    show_default=True,
    help="Key IUs a (strategy, state) group needs before it becomes a condition.",
)
@llm_options("writer")
@click.pass_context
def discover_command(
    ctx: click.Context,
    ius_file: Path,
    out: Path | None,
    write: bool,
    writer_name: str,
    min_support: int,
    llm: LLMChoices,
) -> None:
    """Turn Intervention Units (from `esc iu extract`) into skills, and show the diff.

    \b
    By default the bank is updated in place, and only safely:
      - existing skills keep all hand-written text; only their `evidence` is refreshed;
      - discovered skills that no existing skill covers are proposed as new files (status: draft).
    With --out DIR the whole discovered bank (with a crisis skill) goes to DIR instead.
    Nothing is written without --write; the unified diff always comes first.
    """
    llm.refuse_unused("writer", writer_name == "llm", "--writer llm")
    config = DiscoveryConfig(min_support=min_support)
    bank = _bank_or_none(ctx, required=out is None)
    ius = read_ius(ius_file)
    current = load_skills(bank.skills_dir, include_inactive=True) if bank is not None else []
    found = discover(ius, current=current, writer=_writer(writer_name, bank, llm, config), config=config)
    require_clean(found.skills)
    changes, base = _plan_changes(found, ius, config, out=out, bank=bank)
    click.echo(changes.diff(base), nl=False)
    for line in _summary(found, changes, len(ius)):
        click.echo(line, err=True)
    if write:
        apply_changes(changes)
        click.echo(f"wrote {len(changes.changes)} file(s)", err=True)
        _hint(out)
    elif changes.changes:
        click.echo("nothing written: run again with --write to apply", err=True)


def _hint(out: Path | None) -> None:
    """After --write: try the discovered bank, or check the updated one."""
    if out is not None:
        folder = str(out)
        next_steps(
            [
                (command("esc", "sim", "run", "--skills", folder), "simulate the discovered bank"),
                (command("esc", "skill", "verify", "--skills", folder), "gate it against the bank's HEAD"),
            ]
        )
    else:
        next_steps(
            [
                (command("esc", "skill", "lint"), "check the updated skills and the new drafts"),
                (command("esc", "skill", "verify"), "gate the edits against HEAD"),
            ]
        )


def _skill_path(ctx: click.Context, skill_id: str, skills_dir: Path | None) -> tuple[Path, Bank | None]:
    bank = _bank_or_none(ctx, required=skills_dir is None)
    folder = skills_dir or (bank.skills_dir if bank is not None else Path("skills"))
    return skill_path(folder, skill_id), bank


def _ius_path(given: Path | None, bank: Bank | None, found: Skill) -> Path:
    if given is not None:
        return given
    root = bank.root if bank is not None else Path.cwd()
    path = root / DEFAULT_IUS
    if not path.is_file():
        raise InputError(
            path, f"no IU file to explain '{found.id}' with", fix="pass --ius FILE (made by `esc iu extract`)"
        )
    return path


@skill.command("why")
@click.argument("skill_id")
@click.option(
    "--ius",
    "ius_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"The IU file to read. Default: {DEFAULT_IUS} in the bank root.",
)
@click.option(
    "--skills",
    "skills_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Read the skill from this folder (e.g. a bank written with discover --out).",
)
@click.option("--limit", type=click.IntRange(0), default=3, show_default=True, help="Excerpts per claim.")
@click.pass_context
def why(
    ctx: click.Context, skill_id: str, ius_file: Path | None, skills_dir: Path | None, limit: int
) -> None:
    """Show the IUs behind each claim of a skill: its states, its expected outcome and its risks.

    For each claim: how many key IUs bear on it, how many improved or worsened, and short excerpts
    with their IU ids (ESConv excerpts are CC BY-NC 4.0, Liu et al., 2021).
    """
    path, bank = _skill_path(ctx, skill_id, skills_dir)
    found = load_skill(path)
    ius = read_ius(_ius_path(ius_file, bank, found))
    for line in explain(found, ius, limit=limit):
        click.echo(line)
