"""Every command explains itself: `--help` works everywhere and says something."""

from __future__ import annotations

import click
from testkit import EscRunner

from esc_cli.cli.main import _register, cli


def _walk(command: click.Command, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found.extend(_walk(sub, (*path, name)))
    return found


def test_every_command_has_help(esc: EscRunner) -> None:
    _register()
    paths = _walk(cli, ())
    assert len(paths) > 5
    for path in paths:
        result = esc(*path, "--help")
        assert result.code == 0, path
        assert "Usage: esc" in result.out
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        assert command.help and len(command.help.split()) >= 5, f"esc {' '.join(path)} needs a real help text"


def test_unknown_command_is_usage_error(esc: EscRunner) -> None:
    result = esc("frobnicate")
    assert result.code == 2
    assert "No such command" in result.err
