"""`--batch` for the commands that run many dialogues on a model (sim run, skill verify, evolve)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from esc_cli.config import Bank
from esc_cli.errors import InputError
from esc_cli.llm.batch import BatchRound, enable_batch
from esc_cli.llm.batch_journal import FILENAME, BatchJournal
from esc_cli.llm.client import ModelClient
from esc_cli.llm.retry import RetryPolicy

F = TypeVar("F", bound=Callable[..., Any])

BATCH_HELP = (
    "Send the model calls through the provider's batch API (Anthropic Message Batches, OpenAI Batch "
    "API): half the price, but each step may take minutes to hours. Every step of all dialogues is "
    "one batch; batch ids are journaled, so a killed run started again polls instead of resubmitting."
)


def batch_option(command: F) -> F:
    """Add `--batch` to a command; it receives `batch: bool`."""
    return click.option("--batch", is_flag=True, help=BATCH_HELP)(command)


def start_batch(bank: Bank, clients: dict[str, ModelClient], journal: Path) -> BatchRound:
    """Switch the model clients of a run to batch mode, journaling batch ids in `journal`."""
    if not clients:
        raise InputError(
            None,
            "--batch has nothing to send: every role runs offline",
            where="--batch",
            fix="give the model roles a backend, e.g. --agent-backend anthropic, or leave out --batch",
        )
    round_ = BatchRound(
        BatchJournal(journal),
        poll=bank.settings.batch_poll,
        retry=RetryPolicy(max_attempts=bank.settings.max_attempts),
    )
    return enable_batch(clients.values(), round_)


def journal_in(folder: Path) -> Path:
    return folder / FILENAME


def batch_line(round_: BatchRound) -> str:
    """One line on what batch mode did, for the end of a command's output."""
    stats = round_.stats
    return (
        f"batch mode: {len(stats.submitted)} batch(es) submitted with {stats.requests} requests, "
        f"{len(stats.resumed)} resumed by polling; journal {round_.journal.path}"
    )
