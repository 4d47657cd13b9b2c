"""`esc eval judge`: how far a seeker engine's judgement agrees with real seekers (DESIGN §6)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import click

from esc_cli import aio
from esc_cli.cli.common import format_option, get_bank
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.output import console, print_usage, progress_bar, table
from esc_cli.errors import InputError
from esc_cli.judge.evaluate import (
    RELEVANCE_SAMPLE,
    Baseline,
    Figure,
    Judge,
    PairFigures,
    dialogue_figure,
    feedback_figure,
    pair_figures,
    relevance_figure,
)
from esc_cli.judge.heads import default_heads
from esc_cli.judge.material import dialogue_turns, held_out, read_pairs
from esc_cli.judge.replay import DEFAULT_INTENTION, DEFAULT_PERSONALITY, Item, eval_profile, judged_changes
from esc_cli.judge.turns import JudgedTurn
from esc_cli.llm.client import aclose_all
from esc_cli.sim.engines import default_labeller
from esc_cli.sim.options import SimOptions, build_seeker
from esc_cli.taxonomy import INTENTION_IDS, PERSONALITY_IDS

# Folders are let through: the readers refuse them in one line that says so.
FILE = click.Path(path_type=Path)


BASELINES = ("length", "affect")


def _baselines() -> dict[str, Baseline]:
    """The baselines, in BASELINES order: words in the reply, and its VADER affect."""
    readers: tuple[Baseline, Baseline] = (lambda text: float(len(text.split())), default_labeller().affect)
    return dict(zip(BASELINES, readers, strict=True))


def _row(figure: Figure, with_interval: bool) -> list[object]:
    """A figure's table row; the interval cell only in a table that has the column."""
    interval = f"[{figure.interval[0]:.3f}, {figure.interval[1]:.3f}]" if figure.interval else ""
    return [
        figure.name,
        figure.items,
        f"{figure.judge:.3f}",
        *([interval] if with_interval else []),
        *(f"{figure.baselines[name]:.3f}" if name in figure.baselines else "n/a" for name in BASELINES),
    ]


@click.command("judge")
@click.option(
    "--feedback",
    type=FILE,
    help="Dialogues with per-turn ratings (MultiESC layout, or generic JSONL with `feedback` 1-5 on seeker turns).",
)
@click.option("--failed", type=FILE, help="Failed dialogues (e.g. FailedESConv.json); needs --succeeded.")
@click.option(
    "--succeeded",
    type=FILE,
    help="Successful dialogues (e.g. ESConv hf_splits/test.jsonl); the relevance sample is drawn from them too.",
)
@click.option("--pairs", type=FILE, help="A judged-pair suite (JSONL), e.g. bench/suites/judge_pairs.jsonl.")
@click.option(
    "--sample",
    type=click.IntRange(10, 100000),
    default=RELEVANCE_SAMPLE,
    show_default=True,
    help="Turns in the relevance sample (drawn from --succeeded).",
)
@click.option(
    "--intention",
    type=click.Choice(INTENTION_IDS),
    default=DEFAULT_INTENTION,
    show_default=True,
    help="The hidden intention of the replayed seeker.",
)
@click.option(
    "--personality",
    type=click.Choice(PERSONALITY_IDS),
    default=DEFAULT_PERSONALITY,
    show_default=True,
    help="The personality of the replayed seeker.",
)
@format_option()
@llm_options("seeker")
@click.pass_context
def judge(
    ctx: click.Context,
    feedback: Path | None,
    failed: Path | None,
    succeeded: Path | None,
    pairs: Path | None,
    sample: int,
    intention: str,
    personality: str,
    fmt: str,
    llm: LLMChoices,
) -> None:
    """Replay human-rated material through a seeker engine and print how well it judges replies.

    \b
    Every supporter reply is judged as the next turn of its real context by a fresh seeker session
    (emotion 40, the --intention and --personality given), on the offline engine unless
    --seeker-backend says otherwise, so an LLM judge is measured the same way. Figures:
      --feedback F          Spearman rho of the judged change with real seekers' ratings (95% CI)
      --succeeded S         the real reply over a reply from another dialogue at a similar turn
      --failed F --succeeded S   AUC of successful over failed dialogues (mean judged change)
      --pairs P             preference accuracy on a pair suite, overall and per kind. JSONL, one
                            pair a line: {"kind", "turn", "context": [{"speaker": "seeker" or
                            "supporter", "text"}, ...], "better", "worse"}; the context ends with
                            the seeker. Kinds are yours to name; `paraphrase` marks two replies that
                            say the same thing: it is scored as the share within one quantisation
                            step and left out of the overall figure.
    Each figure stands beside two baselines that read no meaning: reply length and reply affect.

    \b
    Example (the figures the README quotes; test split only):
      esc eval judge --feedback $ESC_DATA/esconv/multiesc_feedback/test.jsonl \\
        --succeeded $ESC_DATA/esconv/hf_splits/test.jsonl \\
        --failed $ESC_DATA/esconv/FailedESConv.json --pairs bench/suites/judge_pairs.jsonl
    """
    if failed is not None and succeeded is None:
        raise InputError(
            None, "--failed needs --succeeded", fix="pass --succeeded FILE too: the AUC compares the two"
        )
    if not any((feedback, failed, succeeded, pairs)):
        raise InputError(
            None,
            "nothing to measure",
            fix="pass --feedback FILE, --succeeded FILE (with --failed FILE for the AUC), --pairs FILE, or several",
        )
    rated = dialogue_turns(feedback) if feedback is not None else None
    if rated is not None and not any(t.rating is not None for t in rated):
        raise InputError(
            feedback,
            "holds no rated seeker turn",
            fix="put each `feedback` rating (1-5) on the seeker turn that follows the reply it rates;"
            " ratings on supporter turns are not read",
        )
    # Dialogues the shipped heads were trained on (half of FailedESConv) are left out for every
    # engine, so the figures of all judges are on the same held-out material.
    trained = default_heads().trained_dialogues()
    left_out = 0

    def held(turns: list[JudgedTurn] | None) -> list[JudgedTurn] | None:
        nonlocal left_out
        if turns is None:
            return None
        kept, dropped = held_out(turns, trained)
        left_out += dropped
        return kept

    rated = held(rated)
    good = held(dialogue_turns(succeeded) if succeeded is not None else None)
    bad = held(dialogue_turns(failed) if failed is not None else None)
    if good is not None and len({t.dialogue for t in good}) < 2:
        raise InputError(
            succeeded,
            "holds fewer than 2 dialogues: the relevance figure needs replies from another dialogue",
            fix="pass a file with at least 2 dialogues",
        )
    if bad is not None and not bad:
        raise InputError(
            failed, "holds only dialogues the offline judge was trained on", fix="pass held-out dialogues"
        )
    suite = read_pairs(pairs) if pairs is not None else None
    bank = get_bank(ctx)
    clients = llm.clients(bank, ["seeker"])
    options = SimOptions(seeker_client=clients.get("seeker"), prompts_dir=bank.prompts_dir)
    seeker = build_seeker(options, default_labeller())
    profile = eval_profile(intention, personality)

    baselines = _baselines()

    def compute(judge_items: Judge) -> tuple[list[Figure], PairFigures | None]:
        found: list[Figure] = []
        if rated is not None:
            found.append(feedback_figure(rated, judge_items, baselines))
        if good is not None:
            found.append(relevance_figure(good, judge_items, baselines, sample))
        if good is not None and bad is not None:
            found.append(dialogue_figure(bad, good, judge_items, baselines))
        return found, (pair_figures(suite, judge_items, baselines) if suite is not None else None)

    # First pass: collect every item to judge; then judge them all in one event loop; then compute.
    wanted: dict[Item, float] = {}

    def collect(items: Sequence[Item]) -> list[float]:
        wanted.update(dict.fromkeys(items, 0.0))
        return [0.0] * len(items)

    compute(collect)
    order = list(wanted)

    async def judge_all() -> list[float]:
        try:
            with progress_bar("judging", len(order)) as bar:
                task = bar.add_task("judge", total=len(order))
                return await judged_changes(
                    seeker, order, profile=profile, progress=lambda n: bar.update(task, completed=n)
                )
        finally:
            await aclose_all(list(clients.values()))

    judged = dict(zip(order, aio.run(judge_all()), strict=True))
    figures, suite_figures = compute(lambda items: [judged[i] for i in items])
    engine = options.engine_of("seeker")
    if fmt == "json":
        payload = {
            "engine": engine,
            "left_out": left_out,
            "figures": [asdict(f) for f in figures],
            "pairs": asdict(suite_figures) if suite_figures is not None else None,
        }
        click.echo(json.dumps(payload, indent=2))
        return
    shown = [*figures, *([suite_figures.overall] if suite_figures and suite_figures.overall else [])]
    with_interval = any(f.interval for f in shown)
    columns = ["figure", "items", "judge", *(["95% CI"] if with_interval else []), *baselines]
    rows = [_row(f, with_interval) for f in shown]
    console.print(table(f"judge validity: seeker engine {engine}", columns, rows))
    if suite_figures is not None:
        kinds = [_row(f, False) for f in suite_figures.kinds.values()]
        console.print(
            table(
                "pair suite by kind (paraphrase: the share judged within one step, left out of the"
                " overall figure; a preference baseline means nothing there)",
                ["figure", "items", "judge", *baselines],
                kinds,
            )
        )
    if left_out:
        console.print(
            f"left out {left_out} dialogues the offline judge was trained on (half of FailedESConv);"
            " every engine is measured on the rest"
        )
    print_usage(list(clients.values()))
