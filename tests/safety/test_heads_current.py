"""The shipped safety heads record their sources; when ESC_DATA is set, those sources are current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from testkit import REPO

from esc_cli.safety.heads import HEADS_FORMAT, shipped_heads
from esc_cli.safety.train import (
    TRAIN_SUITE,
    cues_path,
    esconv_texts,
    seeds_path,
    sha256_file,
    sha256_texts,
)
from esc_cli.text import MODEL_ID


def test_the_shipped_heads_match_the_training_files_in_the_repository() -> None:
    heads = shipped_heads()
    assert heads.format == HEADS_FORMAT and heads.encoder == MODEL_ID
    assert heads.sources["train_suite"]["sha256"] == sha256_file(REPO / TRAIN_SUITE)
    assert heads.sources["seeds"]["sha256"] == sha256_file(seeds_path())
    assert heads.sources["cues"]["sha256"] == sha256_file(cues_path())
    assert 0.5 <= heads.cue.threshold < 1.0
    assert set(heads.parts) == {"ask", "help", "leave"}


@pytest.mark.skipif(
    not os.environ.get("ESC_DATA"), reason="ESC_DATA is not set: the ESConv sources cannot be checked"
)
def test_the_shipped_heads_match_the_esconv_turns_they_were_trained_on() -> None:
    seekers, supporter = esconv_texts(Path(os.environ["ESC_DATA"]))
    recorded = shipped_heads().sources["esconv"]
    assert recorded["seeker_sha256"] == sha256_texts([t for _, t in seekers])
    assert recorded["supporter_sha256"] == sha256_texts(supporter)
