"""Terminal output for the CLI: one rich console for tables, and plain echo for lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from esc_cli.llm.client import ModelClient

PIPE_WIDTH = 120


def _console(*, stderr: bool) -> Console:
    """A console that lays tables out PIPE_WIDTH wide when it writes to a pipe or a CI log, where rich
    would assume 80 columns and cut cells short ("openai/fake-…"); a terminal keeps its own width."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=True)


console = _console(stderr=False)
err_console = _console(stderr=True)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 dialogue`, `2 dialogues` (`plural` when adding an s will not do)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


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


class LiveText(ProgressColumn):
    """A column whose text is read afresh at every refresh (rich redraws about ten times a second)."""

    def __init__(self, text: Callable[[], str]) -> None:
        super().__init__()
        self._text = text

    def render(self, task: Task) -> Text:
        return Text(self._text(), style="progress.data")


def call_status(clients: Iterable[ModelClient | None]) -> Callable[[], str]:
    """The model calls of a run as the progress bar shows them: in flight now, and their mean time.

    Clients of one server share a gate, which counts both; each gate is read once.
    """
    gates = list({id(c.gate): c.gate for c in clients if c is not None}.values())

    def text() -> str:
        if not gates:
            return ""
        flying = sum(g.in_flight for g in gates)
        finished = sum(g.finished for g in gates)
        mean = sum(g.busy_seconds for g in gates) / finished if finished else 0.0
        return f"{flying} call{'s' if flying != 1 else ''} in flight, mean {mean:.1f}s"

    return text


def progress_bar(
    label: str, total: int | None = None, *, status: Callable[[], str] | None = None
) -> Progress:
    """A progress bar on stderr for long work; silent when stderr is not a terminal (CI logs, pipes)
    or when there is nothing to do (`total` 0). Tasks may be added later with their own totals.
    `status` adds a live text after the bar (`call_status`: model calls in flight, mean call time)."""
    columns: list[ProgressColumn] = [
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if status is not None:
        columns.append(LiveText(status))
    return Progress(
        *columns,
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal or total == 0,
    )


def print_usage(clients: Sequence[ModelClient]) -> None:
    """Calls, tokens and estimated cost per role, from the ledger the clients of one run share."""
    if not clients:
        return
    rows = [
        [
            u.role,
            f"{u.backend}/{u.model}",
            u.calls,
            u.cached_calls,
            u.input_tokens,
            u.output_tokens,
            f"${u.cost_usd:.4f}" if u.priced else "no price",
        ]
        for u in clients[0].ledger.rows()
    ]
    if rows:
        columns: tuple[str, ...] = (
            "role",
            "model",
            "calls",
            "cached",
            "input tokens",
            "output tokens",
            "est. cost",
        )
        usage = clients[0].ledger.rows()
        if any(u.batch_calls for u in usage):
            # Batch mode: which calls went through a batch API, and what its discount saved.
            columns += ("batched", "batch saving")
            for row, u in zip(rows, usage, strict=True):
                row += [u.batch_calls, f"${u.batch_saved_usd:.4f}" if u.priced else "no price"]
        console.print(table("model usage", columns, rows))
