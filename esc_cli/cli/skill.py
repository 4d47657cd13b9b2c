"""`esc skill ...`: lint, list, show, schema and fmt. Discover, why and verify attach from their own
modules, imported when one of them is run (see `cli/groups.py`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from esc_cli.bank.files import dump_skill, load_skill, parse_skill, read_skill_text, write_skill
from esc_cli.bank.lint import LintReport, lint_bank, lint_paths, with_text_screen
from esc_cli.bank.load import load_skills, skill_files
from esc_cli.bank.lookup import skill_path
from esc_cli.bank.model import ID_PATTERN, SkillMeta
from esc_cli.cli.common import OutputFile, format_option, get_bank
from esc_cli.cli.groups import SKILL, LazyGroup
from esc_cli.cli.output import console, table
from esc_cli.errors import CheckFailed, InputError
from esc_cli.fileio import atomic_write_text


@click.group(cls=LazyGroup, lazy=SKILL)
def skill() -> None:
    """Work with the skill files of the bank (skills/<id>.md).

    Each skill is Markdown with YAML front matter: when it applies, when to avoid it, the outcome to
    expect, its risks, and a body with Guidance, Examples and Pitfalls.
    """


def _render_report(report: LintReport, fmt: str) -> None:
    if fmt == "json":
        payload = {
            "files": report.files,
            "exit_code": report.exit_code,
            "findings": [
                {
                    "path": f.path,
                    "where": f.where,
                    "message": f.message,
                    "rule": f.rule,
                    "severity": f.severity,
                    "fix": f.fix,
                }
                for f in report.findings
            ],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    for finding in report.findings:
        click.echo(finding.render(), err=finding.severity != "warning")
    errors = report.count("unreadable") + report.count("error")
    warnings = report.count("warning")
    status = "clean" if not errors else f"{errors} error(s)"
    click.echo(f"{report.files} skill file(s): {status}, {warnings} warning(s)")


@skill.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option("Output format.")
@click.option(
    "--strict",
    is_flag=True,
    help="Also screen the guidance steps and example replies changed since the last commit (every "
    "one in a file git does not track) for dismissive, blaming, toxic-positive or safety-undermining "
    "wording, and the seeker states added to a skill's routing for states two helping stages before "
    "its own: the same screens as verify's criteria 'text' and 'routing'. For a pre-commit hook.",
)
@click.pass_context
def lint(ctx: click.Context, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check skill files against the schema and the bank's rules.

    With no PATHS, lints the whole bank, including the bank-wide rules (unique ids, exactly one active
    crisis skill, tie-breaks). Exit 0 clean, 1 when a rule fails, 2 when a file is unreadable or
    breaks the schema. Messages read `skills/x.md:LINE -> key.path: problem (fix)`.
    """
    targets = list(paths) if paths else [get_bank(ctx).skills_dir]
    if paths:
        report = lint_paths(paths, base=Path.cwd(), bank_rules=False)
    else:
        report = lint_bank(targets[0], base=Path.cwd())
    if strict and report.exit_code != 2:
        report = with_text_screen(report, targets, base=Path.cwd())
    _render_report(report, fmt)
    ctx.exit(report.exit_code)


@skill.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include draft and deprecated skills.")
@format_option("text for people, json for scripts (one object per skill).")
@click.pass_context
def list_skills(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """List the skills of the bank: id, stage, strategies, status and version."""
    skills = load_skills(get_bank(ctx).skills_dir, include_inactive=show_all)
    if fmt == "json":
        fields = ("id", "title", "stage", "status", "version", "crisis", "strategies", "actions")
        payload = [{key: getattr(s.meta, key) for key in fields} for s in skills]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    rows = [
        (
            s.id + (" (crisis)" if s.meta.crisis else ""),
            s.meta.stage,
            ", ".join(s.meta.strategies),
            s.meta.status,
            s.meta.version,
        )
        for s in skills
    ]
    console.print(table(f"{len(rows)} skills", ("id", "stage", "strategies", "status", "version"), rows))


@skill.command("show")
@click.argument("skill_id")
@click.pass_context
def show(ctx: click.Context, skill_id: str) -> None:
    """Print one skill file in normalised form."""
    if not re.fullmatch(ID_PATTERN, skill_id):
        # An id is a file name in the bank: `../../x` must not reach outside it.
        raise InputError(
            None,
            f"'{skill_id}' is not a skill id",
            where="SKILL_ID",
            fix="ids are lowercase words joined by hyphens; see `esc skill list`",
        )
    path = skill_path(get_bank(ctx).skills_dir, skill_id)
    click.echo(dump_skill(load_skill(path)), nl=False)


@skill.command("schema")
@click.option("-o", "--output", type=OutputFile(dir_okay=False), help="Write here instead of stdout.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of skill front matter, for editor validation.

    \b
    For VS Code with the YAML extension, for example:
      esc skill schema -o .esc/skill.schema.json
    then map it to skills/*.md front matter in your editor settings.
    """
    text = json.dumps(SkillMeta.model_json_schema(), indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        click.echo(f"wrote {output}")


@skill.command("fmt")
@click.option("--check", is_flag=True, help="Only report files that are not normalised; exit 1 if any.")
@click.pass_context
def fmt(ctx: click.Context, check: bool) -> None:
    """Rewrite skill files in normalised form (key order, list style, one final newline)."""
    folder = get_bank(ctx).skills_dir
    # Every file is read before any is written: an unreadable file stops fmt with nothing rewritten.
    texts = {path: read_skill_text(path) for path in skill_files(folder)}
    loaded = [(path, parse_skill(text, path)) for path, text in texts.items()]
    changed = [(path, s) for path, s in loaded if dump_skill(s) != texts[path]]
    if not check:
        for path, skill_obj in changed:
            write_skill(path, skill_obj)
    for path, _ in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if check and changed:
        raise CheckFailed(f"{len(changed)} skill file(s) not normalised (run `esc skill fmt`)")
    click.echo(f"{len(changed)} file(s) {'to reformat' if check else 'reformatted'}")
