"""The needle shortcut in `Cue.search` gives exactly the answers of trying every alternative."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from testkit import REPO

from esc_cli.iu import action_cues, cues
from esc_cli.iu.labeller import normalise


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!not )\bfeel(?:ing|s)? better", "feel"),
        (r"\bbetter off without me\b", "better off without me"),
        (r"^\W*thanks? so much", "thank"),
        (r"\b(?:that|this) helps", None),
        (r"abc|defgh", None),
        (r"\bno?\b", None),
        (r"\bfeel", "feel"),
    ],
)
def test_needle_is_a_literal_every_match_contains(pattern: str, expected: str | None) -> None:
    assert cues.needle(pattern) == expected


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


def test_needled_search_equals_plain_search() -> None:
    texts = _texts()
    assert len(texts) > 500
    every = [*cues.STATE_CUES.values(), *action_cues.ACTION_CUES.values(), *action_cues.HARM_CUES.values()]
    for cue in every:
        for text in texts:
            assert cue.search(text) == cue.search_plain(text), (cue.parts, text)
