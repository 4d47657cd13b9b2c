"""Reading dialogue files: the container (JSON list or JSON Lines), layout detection, and errors that
name the file and the line.

`read_dialogues(path)` detects the layout from the first dialogue unless `fmt` forces one; every
layout lives in `esc_cli.data.layouts`. A folder given to `dialogue_files` stands for the `.json` and
`.jsonl` files directly inside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from esc_cli import jsonsafe
from esc_cli.data.dialogue import Dialogue
from esc_cli.data.layouts import DEFAULT_SOURCES, FORMATS, PARSERS, LayoutProblem, guess_format
from esc_cli.errors import InputError
from esc_cli.fileio import read_text

SPLIT_NAMES = {"train": "train", "valid": "valid", "validation": "valid", "dev": "valid", "test": "test"}
NO_SPLIT = "all"
FORMAT_FIX = (
    'convert it to the generic layout (a JSON object a line: {"turns": [{"speaker", "text"}, ...]}) '
    f"or another layout esc reads: {', '.join(FORMATS)}"
)


def split_of(path: Path) -> str:
    """The split a file holds, from its name (`train.jsonl` -> train); `all` when the name says none."""
    return SPLIT_NAMES.get(path.stem.lower(), NO_SPLIT)


# Files that `esc data fetch` puts beside the dialogues but that hold no dialogues.
AUXILIARY_FILES = frozenset({"strategy.json"})


def dialogue_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the .json/.jsonl dialogue files directly inside them, sorted (leaving out
    `AUXILIARY_FILES`); files named on the command line pass through."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.iterdir()
                if p.suffix in (".json", ".jsonl") and p.is_file() and p.name not in AUXILIARY_FILES
            )
            if not inside:
                raise InputError(path, "folder holds no .json or .jsonl files", fix="pass the dialogue files")
            found.extend(inside)
        else:
            found.append(path)
    return found


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _malformed(
    path: Path, text: str, exc: json.JSONDecodeError, line_base: int = 0, unit: str = "file"
) -> InputError:
    # A JSON document or line opens with a bracket and ends with its closing one: one that opens but
    # does not close was cut short. Text that never opened one is not JSON at all.
    body = text.strip()
    truncated = body.startswith(("[", "{")) and not body.endswith(("]", "}"))
    problem = (
        f"truncated JSON (the {unit} ends inside a value)" if truncated else f"malformed JSON: {exc.msg}"
    )
    where = f"line {exc.lineno + line_base}, column {exc.colno}"
    return InputError(path, problem, where=where, fix="repair or re-download the file")


def _json_list(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """(line, dialogue object) for each item of a JSON list, with the line each item starts on."""
    decoder = json.JSONDecoder()
    try:
        items = jsonsafe.loads(text)
    except json.JSONDecodeError as exc:
        raise _malformed(path, text, exc) from None
    except jsonsafe.JsonRefused as exc:
        raise InputError(path, exc.problem, fix=exc.fix) from None
    if not isinstance(items, list):
        raise InputError(path, "expected a JSON list of dialogues", where="line 1", fix=FORMAT_FIX)
    # A second, positional decode finds the line each item starts on, for messages that name it.
    position = text.index("[") + 1
    for item in items:
        while text[position] in " \t\r\n,":
            position += 1
        _, end = decoder.raw_decode(text, position)
        yield _line_of(text, position), item
        position = end


def _json_lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, jsonsafe.loads(line)
        except json.JSONDecodeError as exc:
            raise _malformed(path, line, exc, line_base=number - 1, unit="line") from None
        except jsonsafe.JsonRefused as exc:
            raise InputError(path, exc.problem, where=f"line {number}", fix=exc.fix) from None


def _objects(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    if text.lstrip().startswith("["):
        return _json_list(path, text)
    return _json_lines(path, text)


def _empty_dialogue(obj: Any) -> bool:
    """A dialogue object with an empty list of turns: it says nothing about its layout."""
    return isinstance(obj, dict) and any(obj.get(key) == [] for key in ("dialog", "turns"))


def _layout_of(path: Path, objects: list[tuple[int, Any]]) -> str:
    """The layout of the first dialogue that has turns (empty ones, even on line 1, cannot tell)."""
    for line, obj in objects:
        if _empty_dialogue(obj):
            continue
        layout = guess_format(obj)
        if layout is None:
            wrong = [k for k in ("turns", "dialog") if isinstance(obj, dict) and k in obj]
            if wrong:
                raise InputError(
                    path,
                    f"{wrong[0]!r} is {jsonsafe.kind_of(obj[wrong[0]])}, not a list of turns",
                    where=f"line {line}",
                    fix=f'make {wrong[0]!r} a list of turns, each {{"speaker": ..., "text": ...}}',
                )
            if isinstance(obj, dict):
                found = f"keys {', '.join(sorted(obj)[:6])}" if obj else "an empty object"
            else:
                found = jsonsafe.kind_of(obj)
            raise InputError(
                path, f"not a dialogue layout esc knows (found {found})", where=f"line {line}", fix=FORMAT_FIX
            )
        return layout
    raise InputError(path, "no dialogue has any turns", fix="check that this is a dialogue file")


def read_dialogues(path: Path, *, fmt: str | None = None) -> list[Dialogue]:
    """Every dialogue in one file. Raises InputError naming the file and line of the first problem."""
    if fmt is not None and fmt not in PARSERS:
        raise InputError(None, f"unknown format {fmt!r}", fix=f"use one of {', '.join(FORMATS)}")
    text = read_text(path, max_bytes=None, what="dialogue file", empty_fix="pass a file that holds dialogues")
    split = split_of(path)
    dialogues: list[Dialogue] = []
    objects = list(_objects(path, text))
    if not objects:
        raise InputError(path, "no dialogues found", fix="check that this is a dialogue file")
    layout = fmt or _layout_of(path, objects)
    for line, obj in objects:
        source = DEFAULT_SOURCES.get(layout, path.stem)
        try:
            dialogue = PARSERS[layout](obj, source, split, len(dialogues))
        except LayoutProblem as exc:
            where = f"line {line} (dialogue {len(dialogues) + 1}) -> {exc.where}"
            fix = exc.fix or f"check the file against the {layout} layout"
            raise InputError(path, exc.problem, where=where, fix=fix) from None
        dialogue.origin = f"{path}:{line}"
        dialogues.append(dialogue)
    return dialogues
