"""The shipped judge heads are what the documented rebuild command makes from train and valid data.
Needs $ESC_DATA (CI sets it). The rebuild embeds about 40,000 texts: a few minutes on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from testkit import require_data

from esc_cli.judge.heads import REBUILD_COMMAND, default_heads, load_heads
from esc_cli.judge.train import main as train

TOLERANCE = 2e-3


def test_the_shipped_heads_are_rebuilt_by_the_documented_command(tmp_path: Path) -> None:
    data = require_data()
    out = tmp_path / "judge_heads.json"
    assert train(["--data", str(data), "-o", str(out)]) == 0
    rebuilt, shipped = load_heads(out), default_heads()
    stale = f"esc_cli/assets/judge_heads.json is stale; rebuild it: {REBUILD_COMMAND}"
    assert rebuilt.combine.model_dump().keys() == shipped.combine.model_dump().keys(), stale
    for name in ("relevance", "outlook"):
        new, old = getattr(rebuilt, name), getattr(shipped, name)
        assert max(abs(a - b) for a, b in zip(new.weights, old.weights, strict=True)) < TOLERANCE, stale
    assert rebuilt.harm.labels == shipped.harm.labels, stale
    assert rebuilt.harm.lexicon.keys() == shipped.harm.lexicon.keys(), stale
    for new_bank, old_bank in zip(rebuilt.harm.banks, shipped.harm.banks, strict=True):
        assert len(new_bank) == len(old_bank), stale
        assert np.abs(np.asarray(new_bank) - np.asarray(old_bank)).max() <= 1, stale
    for key, value in shipped.combine.model_dump().items():
        assert getattr(rebuilt.combine, key) == pytest.approx(value, abs=10 * TOLERANCE), (key, stale)
    assert json.loads(out.read_text())["meta"]["trained_on"] == shipped.meta["trained_on"], stale
