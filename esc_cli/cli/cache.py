"""`esc cache`: look at and empty the call cache of model replies (`.esc/cache.sqlite` in the bank)."""

from __future__ import annotations

import click

from esc_cli.cli.common import get_bank
from esc_cli.llm.cache import clear_cache, read_stats


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
    models take --no-cache to bypass it.
    """


@cache.command("stats")
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Show entries, hits, misses, tokens saved and size."""
    found = read_stats(get_bank(ctx).cache_path)
    rows = (
        ("cache", found.path),
        ("entries", f"{found.entries:,}"),
        ("hits", f"{found.hits:,}"),
        ("misses", f"{found.misses:,}"),
        ("tokens saved", f"{found.tokens_saved:,}"),
        ("size", _size(found.size_bytes)),
    )
    for name, value in rows:
        click.echo(f"{name:<13} {value}")


@cache.command("clear")
@click.pass_context
def clear(ctx: click.Context) -> None:
    """Delete every cached reply and reset the counters; a damaged cache file is deleted."""
    path = get_bank(ctx).cache_path
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
