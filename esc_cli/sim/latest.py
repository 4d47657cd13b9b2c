"""`latest` wherever a run folder is expected: the newest run folder of the bank.

`latest` is the run whose run.json was written last; `latest~1` the one before it, and so on. Only
folders directly under the bank's runs folder that hold a run.json count (an evolve output folder
holds its round runs deeper down and is skipped).
"""

from __future__ import annotations

import re
from pathlib import Path

from esc_cli.errors import InputError
from esc_cli.sim.runstore import RUN_FILE

LATEST = "latest"
_PATTERN = re.compile(r"^latest(?:~(\d+))?$")


def is_latest(text: str) -> bool:
    """Whether `text` names a run by recency (`latest`, `latest~N`) rather than by path."""
    return _PATTERN.match(text) is not None


def run_folders(runs_dir: Path) -> list[Path]:
    """The run folders of `runs_dir`, newest first (by the time run.json was written, then name)."""
    if not runs_dir.is_dir():
        return []
    found = [p for p in runs_dir.iterdir() if (p / RUN_FILE).is_file()]
    return sorted(found, key=lambda p: ((p / RUN_FILE).stat().st_mtime_ns, p.name), reverse=True)


def resolve_run(text: str, runs_dir: Path) -> Path:
    """The folder `latest` or `latest~N` stands for in `runs_dir`; an InputError when there is none."""
    match = _PATTERN.match(text)
    if match is None:
        return Path(text)
    back = int(match[1] or 0)
    folders = run_folders(runs_dir)
    if back >= len(folders):
        have = f"only {len(folders)} run(s)" if folders else "no run folder"
        raise InputError(
            runs_dir,
            f"{have} here, so '{text}' names none",
            fix="run `esc sim run` first, or pass a run folder",
        )
    return folders[back]
