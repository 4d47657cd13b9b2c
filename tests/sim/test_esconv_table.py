"""The packaged outcome table is what the documented command builds from ESConv train, and `--ius`
speaks with real ESConv utterances. Needs $ESC_DATA (CI sets it; skipped locally without it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sim_helpers import EscRunner
from testkit import require_data

from esc_cli.sim.outcome import DEFAULT_TABLE_COMMAND, default_table, load_table


@pytest.fixture(scope="module")
def train_ius(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = require_data() / "esconv" / "hf_splits" / "train.jsonl"
    out = tmp_path_factory.mktemp("ius") / "ius-train.jsonl"
    from esc_cli.cli.main import main

    assert main(["iu", "extract", str(data), "-o", str(out)]) == 0
    return out


def test_packaged_table_is_rebuilt_by_the_documented_command(
    train_ius: Path, esc: EscRunner, tmp_path: Path
) -> None:
    rebuilt = tmp_path / "outcome_table.json"
    result = esc("sim", "calibrate", str(train_ius), "-o", str(rebuilt))
    assert result.code == 0, result.err
    assert load_table(rebuilt) == default_table(), (
        f"esc_cli/assets/outcome_table.json is stale (the labeller or extractor changed); rebuild it: {DEFAULT_TABLE_COMMAND}"
    )


def test_ius_make_both_roles_speak_esconv(train_ius: Path, bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "ius"
    result = esc("sim", "run", "--seeds", "1", "--ius", str(train_ius), "--out", str(out), cwd=bank)
    assert result.code == 0, result.err
    supporter = set()
    seeker = set()
    for line in train_ius.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        supporter.add(record["action"]["text"])
        seeker.add(record["outcome"]["seeker_reply"])
    turns = [
        t for line in (out / "dialogues.jsonl").read_text().splitlines() for t in json.loads(line)["turns"]
    ]
    from_esconv = [t for t in turns if t["skills"] and t["agent"] in supporter]
    assert len(from_esconv) > len(turns) // 2
    assert any(t["seeker_after"] in seeker for t in turns)
