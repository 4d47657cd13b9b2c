"""`esc iu extract` and `esc iu stats` end to end on the fixtures, and their one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from testkit import REPO, EscRunner, make_bank

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_extract_then_stats(esc: EscRunner, tmp_path: Path) -> None:
    out = tmp_path / "ius.jsonl"
    result = esc("iu", "extract", str(FIXTURES / "hf"), str(FIXTURES / "original"), "-o", str(out))
    assert result.code == 0, result.err
    assert result.out.startswith(
        f"wrote 14 IUs (9 key) to {out} from 5 dialogues (4 esconv, 1 failed-esconv; "
    )
    assert "33 utterances) with offline@" in result.out
    records = _lines(out)
    assert [r["id"] for r in records][:3] == [
        "esconv:train:0000:0",
        "esconv:train:0000:2",
        "esconv:train:0000:4",
    ]
    stats = esc("iu", "stats", str(out))
    assert stats.code == 0, stats.err
    for title in (
        "Support actions x direction",
        "ESConv strategies x direction",
        "Seeker states before the intervention",
        "Successful versus failed dialogues",
        "Key IUs by evidence",
        "Seeker behaviour after each action",
    ):
        assert title in stats.out
    as_json = json.loads(esc("iu", "stats", str(out), "--format", "json").out)
    outcomes = {row[0]: row[1] for row in as_json[3]["rows"]}
    assert outcomes == {"esconv success": 11, "failed-esconv failure": 3}


def test_extract_is_deterministic_and_honours_split_and_context(esc: EscRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert esc("iu", "extract", str(FIXTURES / "hf"), "-o", str(first), "--workers", "1").code == 0
    assert esc("iu", "extract", str(FIXTURES / "hf"), "-o", str(second), "--workers", "2").code == 0
    assert first.read_bytes() == second.read_bytes()
    assert (
        esc(
            "iu", "extract", str(FIXTURES / "hf"), "-o", str(first), "--split", "valid", "--context", "0"
        ).code
        == 0
    )
    records = _lines(first)
    assert {str(r["id"]).split(":")[1] for r in records} == {"valid"}
    assert all(r["context"]["turns"] == [] for r in records)  # type: ignore[index]


def test_format_override(esc: EscRunner, tmp_path: Path) -> None:
    out = tmp_path / "ius.jsonl"
    result = esc(
        "iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), "--layout", "multiesc", "-o", str(out)
    )
    assert result.code == 0  # the HF items fit the MultiESC reader too: the override is obeyed
    wrong = esc(
        "iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), "--layout", "failed-esconv", "-o", str(out)
    )
    assert wrong.code == 2
    assert "dialog[0].content: text is missing" in wrong.err or "unknown speaker 'sys'" in wrong.err


BAD_INPUTS: dict[str, bytes] = {
    "truncated.json": (FIXTURES / "original" / "ESConv-mini.json").read_bytes()[:500],
    "wrong-layout.jsonl": b'{"title": "a shopping list", "items": ["milk"]}\n',
    "missing-speaker.jsonl": b'{"dialog": [{"text": "hi", "speaker": "usr"}, {"text": "hello"}]}\n',
    "empty.jsonl": b"",
    "latin1.jsonl": b'{"dialog": [{"text": "caf\xe9", "speaker": "usr"}]}\n',
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_no_output(esc: EscRunner, tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    out = tmp_path / "ius.jsonl"
    result = esc("iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), str(bad), "-o", str(out))
    assert result.code == 2
    assert result.err.startswith(f"error: {bad}")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left either


def test_output_errors(esc: EscRunner, tmp_path: Path) -> None:
    source = tmp_path / "train.jsonl"
    shutil.copy(FIXTURES / "hf" / "train.jsonl", source)
    same = esc("iu", "extract", str(source), "-o", str(source))
    assert (same.code, same.err) == (
        2,
        f"error: {source}: is also an input file (write the IUs to another file)\n",
    )
    folder = esc("iu", "extract", str(source), "-o", str(tmp_path))
    assert folder.code == 2 and "is a folder" in folder.err
    missing = esc("iu", "extract", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "x.jsonl"))
    assert missing.err == f"error: {tmp_path / 'nope.jsonl'}: no such dialogue file (check the path)\n"


def test_stats_errors(esc: EscRunner, tmp_path: Path) -> None:
    bad = tmp_path / "ius.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = esc("iu", "stats", str(bad))
    assert result.code == 2
    assert result.err.startswith(f"error: {bad} -> line 1 -> source: required key is missing")


def test_an_unknown_label_in_an_iu_file_is_refused_at_its_line(esc: EscRunner, tmp_path: Path) -> None:
    ius = tmp_path / "ius.jsonl"
    assert esc("iu", "extract", str(FIXTURES / "hf" / "train.jsonl"), "-o", str(ius)).code == 0
    lines = ius.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["action"]["actions"][0] = "reflect-feelin"
    lines[1] = json.dumps(record)
    ius.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (("iu", "stats", str(ius)), ("skill", "discover", str(ius), "--out", str(tmp_path / "b"))):
        result = esc(*command, cwd=tmp_path)
        assert result.code == 2, result.err
        assert result.err == (
            f"error: {ius} -> line 2 -> action.actions[0]: unknown support action 'reflect-feelin' "
            "(did you mean 'reflect-feeling'?) (re-run esc iu extract to rebuild it)\n"
        )
    (tmp_path / "list.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    not_object = esc("iu", "stats", str(tmp_path / "list.jsonl"))
    assert not_object.err.startswith(f"error: {tmp_path / 'list.jsonl'} -> line 1: Input should be an object")


def test_llm_labeller_through_the_scripted_backend(esc: EscRunner, tmp_path: Path) -> None:
    bank = make_bank(tmp_path / "bank")
    (bank / "prompts").mkdir()
    shutil.copy(REPO / "prompts" / "iu_label.j2", bank / "prompts" / "iu_label.j2")
    out = tmp_path / "ius.jsonl"
    args = ["--bank", str(bank), "iu", "extract", str(FIXTURES / "hf" / "valid.jsonl"), "-o", str(out)]
    result = esc(*args, "--labeller", "llm", "--labeller-backend", "scripted")
    assert result.code == 0, result.err
    records = _lines(out)
    assert len(records) == 2
    assert all(str(r["labeller"]).startswith("llm@scripted:scripted:") for r in records)
    # The scripted echo answers with the first id of each enum; evidence stays measured, not guessed.
    assert records[0]["state"]["states"] == ["opening"]  # type: ignore[index]
    assert records[0]["outcome"]["evidence"] == "affect"  # type: ignore[index]
    offline = esc(*args, "--labeller", "llm")
    assert offline.code == 2 and "--labeller llm needs a model backend" in offline.err


def test_model_options_without_the_llm_labeller_are_refused(esc: EscRunner, tmp_path: Path) -> None:
    make_bank(tmp_path)
    result = esc(
        "iu", "extract", str(tmp_path / "x.jsonl"), "-o", "out.jsonl", "--labeller-model", "m", cwd=tmp_path
    )
    assert result.code == 2
    assert result.err == (
        "error: --labeller-model: --labeller-model applies only with --labeller llm (add --labeller llm, or leave them out)\n"
    )
    assert not (tmp_path / "out.jsonl").exists()
