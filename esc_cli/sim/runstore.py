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
from esc_cli.secrets import scrub
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
    """The canonical JSONL line of a dialogue: sorted keys, so the same run is byte-identical; an
    `error` field only on a failed dialogue; known API key values scrubbed out."""
    data = dialogue.model_dump(mode="json", exclude=None if dialogue.error else {"error"})
    return scrub(json.dumps(data, ensure_ascii=False, sort_keys=True)) + "\n"


def append_dialogue(handle: IO[str], dialogue: Dialogue) -> None:
    try:
        handle.write(dialogue_line(dialogue))
        handle.flush()
    except OSError as exc:
        raise InputError(
            handle.name,
            f"cannot write the dialogue {dialogue.key}: {exc.strerror or exc}",
            fix="free some space, then finish the run with `esc sim run --resume --out` and this folder",
        ) from exc


def write_json(path: Path, model: BaseModel) -> None:
    atomic_write_text(
        path, json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


def read_dialogues(path: Path, *, tolerate_partial_last_line: bool = False) -> list[Dialogue]:
    """Read dialogues.jsonl. A torn last line (from a crash) is dropped only when tolerated (resume)."""
    if not path.exists():
        return []
    if path.is_dir():
        raise InputError(path, "is a folder, not a dialogue file", fix="re-run the simulation")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            where=f"line {row}",
            fix="re-run the simulation or remove the line",
        ) from exc
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


def load_run(folder: Path, *, allow_mismatch: bool = False) -> Run:
    """Load a finished run folder, naming the missing file when it is incomplete.

    A run whose dialogues.jsonl holds another number of dialogues than summary.json counts (a
    truncated or edited file) is refused: its tables would describe dialogues that are not there.
    `allow_mismatch` lets a caller that shows the disagreement itself (the HTML report) read it.
    """
    if not folder.exists():
        raise InputError(folder, "run folder not found", fix="pass the folder that `esc sim run` wrote")
    if not folder.is_dir():
        raise InputError(
            folder, "is a file, not a run folder", fix="pass the folder that `esc sim run` wrote"
        )
    if not (folder / RUN_FILE).exists():
        raise InputError(
            folder,
            f"not a run folder: it has no {RUN_FILE}",
            fix="pass a folder that `esc sim run` wrote, such as runs/<run-id>",
        )
    resume = f"finish it with `esc sim run --resume --out {folder}` and the options it was started with"
    for name in (DIALOGUES_FILE, SUMMARY_FILE):
        if not (folder / name).exists():
            raise InputError(folder / name, "missing: the run is incomplete", fix=resume)
    config = _read_model(folder / RUN_FILE, RunConfig)
    dialogues = read_dialogues(folder / DIALOGUES_FILE)
    summary = _read_model(folder / SUMMARY_FILE, Summary)
    if len(dialogues) != summary.dialogues and not allow_mismatch:
        raise InputError(
            folder / DIALOGUES_FILE,
            f"holds {len(dialogues)} dialogue(s) but {SUMMARY_FILE} counts {summary.dialogues}: "
            "the run is truncated or was edited",
            fix=resume,
        )
    return Run(path=folder, config=config, dialogues=dialogues, summary=summary)
