"""Reading `ius.jsonl`: one IU record a line, each checked against the record model.

Writing goes through `esc_cli.iu.parallel` (JSON lines) and `fileio.atomic_writer`; reading goes
through `read_ius`, which names the file and line of the first bad record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from esc_cli.errors import InputError
from esc_cli.fileio import key_path, read_text
from esc_cli.iu.records import IU


def iter_ius(path: Path) -> Iterator[IU]:
    """Each IU of the file, in order. Raises InputError at the first malformed line."""
    text = read_text(
        path, max_bytes=None, what="IU file", empty_fix="extract IUs into it first: esc iu extract"
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield IU.model_validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":
                problem, where = f"malformed JSON: {first['msg']}", f"line {number}"
            else:
                problem = (
                    "required key is missing"
                    if first["type"] == "missing"
                    else str(first["msg"]).removeprefix("Value error, ")
                )
                place = key_path(first["loc"])
                where = f"line {number} -> {place}" if place else f"line {number}"
            raise InputError(path, problem, where=where, fix="re-run esc iu extract to rebuild it") from None


def read_ius(path: Path) -> list[IU]:
    """Every IU of the file; an empty IU file is an error."""
    found = list(iter_ius(path))
    if not found:
        raise InputError(path, "no IUs in the file", fix="run esc iu extract first")
    return found


def dump_iu(iu: IU) -> str:
    """One JSON line, the same bytes `esc iu extract` writes."""
    return iu.model_dump_json()
