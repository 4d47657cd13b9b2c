"""Shared pieces of the thin CLI layer: the bank found for this invocation, and options several commands share."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # the bank's model (pydantic) loads only when a command reads the bank
    from esc_cli.config import Bank


class State:
    """What the root command stores for its subcommands: the --bank override, the bank found lazily."""

    def __init__(self, bank_path: Path | None = None) -> None:
        self.bank_path = bank_path
        self._bank: Bank | None = None

    @property
    def found(self) -> bool:
        """Whether the bank has been looked up yet."""
        return self._bank is not None

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from esc_cli.config import load_bank

            self._bank = load_bank(self.bank_path, exact=self.bank_path is not None)
        return self._bank


def get_bank(ctx: click.Context) -> Bank:
    """The bank of this invocation, found by walking up from the cwd or given by --bank. The first
    call also names the bank's embedding store (`esc_cli.text.store`), written back when the command
    succeeds (`save_embedding_store`)."""
    state = ctx.ensure_object(State)
    first = not state.found
    bank = state.bank
    if first:
        from esc_cli.text.store import use_store

        use_store(bank.embeddings_path)
    return bank


def save_embedding_store() -> None:
    """Write the embedding store back; a store that cannot be written costs the next run time, never
    this run its result, so it is a warning and not an error."""
    from esc_cli.errors import EscError
    from esc_cli.text.store import save_if_used, store_path

    try:
        save_if_used()
    except (EscError, OSError) as exc:
        reason = " ".join(str(exc).split())
        click.echo(
            f"warning: {store_path()}: the embedding store was not saved ({reason}); remove that path "
            "and the next run writes a new one",
            err=True,
        )


F = TypeVar("F", bound=Callable[..., Any])


class OutputFile(click.Path):
    """A file path to write. One that ends with '/' names a folder: refused, rather than writing a file
    named like the folder (`-o newdir/sub/` would otherwise write the file `newdir/sub`)."""

    def __init__(self, *, dir_okay: bool = True) -> None:
        super().__init__(dir_okay=dir_okay, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(
                f"'{value}' ends with '/', so it names a folder: add the file name after it", param, ctx
            )
        return super().convert(value, param, ctx)


def seeds_option(default: int) -> Callable[[F], F]:
    """`--seeds N`: dialogues per profile, seeds 0..N-1 (sim run, evolve and verify share it)."""
    return click.option(
        "--seeds",
        type=click.IntRange(1, 1000),
        default=default,
        show_default=True,
        help="Dialogues per profile, each with its own seed (0..N-1).",
    )


def max_seeds_option(default: int, help_text: str) -> Callable[[F], F]:
    """`--max-seeds N`: how far adaptive seeds may grow (verify and evolve share it)."""
    return click.option(
        "--max-seeds", type=click.IntRange(1, 1000), default=default, show_default=True, help=help_text
    )


def seed_cap(ctx: click.Context, seeds: int, max_seeds: int) -> int:
    """The cap the adaptive seeds grow to: --max-seeds, raised to --seeds when the cap was left at its
    default; a --max-seeds given below --seeds is a usage error (the seeds can only grow)."""
    from click.core import ParameterSource

    if max_seeds < seeds and ctx.get_parameter_source("max_seeds") != ParameterSource.DEFAULT:
        raise click.UsageError(
            f"--max-seeds {max_seeds} is below --seeds {seeds}: the seeds only grow from --seeds; "
            f"pass --max-seeds {seeds} or more (or equal to --seeds for no adaptive seeds)"
        )
    return max(max_seeds, seeds)


def safety_net_option(default: str, help_text: str) -> Callable[[F], F]:
    """`--safety-net on|off` (chat and sim run share it; see `esc_cli.safety.net`)."""
    return click.option(
        "--safety-net", type=click.Choice(["on", "off"]), default=default, show_default=True, help=help_text
    )


def format_option(help_text: str = "text for people, json for scripts.") -> Callable[[F], F]:
    """`--format text|json`, passed to the command as `fmt`."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )
