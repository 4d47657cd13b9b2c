"""The frozen suites in bench/suites: the judge pair suite keeps its exact schema and coverage, and no
file listed in FROZEN.sha256 changes without the change showing up here."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from testkit import REPO

SUITES = REPO / "bench" / "suites"
FROZEN = SUITES / "FROZEN.sha256"
PAIRS = SUITES / "judge_pairs.jsonl"

PAIR_KEYS = {"kind", "turn", "context", "better", "worse"}
TURN_KEYS = {"speaker", "text"}
SPEAKERS = {"seeker", "supporter"}
# The kinds the issue asks for; `paraphrase` pairs say the same thing twice, in other words.
KINDS = {
    "dismissive",
    "blaming",
    "toxic-positivity",
    "sarcasm",
    "off-topic",
    "premature-advice",
    "content-free-template",
    "cold-clinical",
    "lecturing",
    "crisis-brush-off",
    "paraphrase",
}
MIN_PAIRS = 120
MIN_KINDS = 10
MIN_PER_KIND = 12
MIN_PARAPHRASES = 20
FROZEN_LINE = re.compile(r"(?P<digest>[0-9a-f]{64}) [ *](?P<name>\S+)")


def frozen_entries() -> dict[str, str]:
    """File name -> sha256 hex digest, read from FROZEN.sha256 (the `sha256sum` output format)."""
    entries: dict[str, str] = {}
    for number, line in enumerate(FROZEN.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = FROZEN_LINE.fullmatch(line)
        assert match, f"{FROZEN.name}:{number}: not a `sha256sum` line: {line!r}"
        name = match["name"]
        assert "/" not in name and name not in {".", ".."}, (
            f"{FROZEN.name}:{number}: {name!r} must be a file name inside bench/suites"
        )
        assert name not in entries, f"{FROZEN.name}:{number}: {name} is listed twice"
        entries[name] = match["digest"]
    return entries


def check_pair(where: str, pair: Any) -> None:
    """Assert that one decoded line is a judge pair of the exact documented shape."""
    assert isinstance(pair, dict), f"{where}: a line must be a JSON object"
    assert set(pair) == PAIR_KEYS, f"{where}: keys must be exactly {sorted(PAIR_KEYS)}, not {sorted(pair)}"
    assert isinstance(pair["kind"], str) and pair["kind"].strip(), f"{where}: kind must be a non-empty string"
    for key in ("better", "worse"):
        assert isinstance(pair[key], str) and pair[key].strip(), f"{where}: {key} must be a non-empty string"
    assert pair["better"].strip() != pair["worse"].strip(), f"{where}: better and worse are the same reply"
    context = pair["context"]
    assert isinstance(context, list) and context, f"{where}: context must be a non-empty list of turns"
    for index, turn in enumerate(context):
        at = f"{where}: context[{index}]"
        assert isinstance(turn, dict) and set(turn) == TURN_KEYS, f"{at} must have exactly speaker and text"
        assert turn["speaker"] in SPEAKERS, f"{at}: speaker {turn['speaker']!r} is not seeker or supporter"
        assert isinstance(turn["text"], str) and turn["text"].strip(), (
            f"{at}: text must be a non-empty string"
        )
    assert context[-1]["speaker"] == "seeker", f"{where}: context must end with a seeker turn"
    seeker_turns = sum(1 for turn in context if turn["speaker"] == "seeker")
    number = pair["turn"]
    assert type(number) is int and number >= 1, f"{where}: turn must be an integer >= 1, not {number!r}"
    assert number == seeker_turns, (
        f"{where}: turn is {number} but the context has {seeker_turns} seeker turns"
    )


def read_pairs(path: Path) -> list[dict[str, Any]]:
    """Every line of a pair suite, each checked against the schema (a failure names the file and line)."""
    text = path.read_bytes().decode("utf-8")  # bytes: read_text would turn CRLF into LF
    assert text.endswith("\n") and "\r" not in text, f"{path.name}: lines must end with LF, the last one too"
    pairs: list[dict[str, Any]] = []
    for number, line in enumerate(text[:-1].split("\n"), 1):
        where = f"{path.name}:{number}"
        try:
            pair = json.loads(line)
        except json.JSONDecodeError as err:
            pytest.fail(f"{where}: not JSON ({err.msg})")
        check_pair(where, pair)
        pairs.append(pair)
    return pairs


def test_frozen_file_lists_the_pair_suite() -> None:
    assert PAIRS.name in frozen_entries()


@pytest.mark.parametrize("name", sorted(frozen_entries()))
def test_frozen_file_is_unchanged(name: str) -> None:
    path = SUITES / name
    assert path.is_file(), f"FROZEN.sha256 lists {name}, which is not in bench/suites"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == frozen_entries()[name], (
        f"bench/suites/{name} differs from its frozen hash; a frozen suite must not be edited. "
        "Add a new suite file (and its line in FROZEN.sha256) instead."
    )


def test_pair_suite_lines_follow_the_schema() -> None:
    pairs = read_pairs(PAIRS)
    assert len(pairs) >= MIN_PAIRS


def test_pair_suite_covers_every_kind() -> None:
    counts = Counter(pair["kind"] for pair in read_pairs(PAIRS))
    assert set(counts) == KINDS, f"unexpected or missing kinds: {set(counts) ^ KINDS}"
    assert len(counts) >= MIN_KINDS
    thin = {kind: n for kind, n in counts.items() if n < MIN_PER_KIND}
    assert not thin, f"kinds with fewer than {MIN_PER_KIND} pairs: {thin}"
    assert counts["paraphrase"] >= MIN_PARAPHRASES


def test_pair_suite_has_no_repeated_pair_and_varies_its_contexts() -> None:
    pairs = read_pairs(PAIRS)
    keys = [(pair["context"][-1]["text"], pair["better"], pair["worse"]) for pair in pairs]
    assert len(set(keys)) == len(keys)
    assert {pair["turn"] for pair in pairs} >= {1, 2, 3, 4}
    # Length alone must not decide: the better reply is the longer one in some pairs and not in others.
    longer = sum(len(pair["better"]) > len(pair["worse"]) for pair in pairs)
    assert 0.3 < longer / len(pairs) < 0.7


SEEKER_HI = {"speaker": "seeker", "text": "hi"}
SUPPORTER_HI = {"speaker": "supporter", "text": "hello"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"context": []}, "non-empty list"),
        ({"turn": 2}, "1 seeker turns"),
        ({"turn": True}, "integer"),
        ({"context": [SEEKER_HI, SUPPORTER_HI]}, "end with a seeker turn"),
        ({"context": [{"speaker": "agent", "text": "hi"}]}, "not seeker or supporter"),
        ({"context": [{"speaker": "seeker", "text": " "}]}, "text must be a non-empty string"),
        ({"worse": "a"}, "the same reply"),
        ({"better": ""}, "better must be a non-empty string"),
        ({"rating": 3}, "keys must be exactly"),
    ],
)
def test_schema_check_rejects_malformed_pairs(changes: dict[str, Any], message: str) -> None:
    good = {"kind": "sample", "turn": 1, "context": [SEEKER_HI], "better": "a", "worse": "b"}
    check_pair("sample.jsonl:1", good)
    with pytest.raises(AssertionError, match=message):
        check_pair("sample.jsonl:1", good | changes)
