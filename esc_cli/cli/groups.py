"""The commands the root `esc` command offers, imported only when one is run.

`esc --help` lists every command from the one-line summaries below without importing any command
module (each pulls in pydantic, the labeller, git ...), so it starts in a fraction of the time. A
test keeps every summary equal to its command's own help, and `load_all` imports everything for the
tools that walk the whole tree (the README reference, the help tests).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class Lazy:
    """A command not imported yet: the module under esc_cli.cli that defines it, the attribute that
    holds it, and the summary `--help` shows for it (the first paragraph of its own help)."""

    module: str
    attr: str
    summary: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(f"esc_cli.cli.{self.module}"), self.attr)
        assert isinstance(command, click.Command), f"esc_cli.cli.{self.module}.{self.attr}"
        return command


class LazyGroup(click.Group):
    """A click group whose `lazy` commands are imported on first use. A module may attach its
    command to the group itself when imported (`@skill.command`); the group then keeps that one."""

    def __init__(self, *args: Any, lazy: Mapping[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Lazy] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            command = self.lazy[cmd_name].load()
            self.commands.setdefault(cmd_name, command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, but a command not imported yet is listed from its summary."""
        rows: list[tuple[str, Callable[[int], str]]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                stand_in = click.Command(name, help=self.lazy[name].summary)
                rows.append((name, stand_in.get_short_help_str))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, short(limit)) for name, short in rows])


def load_all(group: click.Group) -> None:
    """Import every lazy command under `group`, recursively, so `.commands` holds the whole tree."""
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if isinstance(command, click.Group):
            load_all(command)


# The root's commands. `skill` gets its discover, why and verify commands the same way (cli/skill.py).
ROOT: dict[str, Lazy] = {
    "cache": Lazy(
        "cache", "cache", "The call cache: every model reply, keyed on everything that can change it."
    ),
    "chat": Lazy(
        "chat",
        "chat",
        "Talk to the agent in the terminal, as the seeker. Each turn shows the skills it used.",
    ),
    "data": Lazy("data", "data", "Support-dialogue corpora: fetch them for `esc iu extract`."),
    "eval": Lazy("eval", "eval_group", "Measure against held-out human material."),
    "evolve": Lazy(
        "evolve",
        "evolve",
        "Evolve the bank on the train profiles and commit what helps on a branch for review.",
    ),
    "export": Lazy("export", "export", "Write the bank in formats that other agents load."),
    "import": Lazy("importer", "import_", "Read skills written for other agents back into the bank."),
    "init": Lazy(
        "init",
        "init",
        "Create a new bank in DIRECTORY: the seed skills, the seeker profiles, the prompt templates, "
        "CI files, and a pyproject.toml with a [tool.esc] table (appended if the file exists).",
    ),
    "iu": Lazy(
        "iu",
        "iu",
        "Intervention Units: the seeker's state, the supporter's intervention, the change after it.",
    ),
    "profile": Lazy(
        "profile",
        "profile",
        "Simulated seekers: one YAML file a profile, in profiles/train and profiles/verify.",
    ),
    "report": Lazy(
        "report",
        "report",
        "Write an HTML report of a run: scores, emotion trajectories, skill credit and every transcript.",
    ),
    "sim": Lazy("sim", "sim", "Run the agent against simulated seekers and score it, the SAGE way."),
    "skill": Lazy("skill", "skill", "Work with the skill files of the bank (skills/<id>.md)."),
}

SKILL: dict[str, Lazy] = {
    "discover": Lazy(
        "skill_discover",
        "discover_command",
        "Turn Intervention Units (from `esc iu extract`) into skills, and show the diff.",
    ),
    "verify": Lazy(
        "skill_verify",
        "verify_command",
        "Verify that a change to the bank does no harm: the merge gate for CI.",
    ),
    "why": Lazy(
        "skill_discover",
        "why",
        "Show the IUs behind each claim of a skill: its states, its expected outcome and its risks.",
    ),
}
