"""`esc evolve analyze RUN`, and `esc evolve` on a bank that is not in git."""

from __future__ import annotations

import json
import re
from pathlib import Path

from evolve_helpers import copy_bank, damage
from testkit import EscRunner

TRAIN = ["train-bus-driver-grey-months", "train-insomnia-night-thoughts", "train-bridesmaid-dropped"]


def test_analyze_prints_the_findings_of_a_run(tmp_path: Path, esc: EscRunner) -> None:
    root = copy_bank(tmp_path / "bank", train=TRAIN)
    damage(root)
    run = tmp_path / "run"
    made = esc("sim", "run", "--profiles", "profiles/train", "--seeds", "1", "--out", str(run), cwd=root)
    assert made.code == 0, made.err
    result = esc("evolve", "analyze", str(run), "--min-support", "1", cwd=root)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    # Strength is at least the no-crisis-skill floor (0.95); more crisis turns read raise it.
    head = re.match(r"\[missing-skill (\d\.\d\d)\] The bank has no active crisis skill, and ", lines[0])
    assert head is not None and float(head[1]) >= 0.95, lines[0]
    assert any(
        line.startswith("[unsafe-intervention ") and "crisis cue(s) got no safety check" in line
        for line in lines
    )
    assert any("'offer-one-option' replies show its known risk 'premature-advice'" in line for line in lines)
    assert any(line.startswith("    run train-") and "(change -" in line for line in lines)
    assert lines[-1].startswith(f"{sum(1 for line in lines if line.startswith('['))} finding(s): ")
    as_json = esc("evolve", "analyze", str(run), "--format", "json", cwd=root)
    data = json.loads(as_json.out)
    assert {f["category"] for f in data} >= {"missing-skill", "unsafe-intervention"}
    missing = esc("evolve", "analyze", str(tmp_path / "nope"), cwd=root)
    assert missing.code == 2 and "run folder not found" in missing.err


def test_dry_run_works_without_git_and_a_real_run_needs_it(tmp_path: Path, esc: EscRunner) -> None:
    root = copy_bank(tmp_path / "bank", train=TRAIN)
    damage(root)
    out = tmp_path / "out"
    # Four seeds: the restore helps one profile of three, and with fewer pairs a resample of only the
    # unchanged ones is too likely for the lower end of the interval to clear zero.
    dry = esc("evolve", "--dry-run", "--rounds", "1", "--seeds", "4", "--out", str(out), cwd=root)
    assert dry.code == 0, dry.err
    assert "branch: none (dry run)" in dry.out
    assert "kept: restore-crisis-safety-check: score " in dry.out
    assert (out / "skills" / "crisis-safety-check.md").is_file()
    assert (out / "round-0" / "summary.json").is_file() and (out / "round-1" / "dialogues.jsonl").is_file()
    assert "round 0: score " in dry.err  # progress goes to stderr
    assert not (root / "skills" / "crisis-safety-check.md").exists()
    again = esc("evolve", "--dry-run", "--rounds", "1", "--seeds", "1", "--out", str(out), cwd=root)
    assert again.code == 2 and "already exists and is not empty" in again.err
    real = esc("evolve", "--rounds", "1", "--seeds", "1", cwd=root)
    assert real.code == 2 and "not inside a git repository" in real.err
