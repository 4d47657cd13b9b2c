"""`esc profile`: list, show, lint, schema and import-sage for simulated seeker profiles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from esc_cli.cli.common import OutputFile, format_option, get_bank
from esc_cli.cli.deprecated import renamed_option
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text
from esc_cli.sim.profile import Profile
from esc_cli.sim.profiles_io import (
    LoadedProfile,
    check_profile_set,
    count_by,
    coverage_gaps,
    dump_profile,
    load_profile_files,
    profile_schema_text,
    set_minimum,
)
from esc_cli.sim.sage_import import read_sage_file
from esc_cli.suggest import did_you_mean

LIST_COLUMNS = ("id", "personality", "intention", "problem", "risk", "lang")


@click.group("profile")
def profile() -> None:
    """Simulated seekers: one YAML file a profile, in profiles/train and profiles/verify.

    \b
    A profile gives a SAGE seeker a persona, a personality type (negative,
    passive, avoidant), a hidden intention, a story, a first message, what
    raises and lowers their emotion, and lines per emotion band for the
    offline seeker. Only profiles/verify gates CI; evolution reads only
    profiles/train.
    """


def _default_dir(ctx: click.Context, given: Path | None) -> Path:
    return given if given is not None else get_bank(ctx).profiles_dir


@profile.command("list")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@format_option("text for people, json for scripts (one object per profile, with its file).")
@click.pass_context
def list_profiles(ctx: click.Context, directory: Path | None, fmt: str) -> None:
    """List the profiles in DIRECTORY (default: the bank's profiles folder, every set).

    Prints one row a profile: id, personality, intention, problem type, risk and
    language, then the count. Any invalid file stops the listing with exit 2; run
    `esc profile lint` to see every problem at once.
    """
    loaded = load_profile_files(_default_dir(ctx, directory))
    if fmt == "json":
        payload = [
            dict(zip(LIST_COLUMNS, _row(item.profile), strict=True)) | {"path": str(item.path)}
            for item in loaded
        ]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    rows = [_row(item.profile) for item in loaded]
    for line in _plain_table(LIST_COLUMNS, rows):
        click.echo(line)
    click.echo(f"{len(rows)} profile{'s' if len(rows) != 1 else ''}")


def _row(p: Profile) -> tuple[str, ...]:
    return (p.id, p.personality, p.intention, p.problem_type, p.risk, p.language)


def _plain_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    # Not a rich table: on a narrow or non-tty console rich wraps or crops cells, and an id must stay whole
    # so that it can be copied into `esc profile show` and grepped.
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = (header, *rows)
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines]


@profile.command("show")
@click.argument("profile_id")
@click.option(
    "--profiles",
    "directory",
    type=click.Path(path_type=Path),
    help="Folder or file to search. Default: the bank's profiles folder.",
)
@renamed_option("--json", "--format json", dest="fmt", flag_value="json")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="yaml for people and editors, json for scripts.",
)
@click.pass_context
def show(ctx: click.Context, profile_id: str, directory: Path | None, fmt: str) -> None:
    """Print the profile PROFILE_ID, with the file it comes from.

    The output is the validated profile with defaults filled in, as YAML (or
    JSON with --format json), so it shows exactly what the simulator will read.
    """
    item = _find(load_profile_files(_default_dir(ctx, directory)), profile_id)
    if fmt == "json":
        click.echo(json.dumps(item.profile.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    click.echo(f"# {item.path}")
    click.echo(dump_profile(item.profile), nl=False)


def _find(loaded: Sequence[LoadedProfile], profile_id: str) -> LoadedProfile:
    for item in loaded:
        if item.profile.id == profile_id:
            return item
    hint = did_you_mean(profile_id, [item.profile.id for item in loaded])
    raise InputError(None, f"no profile with id '{profile_id}'{hint}", fix="see `esc profile list`")


@profile.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def lint(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check profile files and folders (default: the bank's profiles folder).

    \b
    Every problem is one line naming the file and the key path: unreadable or
    non-UTF-8 files, YAML errors, unknown keys, wrong types, unknown
    personality, intention or risk ids, an id that differs from the file name,
    crisis blocks without a crisis risk (or the reverse), and duplicate ids.
    For each folder that holds profile files directly (a set such as
    profiles/verify), coverage gaps are printed as warnings: all 3
    personalities, the 8 SAGE intentions, ESConv's main problem types, at least
    3 crisis-risk profiles, and the size of train (24) and verify (16). A
    profile whose `locale` has no entry in the bank's crisis-lines.yaml gets a
    warning too (its seeker would get generic crisis help with no number).

    Exit 0 when there are no problems (warnings allowed), 2 otherwise.
    """
    roots = list(paths) or [get_bank(ctx).profiles_dir]
    loaded, problems = check_profile_set(roots)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    for warning in _coverage_warnings(roots, loaded) + _locale_warnings(ctx, loaded):
        click.echo(f"warning: {warning}", err=True)
    if not loaded and not problems:
        click.echo(f"warning: no profile files (*.yaml) under {', '.join(map(str, roots))}", err=True)
    click.echo(f"{len(loaded)} profiles ok, {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    if problems:
        ctx.exit(2)


def _locale_warnings(ctx: click.Context, loaded: Sequence[LoadedProfile]) -> list[str]:
    """Profiles whose `locale` has no entry in the bank's crisis-lines table (they get generic help)."""
    from esc_cli.errors import ConfigError
    from esc_cli.safety.lines import LINES_FILE, bank_lines

    try:
        skills_dir: Path | None = get_bank(ctx).skills_dir
    except ConfigError:
        skills_dir = None
    table = bank_lines(skills_dir)
    return [
        f"{item.path}: locale '{item.profile.locale}' has no entry in {LINES_FILE}; its seeker gets "
        "generic crisis help with no number (add the entry once you have checked its numbers)"
        for item in loaded
        if item.profile.locale and table.entry(item.profile.locale) is None
    ]


def _coverage_warnings(roots: Sequence[Path], loaded: Sequence[LoadedProfile]) -> list[str]:
    """Coverage gaps of each set under the folder arguments, a set being the profiles of one folder.

    Files given one by one are not a set, so they get no coverage warnings.
    """
    by_folder: dict[Path, list[Profile]] = {}
    for root in (r for r in roots if r.is_dir()):
        for item in loaded:
            if item.path.is_relative_to(root):
                by_folder.setdefault(item.path.parent, []).append(item.profile)
    warnings: list[str] = []
    for folder, profiles in sorted(by_folder.items()):
        warnings += [f"{folder}: {gap}" for gap in coverage_gaps(profiles, minimum=set_minimum(folder))]
    return warnings


@profile.command("schema")
@click.option("-o", "--output", type=OutputFile(dir_okay=False), help="Write to FILE instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of a profile file, for editors and other tools.

    Point your editor's YAML language server at it, for example with a
    `# yaml-language-server: $schema=profile.schema.json` line.
    """
    text = profile_schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    click.echo(f"wrote {output}")


@profile.command("import-sage")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the YAML files. Default: <bank profiles>/sage.",
)
@click.option("--force", is_flag=True, help="Overwrite profile files that already exist.")
@click.pass_context
def import_sage(ctx: click.Context, file: Path, out_dir: Path | None, force: bool) -> None:
    """Convert SAGE's JSONL seeker profiles (FILE) into one YAML profile each.

    \b
    SAGE's simulator_profile_withfirsttalk.jsonl (Chinese, MIT) maps as:
      main_cha 负面型/被动型/回避型  -> personality negative/passive/avoidant
      task (8 sentences)             -> intention (SAGE's 8 hidden intentions)
      player                         -> persona (name, age, gender, occupation, style)
      scene                          -> background (with the full persona text)
      cha_group                      -> traits; first_talk -> first_message
    The Chinese text is kept and marked `language: zh`; ids are sage-<uuid prefix>.
    Nothing is written if any line is bad or any target exists (without --force).
    """
    target = out_dir if out_dir is not None else get_bank(ctx).profiles_dir / "sage"
    profiles = read_sage_file(file)
    paths = [target / f"{p.id}.yaml" for p in profiles]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            existing[0],
            f"already exists ({len(existing)} of {len(paths)} files do)",
            fix="pass --force to overwrite, or choose another --out",
        )
    for p, path in zip(profiles, paths, strict=True):
        atomic_write_text(path, dump_profile(p))
    counts = ", ".join(f"{k} {v}" for k, v in count_by(profiles, "personality").items())
    click.echo(f"imported {len(profiles)} profiles into {target} ({counts})")
