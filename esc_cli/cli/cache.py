"""`esc cache`: look at and empty the call cache of model replies (`.esc/cache.sqlite` in the bank),
and the embedding store beside it (`.esc/embeddings.npz`)."""

from __future__ import annotations

import json

import click

from esc_cli.cli.common import format_option, get_bank
from esc_cli.errors import InputError
from esc_cli.fileio import describe_path
from esc_cli.llm.cache import clear_cache, read_stats


def _store_note(what: str, size: int) -> str:
    if what == "a file":
        return _size(size)
    if what == "nothing":
        return "none yet"
    return f"{what}, not a file: it is never read or written; remove it"


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover - the loop returns first


@click.group("cache")
def cache() -> None:
    """The call cache: every model reply, keyed on everything that can change it.

    A repeated identical call is answered from the cache and costs nothing. Commands that call
    models take --no-cache to bypass it. Beside it, the embedding store keeps the text encoder's
    vectors between runs (it only saves time: a vector read from it equals one computed anew).
    """


@cache.command("stats")
@format_option("text for people, json for scripts.")
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Show entries, hits, misses, tokens saved and size, then the entries of each server and model.

    Only replies that passed the schema check are stored, and each entry is kept under its backend,
    server (base URL) and model: a reply from one server never answers a call to another.
    """
    bank = get_bank(ctx)
    found = read_stats(bank.cache_path)
    store = bank.embeddings_path
    what = describe_path(store)
    store_bytes = store.stat().st_size if what == "a file" else 0
    if fmt == "json":
        payload = found.model_dump(mode="json")
        payload["embedding_store"] = {
            "path": str(store),
            "exists": what == "a file",
            "size_bytes": store_bytes,
        }
        click.echo(json.dumps(payload, indent=2))
        return
    rows = (
        ("cache", found.path),
        ("entries", f"{found.entries:,}"),
        ("hits", f"{found.hits:,}"),
        ("misses", f"{found.misses:,}"),
        ("tokens saved", f"{found.tokens_saved:,}"),
        ("size", _size(found.size_bytes)),
        ("embeddings", f"{store} ({_store_note(what, store_bytes)})"),
    )
    for name, value in rows:
        click.echo(f"{name:<13} {value}")
    if found.by_server:
        click.echo("")
        click.echo(f"{'entries':>9}  backend    server / model")
        for group in found.by_server:
            server = group.server or "(default server)"
            click.echo(f"{group.entries:>9,}  {group.backend:<10} {server} / {group.model}")


@cache.command("clear")
@click.option(
    "--embeddings",
    is_flag=True,
    help="Also delete the embedding store (.esc/embeddings.npz); the next run embeds its texts again.",
)
@click.pass_context
def clear(ctx: click.Context, embeddings: bool) -> None:
    """Delete every cached reply and reset the counters; a damaged cache file is deleted.

    \b
    Examples:
      esc cache clear                # model replies only
      esc cache clear --embeddings   # and the text encoder's vectors
    """
    bank = get_bank(ctx)
    path = bank.cache_path
    if embeddings:
        store = bank.embeddings_path
        what = describe_path(store)
        if what in ("a file", "a dangling link"):
            store.unlink()
            click.echo(f"deleted {store}")
        elif what == "nothing":
            click.echo(f"no embedding store to delete: {store} does not exist")
        else:
            raise InputError(store, f"is {what}, not an embedding store", fix="remove it by hand")
    if not path.exists():
        click.echo(f"nothing to clear: {path} does not exist")
        return
    removed, damaged = clear_cache(path)
    if damaged:
        click.echo(
            f"deleted {path}: it was damaged and could not be read (a new cache starts on the next run)"
        )
        return
    click.echo(f"cleared {removed:,} entr{'y' if removed == 1 else 'ies'} from {path}")
