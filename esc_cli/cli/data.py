"""`esc data fetch`: download the public corpora the pipeline learns from."""

from __future__ import annotations

from pathlib import Path

import click

from esc_cli.data.fetch import DEFAULT_DIR, LICENCE_NOTICE, URL_VARIABLE, Fetched, fetch_files


@click.group("data")
def data() -> None:
    """Support-dialogue corpora: fetch them for `esc iu extract`."""


@data.command("fetch")
@click.argument("dataset", type=click.Choice(["esconv"]))
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="Where to put the files.",
)
@click.option("--url", metavar="URL", help=f"Fetch from this base URL instead (or set ${URL_VARIABLE}).")
def fetch(dataset: str, folder: Path, url: str | None) -> None:
    """Download ESConv, FailedESConv and ESConv's train/valid/test split, and check their hashes.

    Fetches ESConv.json, FailedESConv.json, strategy.json and LICENSE from
    github.com/thu-coai/Emotional-Support-Conversation (a pinned commit), and hf_splits/{train,valid,
    test}.jsonl, the Hugging Face export of ESConv that the workflow reads, from a pinned commit of a
    repository that keeps it unchanged. Files already present with the right hash are kept. The data
    is CC BY-NC 4.0: non-commercial use only.

    \b
    Then, for the README's workflow:
      export ESC_DATA=$PWD/data    (the folder above --dir)
    """

    def report(item: Fetched) -> None:
        click.echo(f"{item.status:10} {item.path} ({item.size} bytes)")

    click.echo(f"fetching {dataset} into {folder}/")
    fetch_files(folder, url=url, on_file=report)
    click.echo(f"licence: {LICENCE_NOTICE}")
    click.echo(f"next: esc iu extract {folder}/hf_splits/train.jsonl {folder}/FailedESConv.json -o ius.jsonl")
