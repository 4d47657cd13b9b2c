"""Reading labelled material for the crisis checks (`esc eval crisis`, the bench and the trainer).

Cue files: a TSV with the header `label<TAB>text`, or JSON Lines with the fields `label` and `text`;
label `crisis` or `none`. Response files: JSON Lines with `cue`, `reply` and `label` (`handled` or
`unhandled`), and optionally `kind` (a name for the kind of reply, such as `brush-off`: the figures are
then also given per kind). Any problem is an InputError naming the file and the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esc_cli import jsonsafe
from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.jsonsafe import kind_of

CUE_LABELS = ("crisis", "none")
RESPONSE_LABELS = ("handled", "unhandled")


@dataclass(frozen=True)
class LabelledCue:
    line: int
    text: str
    crisis: bool


@dataclass(frozen=True)
class LabelledResponse:
    line: int
    cue: str
    reply: str
    handled: bool
    kind: str = ""


def _label(path: Path, line: int, value: Any, allowed: tuple[str, ...]) -> str:
    """The label, read in any case and without surrounding spaces ("Crisis " is crisis)."""
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    choices = " or ".join(f'"{a}"' for a in allowed)
    if value is None:
        problem = "'label' is missing"
    elif isinstance(value, str):
        problem = f"label {value!r} is not one of {', '.join(allowed)}"
    else:
        problem = f"'label' must be a string (it is {kind_of(value)})"
    raise InputError(path, problem, where=f"line {line}", fix=f"write the label {choices}")


def _text(path: Path, line: int, obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        found = "missing" if key not in obj else kind_of(value) if not isinstance(value, str) else "empty"
        raise InputError(
            path,
            f"'{key}' must be a non-empty string (it is {found})",
            where=f"line {line}",
            fix=f"write its {key}",
        )
    return value


CUE_LINE = 'write one JSON object a line: {"label": "crisis" or "none", "text": ...}'
RESPONSE_LINE = 'write one JSON object a line: {"cue": ..., "reply": ..., "label": "handled" or "unhandled"}'
RESPONSE_FIX = "pass a file of labelled replies, one JSON object a line: cue, reply and label"


def _json_lines(path: Path, text: str, fix: str) -> list[tuple[int, dict[str, Any]]]:
    found: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = jsonsafe.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"not valid JSON ({exc.msg})", where=f"line {number}", fix=fix) from exc
        except jsonsafe.JsonRefused as exc:
            raise InputError(path, exc.problem, where=f"line {number}", fix=exc.fix) from None
        if not isinstance(obj, dict):
            raise InputError(path, f"{kind_of(obj)}, not a JSON object", where=f"line {number}", fix=fix)
        found.append((number, obj))
    return found


def read_cues(path: Path) -> list[LabelledCue]:
    """Labelled statements from a TSV (header `label<TAB>text`) or JSONL file."""
    text = read_text(
        path, what="cue file", empty_fix="pass a file of labelled statements: TSV label<TAB>text, or JSONL"
    )
    cues: list[LabelledCue] = []
    if path.suffix.lower() in (".jsonl", ".json"):
        for number, obj in _json_lines(path, text, CUE_LINE):
            label = _label(path, number, obj.get("label"), CUE_LABELS)
            cues.append(LabelledCue(number, _text(path, number, obj, "text"), label == "crisis"))
    else:
        lines = text.splitlines()
        if not lines or lines[0].strip().split("\t") != ["label", "text"]:
            raise InputError(
                path,
                "the first line must be the header 'label<TAB>text'",
                where="line 1",
                fix="or pass a .jsonl file with the fields label and text",
            )
        for number, raw in enumerate(lines[1:], start=2):
            if not raw.strip():
                continue
            fields = raw.split("\t")
            if len(fields) != 2:
                raise InputError(
                    path,
                    f"{len(fields)} tab-separated field(s), expected 2: label and text",
                    where=f"line {number}",
                    fix="write label<TAB>text, with no tab inside the text",
                )
            if not fields[1].strip():
                raise InputError(path, "the text is empty", where=f"line {number}", fix="write the statement")
            label = _label(path, number, fields[0].strip(), CUE_LABELS)
            cues.append(LabelledCue(number, fields[1].strip(), label == "crisis"))
    if not cues:
        raise InputError(path, "no labelled statements", fix="add lines of label<TAB>text")
    return cues


def read_responses(path: Path) -> list[LabelledResponse]:
    """Labelled replies from a JSONL file with cue, reply and label."""
    text = read_text(path, what="response file", empty_fix=RESPONSE_FIX)
    if text.lstrip("\ufeff").startswith("label\t"):
        raise InputError(
            path,
            "this is a file of labelled statements (label<TAB>text), not of labelled replies",
            where="line 1",
            fix="pass it with --cues; --responses takes JSON lines of cue, reply and label",
        )
    found: list[LabelledResponse] = []
    for number, obj in _json_lines(path, text, RESPONSE_LINE):
        label = _label(path, number, obj.get("label"), RESPONSE_LABELS)
        kind = _text(path, number, obj, "kind") if "kind" in obj else ""
        found.append(
            LabelledResponse(
                number,
                _text(path, number, obj, "cue"),
                _text(path, number, obj, "reply"),
                label == "handled",
                kind.strip(),
            )
        )
    if not found:
        raise InputError(path, "no labelled replies", fix="add JSON lines with cue, reply and label")
    return found
