"""Reading an `ius.jsonl` file into IU records, one clear error per bad line."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import read_text, validation_errors
from esc_cli.iu.records import IU

MAX_IU_FILE_BYTES = 512 * 1024 * 1024


def read_ius(path: Path) -> list[IU]:
    """Every IU of a JSONL file, in file order. Blank lines are skipped; a bad line is an error."""
    text = read_text(path, max_bytes=MAX_IU_FILE_BYTES, what="IU file")
    found: list[IU] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                path, f"not valid JSON: {exc.msg}", where=f"line {number}", fix="write one IU per line"
            ) from exc
        try:
            found.append(IU.model_validate(data))
        except ValidationError as exc:
            first = validation_errors(path, exc)[0]
            raise InputError(
                path,
                first.problem,
                where=f"line {number}: {first.where}",
                fix=first.fix or "re-run `esc iu extract`",
            ) from exc
    if not found:
        raise InputError(path, "no IUs in the file", fix="run `esc iu extract` first")
    return found
