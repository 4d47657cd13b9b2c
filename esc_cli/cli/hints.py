"""Next-step hints: the one line a command prints, on stderr, about what to run next."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

import click


def command(*words: str) -> str:
    """A shell command line with every word quoted only where the shell needs it."""
    return " ".join(shlex.quote(word) for word in words)


def next_steps(steps: Sequence[tuple[str, str]]) -> None:
    """Print `next: <command>  (<what it does>)` lines on stderr, so stdout stays the result."""
    for cmd, what in steps:
        click.echo(f"next: {cmd}   # {what}", err=True)
