"""The click type of a run-folder argument: a path, or `latest` (`latest~N`) in the bank's runs folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from esc_cli.cli.common import get_bank
from esc_cli.sim.latest import is_latest, resolve_run


class RunFolder(click.ParamType):  # type: ignore[type-arg]
    """A run folder. `latest` is the newest run of the bank, `latest~1` the one before."""

    name = "run"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = str(value)
        if not is_latest(text) or ctx is None:
            return Path(text)
        return resolve_run(text, get_bank(ctx).runs_dir)


RUN_FOLDER = RunFolder()
LATEST_HELP = "RUN is a run folder, or `latest` for the newest run of the bank (`latest~1` the one before)."
