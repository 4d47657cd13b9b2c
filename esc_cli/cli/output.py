"""Terminal output for the CLI: one rich console for tables, and plain echo for lines."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

PIPE_WIDTH = 120


class _Console(Console):
    """A console that lays tables out at least PIPE_WIDTH wide when it writes to a pipe or a CI log,
    where rich would assume 80 columns and cut numbers short ("17…"). A terminal keeps its own width."""

    @property
    def width(self) -> int:
        width = super().width
        return width if self.is_terminal else max(width, PIPE_WIDTH)

    @width.setter
    def width(self, value: int) -> None:
        Console.width.fset(self, value)  # type: ignore[attr-defined]


console = _Console(highlight=False, soft_wrap=True)
err_console = _Console(stderr=True, highlight=False, soft_wrap=True)


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
