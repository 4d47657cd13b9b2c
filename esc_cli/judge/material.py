"""The material `esc eval judge` reads: dialogue files with ratings, and judged-pair suites.

Dialogue files are read by the project's readers (`esc_cli.data`): the MultiESC layout with `feedback`
on seeker turns, and the generic JSONL layout with a per-turn `feedback` (1-5) on seeker turns; the
rating a seeker gives on their turn is the rating of the supporter reply before it. A pair suite is
JSONL, one object a line:

    {"kind": str, "turn": int, "context": [{"speaker": "seeker"|"supporter", "text": str}, ...],
     "better": str, "worse": str}

The context ends with the seeker; `better` and `worse` are two candidate next supporter turns. The
kind `paraphrase` marks two replies that say the same thing in other words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esc_cli import jsonsafe
from esc_cli.data.corpus import load_corpus
from esc_cli.errors import InputError
from esc_cli.fileio import read_text
from esc_cli.jsonsafe import kind_of
from esc_cli.judge.turns import JudgedTurn, Said, fingerprints, judged_turns

PARAPHRASE = "paraphrase"
SUITE_MAX_BYTES = 16 << 20
PAIR_FIX = 'each line must be {"kind", "turn", "context": [{"speaker", "text"}, ...], "better", "worse"}'


@dataclass(frozen=True)
class Pair:
    """One judged pair of a suite."""

    kind: str
    turn: int
    context: tuple[Said, ...]
    better: str
    worse: str


def dialogue_turns(path: Path) -> list[JudgedTurn]:
    """Every judged turn of a dialogue file (any layout the readers know)."""
    turns = [t for d in load_corpus([path]) for t in judged_turns(d)]
    if not turns:
        raise InputError(
            path, "holds no supporter turn that answers a seeker turn", fix="pass a dialogue file"
        )
    return turns


def held_out(turns: list[JudgedTurn], trained: frozenset[str]) -> tuple[list[JudgedTurn], int]:
    """The turns of dialogues the judge was not trained on (by fingerprint, `turns.fingerprints`),
    and how many dialogues were left out."""
    prints = fingerprints(turns)
    kept = [t for t in turns if prints[t.dialogue] not in trained]
    return kept, len({t.dialogue for t in turns} - {t.dialogue for t in kept})


def _text(obj: dict[str, Any], key: str, where: str, path: Path) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"{key!r} must be a non-empty string", where=where, fix=PAIR_FIX)
    return value


def _pair(obj: Any, path: Path, where: str) -> Pair:
    if not isinstance(obj, dict):
        raise InputError(path, f"{kind_of(obj)}, not a JSON object", where=where, fix=PAIR_FIX)
    turn = obj.get("turn")
    if not isinstance(turn, int) or isinstance(turn, bool) or turn < 1:
        raise InputError(path, "'turn' must be an integer of at least 1", where=where, fix=PAIR_FIX)
    raw = obj.get("context")
    if not isinstance(raw, list) or not raw:
        raise InputError(path, "'context' must be a non-empty list", where=where, fix=PAIR_FIX)
    context: list[Said] = []
    for i, said in enumerate(raw):
        at = f"{where}, context[{i}]"
        if not isinstance(said, dict) or said.get("speaker") not in ("seeker", "supporter"):
            raise InputError(
                path, "each context item needs 'speaker' seeker or supporter", where=at, fix=PAIR_FIX
            )
        context.append(Said(said["speaker"], _text(said, "text", at, path)))
    if context[-1].speaker != "seeker":
        raise InputError(path, "the context must end with the seeker", where=where, fix=PAIR_FIX)
    kind = _text(obj, "kind", where, path)
    if kind != PARAPHRASE and kind.strip().lower() == PARAPHRASE:
        raise InputError(
            path,
            f"kind {kind!r} would be scored as a preference",
            where=where,
            fix=f"write {PARAPHRASE!r} (lower case) for two replies that say the same thing",
        )
    return Pair(
        kind,
        turn,
        tuple(context),
        _text(obj, "better", where, path),
        _text(obj, "worse", where, path),
    )


def read_pairs(path: Path) -> list[Pair]:
    """Every pair of a suite file, or one InputError naming the file and line."""
    pairs: list[Pair] = []
    for number, line in enumerate(
        read_text(
            path, max_bytes=SUITE_MAX_BYTES, what="pair suite", empty_fix="pass a suite with one pair a line"
        ).splitlines(),
        start=1,
    ):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            obj = jsonsafe.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"is not valid JSON ({exc.msg})", where=where, fix=PAIR_FIX) from None
        except jsonsafe.JsonRefused as exc:
            raise InputError(path, exc.problem, where=where, fix=exc.fix) from None
        pairs.append(_pair(obj, path, where))
    if not pairs:
        raise InputError(path, "holds no pair", fix=PAIR_FIX)
    return pairs
