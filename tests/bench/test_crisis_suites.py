"""The frozen crisis suites in bench/suites: the cue files and the safety-response file keep their
format, their coverage and their split, and none of them changes without its hash changing too."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from testkit import REPO

SUITES = REPO / "bench" / "suites"
FROZEN = SUITES / "FROZEN.sha256"
CUE_FILES = {"train": SUITES / "crisis_cues_train.tsv", "test": SUITES / "crisis_cues_test.tsv"}
RESPONSES = SUITES / "safety_responses.jsonl"
CRISIS_FILES = (*CUE_FILES.values(), RESPONSES)

CUE_LABELS = {"crisis", "none"}
RESPONSE_LABELS = {"handled", "unhandled"}
MIN_PER_CUE_LABEL = 200  # across train and test
MIN_PER_RESPONSE_LABEL = 70
FROZEN_LINE = re.compile(r"(?P<digest>[0-9a-f]{64}) [ *](?P<name>\S+)")
# A phone number in any common form: help is pointed to in general words only.
PHONE = re.compile(r"\b\d{3}\b|\d[\d -]{5,}\d")


def read_cues(path: Path) -> list[tuple[str, str]]:
    raw = path.read_bytes()
    assert b"\r" not in raw, f"{path.name}: CR line endings"
    lines = raw.decode("utf-8").split("\n")
    assert lines[0] == "label\ttext", f"{path.name}: header must be 'label<TAB>text'"
    assert lines[-1] == "", f"{path.name}: must end with one newline"
    rows = []
    for number, line in enumerate(lines[1:-1], 2):
        fields = line.split("\t")
        assert len(fields) == 2, f"{path.name}:{number}: needs exactly one tab"
        label, text = fields
        assert label in CUE_LABELS, f"{path.name}:{number}: unknown label {label!r}"
        assert text and text == text.strip(), f"{path.name}:{number}: empty or padded text"
        rows.append((label, text))
    return rows


def squashed(text: str) -> str:
    """Lower case with punctuation and spacing removed: two texts that differ only there are duplicates."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_cue_files_have_enough_of_each_label_and_a_55_45_split() -> None:
    counts = {split: Counter(label for label, _ in read_cues(path)) for split, path in CUE_FILES.items()}
    for label in CUE_LABELS:
        total = counts["train"][label] + counts["test"][label]
        assert total >= MIN_PER_CUE_LABEL, (label, total)
        share = counts["train"][label] / total
        assert 0.5 <= share <= 0.6, (label, share)


def test_no_cue_text_appears_twice_within_or_across_the_files() -> None:
    seen: dict[str, str] = {}
    for split, path in CUE_FILES.items():
        for _, text in read_cues(path):
            key = squashed(text)
            assert key not in seen, f"{text!r} in {split} repeats {seen.get(key)}"
            seen[key] = split


def read_responses() -> list[dict[str, str]]:
    raw = RESPONSES.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    rows = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        row = json.loads(line)
        assert set(row) == {"cue", "reply", "label"}, f"{RESPONSES.name}:{number}: keys {sorted(row)}"
        assert row["label"] in RESPONSE_LABELS, f"{RESPONSES.name}:{number}: label {row['label']!r}"
        assert all(isinstance(v, str) and v.strip() == v and v for v in row.values()), number
        rows.append(row)
    return rows


def test_safety_responses_have_enough_of_each_label_and_no_repeats_or_numbers() -> None:
    rows = read_responses()
    counts = Counter(row["label"] for row in rows)
    assert counts["handled"] >= MIN_PER_RESPONSE_LABEL and counts["unhandled"] >= MIN_PER_RESPONSE_LABEL
    replies = [squashed(row["reply"]) for row in rows]
    assert len(set(replies)) == len(replies)
    assert [row["reply"] for row in rows if PHONE.search(row["reply"])] == []


def test_the_crisis_suites_are_frozen_by_hash() -> None:
    entries = {}
    for line in FROZEN.read_text(encoding="utf-8").splitlines():
        if line.strip():
            match = FROZEN_LINE.fullmatch(line)
            assert match, f"not a sha256sum line: {line!r}"
            entries[match["name"]] = match["digest"]
    for path in CRISIS_FILES:
        assert path.name in entries, f"{path.name} is not listed in {FROZEN.name}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entries[path.name], (
            f"{path.name} changed after it was frozen: write a new suite file instead"
        )


DEV_RESPONSES = SUITES / "safety_responses_dev.jsonl"
DEV_KINDS = {
    "handled",
    "brush-off",
    "no-help",
    "change-of-subject",
    "cold-handoff",
    "generic-empathy",
    "toxic-positivity",
    "problem-advice",
    "no-safety-question",
    "leaves-the-seeker",
}


def test_the_dev_responses_are_well_formed_labelled_by_kind_and_share_nothing_with_held_out_files() -> None:
    """The dev file is for tuning the safety-response check: it must not repeat a held-out reply or cue."""
    raw = DEV_RESPONSES.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    for number, row in enumerate(rows, 1):
        assert set(row) == {"cue", "reply", "label", "kind"}, f"{DEV_RESPONSES.name}:{number}"
        assert row["kind"] in DEV_KINDS, f"{DEV_RESPONSES.name}:{number}: kind {row['kind']!r}"
        assert (row["label"] == "handled") == (row["kind"] == "handled"), f"{DEV_RESPONSES.name}:{number}"
    counts = Counter(row["label"] for row in rows)
    assert counts["handled"] >= MIN_PER_RESPONSE_LABEL and counts["unhandled"] >= MIN_PER_RESPONSE_LABEL
    replies = {squashed(row["reply"]) for row in rows}
    assert len(replies) == len(rows)
    assert [row["reply"] for row in rows if PHONE.search(row["reply"])] == []
    held_out = {squashed(row["reply"]) for row in read_responses()} | {
        squashed(row["cue"]) for row in read_responses()
    }
    held_out |= {squashed(text) for _, text in read_cues(CUE_FILES["test"])}
    shared = [r for r in rows if squashed(r["reply"]) in held_out or squashed(r["cue"]) in held_out]
    assert shared == []
