"""The pre-checks of `Cue.search` (anchors read from each alternative) give exactly the answers of
trying every alternative."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from testkit import REPO

from esc_cli.iu import action_cues, cues, prefilter
from esc_cli.iu.labeller import normalise


def _anchors(pattern: str) -> set[tuple[str, bool]] | None:
    found = prefilter.anchors(pattern)
    return None if found is None else {(a.text, a.word) for a in found}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # A whole word needs a boundary proved on both sides: `\b`, `^`, `$` or a non-word character.
        (r"\b(?:good)?bye\b", {("bye", True), ("goodbye", True)}),
        (r"^\W*(?:hi|hello)\b", {("hi", True), ("hello", True)}),
        (r"[.!?] sure[.!]*$", {("sure", True)}),
        # Open on one side: the literal itself, a substring test.
        (r"\bsuicid\w*", {("suicid", False)}),
        (r"\Bfoo\b", {("foo", False)}),
        # The cheapest run wins: a rare word rather than a set of common ones.
        (r"\b(?:that|it|this) (?:will|would) (?:work|help)\b", {("work", True), ("help", True)}),
        # A shorter literal that a longer one holds is enough on its own.
        (r"\b(?:that|it) (?:\w+ ){0,2}help(?:s|ed)?\b", {("help", False)}),
        # Top-level and inner alternations: one anchor set per alternative, joined.
        (r"abc|defgh", {("abc", False), ("defgh", False)}),
        (r"\b(?:lonel\w*|alone)\b", {("lonel", False), ("alone", True)}),
        # Nothing provable: every alternative without a literal of 3+ characters or a whole word.
        (r"\w+ly\b", None),
        (r"(?i)\bfoo\b", None),
        (r"^\W*$", None),
    ],
)
def test_anchors_are_what_every_match_contains(pattern: str, expected: set[tuple[str, bool]] | None) -> None:
    assert _anchors(pattern) == expected


def test_almost_every_alternative_has_anchors() -> None:
    parts = [p for cue in _every() for p in cue.parts]
    missing = [p for p in parts if prefilter.anchors(p) is None]
    assert len(parts) > 500
    assert len(missing) <= 5, missing


def _every() -> list[cues.Cue]:
    return cues.all_cues()


def test_the_packaged_anchor_table_is_current() -> None:
    assert prefilter.main(["--check"]) == 0, "run python -m esc_cli.iu.prefilter --write"


def test_a_pattern_missing_from_the_table_is_proved_on_the_spot() -> None:
    pattern = r"\bnot in any cue (?:yet|today)\b"
    assert pattern not in prefilter._table()
    assert prefilter.known_anchors(pattern) == prefilter.anchors(pattern) is not None


def _texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((REPO / "profiles").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.append(data["first_message"])
        texts += [line for band in data["lines"].values() for line in band]
        if data.get("crisis"):
            texts += [data["crisis"]["cue"], data["crisis"]["after_safety_check"]]
    for skill in sorted((REPO / "skills").glob("*.md")):
        texts += [
            line.split(": ", 1)[1]
            for line in skill.read_text(encoding="utf-8").splitlines()
            if line.startswith(("Seeker: ", "Supporter: "))
        ]
    data_dir = os.environ.get("ESC_DATA")
    if data_dir:
        with Path(data_dir, "esconv", "hf_splits", "valid.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                texts += [u["text"] for u in json.loads(line)["dialog"]]
    return [normalise(t) for t in texts]


def test_pre_checked_search_equals_trying_every_alternative() -> None:
    texts = _texts()
    assert len(texts) > 500
    for cue in _every():
        for text in texts:
            assert cue.search(text) == cue.search_plain(text), (cue.parts, text)


def test_a_cue_text_keeps_answers_shared_by_cues() -> None:
    text = cues.CueText("i just want it all to end, there's no point")
    union = cues.BEHAVIOUR_CUES["escalates-distress"]
    assert union.search(text)
    crisis, hopeless = cues.STATE_CUES["crisis-risk"], cues.STATE_CUES["hopelessness"]
    assert text.answers[crisis] is True
    # The union stops at its first true member and answers from the cache the second time.
    assert hopeless not in text.answers
    text.answers[union] = False
    assert union.search(text) is False


def test_a_union_of_gated_cues_is_refused() -> None:
    with pytest.raises(ValueError, match="gates"):
        cues.Cue.union(action_cues.ACTION_CUES["safety-check"])
