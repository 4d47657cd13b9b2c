"""`esc eval strategy`: how often the router picks the strategy a human supporter used."""

from __future__ import annotations

import json
from pathlib import Path

import click

from esc_cli import taxonomy
from esc_cli.bank.load import load_skills
from esc_cli.bank.model import Skill
from esc_cli.cli.common import format_option, get_bank
from esc_cli.cli.deprecated import renamed_option
from esc_cli.cli.output import console, table
from esc_cli.data.load import read_dialogues
from esc_cli.discover.strategy_eval import (
    NO_SKILL,
    Scores,
    majority_strategy,
    score_bank,
    score_constant,
    supporter_turns,
)
from esc_cli.errors import InputError
from esc_cli.sim.engines import default_labeller

_SMALL_WORDS = {"or", "of", "and"}


# What the accuracy means, printed under the table: a hand-written bank scores low here by design.
MEANING = (
    "note: this measures imitation of ESConv's human supporters, not help: a bank written for simulated "
    "seekers (the shipped one) routes to what helps a SAGE seeker, e.g. exploring before advice, so it "
    "can score near or below the majority class; a bank discovered from ESConv train "
    "(`esc skill discover ius.jsonl --out found/ --write`, then --skills found/) routes the way the "
    "humans did and scores higher."
)


@click.group("eval")
def eval_group() -> None:
    """Measure against held-out human material.

    A bank's strategy choices (strategy), a seeker engine as a judge (judge), and the crisis checks
    (crisis), each against material people labelled or lived through.
    """


def short(strategy: str) -> str:
    """'Restatement or Paraphrasing' -> 'RP': the initials of a strategy's main words."""
    if strategy == NO_SKILL:
        return "-"
    words = strategy.replace("-", " ").split()
    return "".join(word[0].upper() for word in words if word.lower() not in _SMALL_WORDS)


def _confusion_rows(scores: Scores) -> list[list[object]]:
    labels = [*taxonomy.ESCONV_STRATEGIES, NO_SKILL]
    rows: list[list[object]] = []
    for gold in taxonomy.ESCONV_STRATEGIES:
        counts = [scores.confusion[(gold, predicted)] for predicted in labels]
        if any(counts):
            rows.append([f"{short(gold)} {gold}", *counts])
    return rows


def _payload(all_scores: list[Scores]) -> list[dict[str, object]]:
    return [
        {
            "name": s.name,
            "turns": s.total,
            "correct": s.correct,
            "accuracy": round(s.accuracy, 4),
            "confusion": [
                {"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(s.confusion.items())
            ],
        }
        for s in all_scores
    ]


def _active(folder: Path) -> list[Skill]:
    skills = load_skills(folder)
    if not skills:
        raise InputError(
            folder,
            "holds no active skill (*.md)",
            fix="pass the skills folder of a bank, e.g. --skills found/ after `esc skill discover --out found/`",
        )
    return skills


@eval_group.command("strategy")
@click.option(
    "--data",
    "data_file",
    required=True,
    type=click.Path(path_type=Path),
    help="Dialogues with supporter strategies, e.g. ESConv hf_splits/test.jsonl.",
)
@renamed_option(
    "--bank", "--skills", dest="banks", multiple=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--skills",
    "banks",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A skills folder to score; repeat to compare banks. Default: the bank's skills folder.",
)
@click.option("--confusion/--no-confusion", default=True, show_default=True, help="Print confusion tables.")
@format_option("text for people, json for scripts.")
@click.pass_context
def strategy(ctx: click.Context, data_file: Path, banks: tuple[Path, ...], confusion: bool, fmt: str) -> None:
    """Route every supporter turn of DATA over each bank and compare with the human's strategy.

    \b
    The router sees what the offline agent sees: the states the labeller reads in the seeker's last
    message, and the supporter-turn index. The top skill's first strategy is the prediction.
    The majority-class baseline always says the most frequent strategy of DATA.
    Rows of a confusion table are the human's strategy, columns the bank's.
    """
    dialogues = read_dialogues(data_file)
    if not any(supporter_turns(dialogues)):
        raise InputError(
            data_file,
            "no supporter turn carries an ESConv strategy",
            fix="pass dialogues annotated with strategies, e.g. ESConv hf_splits/test.jsonl",
        )
    folders = list(banks) or [get_bank(ctx).skills_dir]
    labeller = default_labeller()
    all_scores = [score_bank(str(folder), _active(folder), dialogues, labeller) for folder in folders]
    majority = majority_strategy(dialogues)
    all_scores.append(score_constant(f"majority class ({majority})", majority, dialogues))
    if fmt == "json":
        click.echo(json.dumps(_payload(all_scores), indent=2))
        return
    rows = [(s.name, s.total, s.correct, f"{100 * s.accuracy:.1f}%") for s in all_scores]
    console.print(
        table(f"strategy accuracy on {data_file}", ("predictor", "turns", "correct", "accuracy"), rows)
    )
    click.echo(MEANING)
    if confusion:
        columns = ("human \\ predicted", *(short(s) for s in taxonomy.ESCONV_STRATEGIES), short(NO_SKILL))
        for scores in all_scores[:-1]:
            console.print()
            console.print(table(f"confusion: {scores.name}", columns, _confusion_rows(scores)))


def _register() -> None:
    import esc_cli.cli.eval_crisis  # noqa: F401  (it attaches `esc eval crisis` to this group)
    from esc_cli.cli.eval_judge import judge

    eval_group.add_command(judge)


_register()
