"""Terminal output for the CLI: one rich console for tables, and plain echo for lines."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A plain rich table; numbers are right-aligned."""
    out = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    first = rows[0] if rows else ()
    for index, column in enumerate(columns):
        numeric = index < len(first) and isinstance(first[index], int | float)
        out.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        out.add_row(*(f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in row))
    return out


def progress_bar(label: str, total: int | None = None) -> Progress:
    """A progress bar on stderr for long work; silent when stderr is not a terminal (CI logs, pipes)
    or when there is nothing to do (`total` 0). Tasks may be added later with their own totals."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal or total == 0,
    )
