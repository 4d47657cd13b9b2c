"""The list of command groups the root `esc` command offers. Each module owns one group."""

from __future__ import annotations

import importlib

import click

# (module under esc_cli.cli, attribute). A module may attach extra commands to a group defined elsewhere.
GROUPS: tuple[tuple[str, str], ...] = (
    ("cache", "cache"),
    ("init", "init"),
    ("iu", "iu"),
    ("data", "data"),
    ("skill", "skill"),
    ("skill_discover", "skill"),
    ("skill_verify", "skill"),
    ("eval", "eval_group"),
    ("eval_crisis", "eval_group"),
    ("profile", "profile"),
    ("report", "report"),
    ("evolve", "evolve"),
    ("export", "export"),
    ("importer", "import_"),
    ("sim", "sim"),
    ("chat", "chat"),
)


def commands() -> list[click.Command]:
    """Import every listed module and return its command, once per distinct command object."""
    found: list[click.Command] = []
    for module_name, attr in GROUPS:
        module = importlib.import_module(f"esc_cli.cli.{module_name}")
        command = getattr(module, attr)
        if all(command is not seen for seen in found):
            found.append(command)
    return found
