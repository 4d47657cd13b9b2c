"""`esc sim show|compare|calibrate`, `--ius`, `--no-skills` and `esc chat`, through the real CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sim_helpers import EscRunner

from esc_cli.iu.records import IU, IUAction, IUContext, IUOutcome, IUState, Utterance
from esc_cli.sim.agent_offline import GENERIC_LINES
from esc_cli.sim.outcome import load_table

SUPPORTER_LINES = {
    "Question": "What has been the hardest part of all this for you lately?",
    "Reflection of feelings": "It sounds like you feel worn down and alone with all of it right now.",
    "Restatement or Paraphrasing": "So you have been carrying the work and the worry at home on your own.",
}


POOL = 25  # utterances per strategy: above the index's minimum pool, so retrieval is used


def supporter_texts() -> set[str]:
    return {f"{text} ({n})" for text in SUPPORTER_LINES.values() for n in range(POOL)}


def make_ius(path: Path) -> None:
    """A small IU file: POOL supporter lines per strategy, each answering a seeker line, with outcomes."""
    records = []
    for number, (strategy, text) in enumerate(sorted(SUPPORTER_LINES.items()) * POOL):
        action = {"Question": "open-question", "Reflection of feelings": "reflect-feeling"}.get(
            strategy, "restatement"
        )
        records.append(
            IU(
                id=f"esconv:train:{number:04d}:1",
                source="esconv",
                split="train",
                dialogue=f"{number:04d}",
                turn=1,
                dialogue_outcome="success",
                context=IUContext(
                    turns=[Utterance(speaker="seeker", text="I feel so tired of my job and my family.")]
                ),
                state=IUState(states=["venting"], stage="exploration", intensity=0.6),
                action=IUAction(strategy=strategy, actions=[action], text=f"{text} ({number // 3})"),
                outcome=IUOutcome(
                    seeker_reply="Yes, that is exactly how it feels most days.",
                    delta=5.0 - 5 * (number % 3),
                    direction="improved",
                    evidence="affect",
                ),
                labeller="offline@1",
                key=True,
            )
        )
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")


def test_show_prints_scores_and_skill_credit(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "a"
    assert esc("sim", "run", "--seeds", "1", "--out", str(out), cwd=bank).code == 0
    result = esc("sim", "show", str(out), cwd=bank)
    assert result.code == 0
    for heading in ("SAGE score", "by personality", "by intention", "by profile", "skills", "warm-opening"):
        assert heading in result.out


def test_compare_pairs_by_profile_and_seed(bank: Path, esc: EscRunner) -> None:
    a, b = bank / "runs" / "a", bank / "runs" / "b"
    assert esc("sim", "run", "--seeds", "1", "--out", str(a), cwd=bank).code == 0
    assert esc("sim", "run", "--seeds", "1", "--no-skills", "--out", str(b), cwd=bank).code == 0
    result = esc("sim", "compare", str(a), str(b), cwd=bank)
    assert result.code == 0
    summary_a = json.loads((a / "summary.json").read_text())
    summary_b = json.loads((b / "summary.json").read_text())
    profiles = summary_a["dialogues"]
    expected = summary_b["sage_score"] - summary_a["sage_score"]
    assert f"mean paired change {expected:+.2f} over {profiles} pairs" in result.out
    assert json.loads((b / "run.json").read_text())["bank_hash"] == ""


def test_no_skills_offline_agent_only_says_generic_lines(bank: Path, esc: EscRunner) -> None:
    out = bank / "runs" / "base"
    assert esc("sim", "run", "--seeds", "1", "--no-skills", "--out", str(out), cwd=bank).code == 0
    said = {
        t["agent"]
        for line in (out / "dialogues.jsonl").read_text().splitlines()
        for t in json.loads(line)["turns"]
    }
    assert said <= {text for text, _ in GENERIC_LINES}
    assert json.loads((out / "summary.json").read_text())["skills"] == {}


def test_calibrate_then_run_with_ius_and_the_table(bank: Path, esc: EscRunner, tmp_path: Path) -> None:
    ius = tmp_path / "ius.jsonl"
    make_ius(ius)
    table_path = tmp_path / "table.json"
    result = esc("sim", "calibrate", str(ius), "-o", str(table_path), cwd=bank)
    assert result.code == 0, result.err
    table = load_table(table_path)
    assert table.ius == 3 * POOL and table.cells["venting"]["open-question"].count == POOL
    out = bank / "runs" / "with-ius"
    result = esc(
        "sim",
        "run",
        "--seeds",
        "1",
        "--ius",
        str(ius),
        "--outcome-table",
        str(table_path),
        "--out",
        str(out),
        cwd=bank,
    )
    assert result.code == 0, result.err
    config = json.loads((out / "run.json").read_text())
    assert config["ius"] == str(ius) and config["outcome_table"] == table.digest()
    turns = [
        t for line in (out / "dialogues.jsonl").read_text().splitlines() for t in json.loads(line)["turns"]
    ]
    assert any(t["agent"] in supporter_texts() for t in turns)
    assert any(t["seeker_after"] == "Yes, that is exactly how it feels most days." for t in turns)


def test_calibrate_rejects_a_bad_file(bank: Path, esc: EscRunner, tmp_path: Path) -> None:
    bad = tmp_path / "ius.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = esc("sim", "calibrate", str(bad), cwd=bank)
    assert result.code == 2
    assert result.err.startswith(f"error: {bad} -> line 1 -> ")
    assert "required key is missing (re-run esc iu extract to rebuild it)" in result.err


def test_chat_shows_skills_each_turn_and_stops_at_quit(
    bank: Path, esc: EscRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "Hi. I don't really know where to start.\nMy boss shouted at me in front of everyone and I'm furious.\nquit\nnever read\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    result = esc("chat", cwd=bank)
    assert result.code == 0, result.err
    assert result.out.count("agent> ") == 2
    notes = [line for line in result.err.splitlines() if "[skills:" in line]
    assert len(notes) == 2 and "warm-opening" in notes[0]


def test_calibrate_onto_a_folder_is_one_line(bank: Path, esc: EscRunner, tmp_path: Path) -> None:
    ius = tmp_path / "ius.jsonl"
    make_ius(ius)
    result = esc("sim", "calibrate", str(ius), "-o", str(tmp_path), cwd=bank)
    assert result.code == 2, result.err
    assert result.err == f"error: {tmp_path}: is a folder (pass a file path to write)\n"
