"""Reading and writing a run folder (DESIGN §5): run.json, dialogues.jsonl, summary.json.

Dialogues are appended one line at a time with a flush, so `--resume` can skip finished ones after a
crash. The summary and config are written through a temporary file and a rename.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import atomic_write_text, read_text
from esc_cli.sim.records import Dialogue, RunConfig, Summary

RUN_FILE = "run.json"
DIALOGUES_FILE = "dialogues.jsonl"
SUMMARY_FILE = "summary.json"

_M = TypeVar("_M", bound=BaseModel)


class Run(BaseModel):
    """A run read back from disk."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    config: RunConfig
    dialogues: list[Dialogue]
    summary: Summary


def dialogue_line(dialogue: Dialogue) -> str:
    """The canonical JSONL line of a dialogue: sorted keys, so the same run is byte-identical."""
    return json.dumps(dialogue.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n"


def append_dialogue(handle: IO[str], dialogue: Dialogue) -> None:
    handle.write(dialogue_line(dialogue))
    handle.flush()


def write_json(path: Path, model: BaseModel) -> None:
    atomic_write_text(
        path, json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


def read_dialogues(path: Path, *, tolerate_partial_last_line: bool = False) -> list[Dialogue]:
    """Read dialogues.jsonl. A torn last line (from a crash) is dropped only when tolerated (resume)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    dialogues: list[Dialogue] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            dialogues.append(Dialogue.model_validate_json(line))
        except ValidationError as exc:
            last = number == len(lines) and not text.endswith("\n")
            if tolerate_partial_last_line and last:
                break
            raise InputError(
                path,
                f"not a dialogue record: {exc.errors()[0]['msg']}",
                where=f"line {number}",
                fix="re-run the simulation or remove the line",
            ) from exc
    return dialogues


def _read_model(path: Path, model: type[_M]) -> _M:
    text = read_text(path, max_bytes=None, what="run file")
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(
            path, f"not a valid {path.name}: {exc.errors()[0]['msg']}", fix="re-run the simulation"
        ) from exc


def read_config(path: Path) -> RunConfig:
    """Read a run.json on its own (resume reads it before the run is complete)."""
    return _read_model(path, RunConfig)


def load_run(folder: Path) -> Run:
    """Load a finished run folder, naming the missing file when it is incomplete."""
    if not folder.is_dir():
        raise InputError(folder, "run folder not found", fix="pass the folder that `esc sim run` wrote")
    for name in (RUN_FILE, DIALOGUES_FILE, SUMMARY_FILE):
        if not (folder / name).exists():
            raise InputError(
                folder / name, "missing: the run is incomplete", fix="finish it with `esc sim run --resume`"
            )
    return Run(
        path=folder,
        config=_read_model(folder / RUN_FILE, RunConfig),
        dialogues=read_dialogues(folder / DIALOGUES_FILE),
        summary=_read_model(folder / SUMMARY_FILE, Summary),
    )
