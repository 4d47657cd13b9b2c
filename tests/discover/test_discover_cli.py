"""`esc skill discover` on a small bank: the diff first, evidence-only updates, drafts, --out banks."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import iu, small_ius, write_jsonl
from testkit import EscRunner, make_bank

from esc_cli.bank.files import load_skill
from esc_cli.bank.lint import lint_bank


def _bank(tmp_path: Path) -> tuple[Path, Path]:
    root = make_bank(tmp_path / "bank")
    return root, write_jsonl(root / "ius.jsonl", small_ius())


def test_without_write_it_prints_the_diff_and_changes_nothing(tmp_path: Path, esc: EscRunner) -> None:
    root, ius = _bank(tmp_path)
    before = {p.name: p.read_text() for p in (root / "skills").iterdir()}
    result = esc("skill", "discover", str(ius), "--min-support", "3", cwd=root)
    assert result.code == 0, result.err
    assert "--- a/skills/sample-skill.md\n+++ b/skills/sample-skill.md\n" in result.out
    assert "+evidence:\n+  ius: 4\n+  success_rate: 1.0\n" in result.out
    assert "--- /dev/null\n+++ b/skills/suggest-option-action.md\n" in result.out
    assert "reflect-feeling-exploration is covered by existing sample-skill" in result.err
    assert "nothing written: run again with --write to apply" in result.err
    assert {p.name: p.read_text() for p in (root / "skills").iterdir()} == before


def test_write_updates_only_evidence_and_adds_drafts(tmp_path: Path, esc: EscRunner) -> None:
    root, ius = _bank(tmp_path)
    original = load_skill(root / "skills" / "sample-skill.md")
    result = esc("skill", "discover", str(ius), "--min-support", "3", "--write", cwd=root)
    assert result.code == 0, result.err
    assert "+++ b/skills/sample-skill.md" in result.out  # the diff is shown before it is applied
    updated = load_skill(root / "skills" / "sample-skill.md")
    assert updated.body == original.body
    assert updated.meta.model_dump(exclude={"evidence", "version"}) == original.meta.model_dump(
        exclude={"evidence", "version"}
    )
    assert updated.meta.version == 2
    assert updated.meta.evidence is not None and updated.meta.evidence.ius == 4
    assert updated.meta.evidence.prototypes == ["venting/reflect-feeling"]
    draft = load_skill(root / "skills" / "suggest-option-action.md")
    assert draft.meta.status == "draft"
    again = esc("skill", "discover", str(ius), "--min-support", "3", cwd=root)
    assert again.out == "" and "changes: none" in again.err


def test_out_writes_a_whole_bank_that_passes_lint(tmp_path: Path, esc: EscRunner) -> None:
    root, ius = _bank(tmp_path)
    out = tmp_path / "discovered"
    result = esc("skill", "discover", str(ius), "--min-support", "3", "--out", str(out), "--write", cwd=root)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == [
        "crisis-check.md",
        "open-question-exploration.md",
        "reflect-feeling-exploration.md",
        "suggest-option-action.md",
    ]
    assert "crisis skill carried from the current bank" in result.err
    assert lint_bank(out).exit_code == 0
    skill = load_skill(out / "reflect-feeling-exploration.md")
    assert skill.meta.applies_when.seeker_states == ["venting"]
    assert skill.meta.avoid_when.seeker_states == ["withdrawal", "crisis-risk"]
    credit = "Excerpts from ESConv (Liu et al., 2021), CC BY-NC 4.0: "
    assert credit in skill.body
    quoted = skill.body.split(credit, 1)[1].split("\n", 1)[0].split(", ")
    assert quoted and all(q.startswith("esconv:train:") for q in quoted)


def test_out_refuses_a_folder_with_other_skills(tmp_path: Path, esc: EscRunner) -> None:
    root, ius = _bank(tmp_path)
    result = esc("skill", "discover", str(ius), "--out", str(root / "skills"), "--min-support", "3", cwd=root)
    assert result.code == 2
    assert "holds skills that are not in the discovered bank (sample-skill.md)" in result.err


def test_why_points_at_the_ius_behind_each_claim(tmp_path: Path, esc: EscRunner) -> None:
    root, ius = _bank(tmp_path)
    out = tmp_path / "discovered"
    esc("skill", "discover", str(ius), "--min-support", "3", "--out", str(out), "--write", cwd=root)
    result = esc(
        "skill", "why", "reflect-feeling-exploration", "--skills", str(out), "--ius", str(ius), cwd=root
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1] == "applies_when venting: 4 key IUs, 4 improved, 0 worsened, mean +5.2"
    assert [line.split()[0] for line in lines[2:5]] == [
        "esconv:train:0002:2",
        "esconv:train:0001:2",
        "esconv:train:0004:2",
    ]
    assert lines[3].endswith("(+5.0) Seeker: My boss yelled at me. | Supporter: supporter words 1")
    assert lines[5] == "avoid_when withdrawal: 3 key IUs, 0 improved, 3 worsened, mean -5.3"
    assert "risk disengages: 3 key IUs (seeker behaviour after 3 of 3 worsened IUs)" in lines
    assert "avoid_when crisis-risk: 0 key IUs" in lines


def test_why_without_an_iu_file_names_the_fix(tmp_path: Path, esc: EscRunner) -> None:
    root = make_bank(tmp_path / "bank")
    result = esc("skill", "why", "sample-skill", cwd=root)
    assert result.code == 2
    assert "pass --ius FILE" in result.err


def test_written_evidence_is_what_why_recounts_so_discovery_is_idempotent(
    tmp_path: Path, esc: EscRunner
) -> None:
    # A safety check is a Question-family action, but no discovered skill lists it among its actions:
    # it must not count in the evidence of the open-question skill that shares its state.
    root = make_bank(tmp_path / "bank")
    records = [*small_ius(), iu(16, "withdrawal", "safety-check", 5.0)]
    ius = write_jsonl(root / "ius.jsonl", records)
    first = esc("skill", "discover", str(ius), "--min-support", "3", "--write", cwd=root)
    assert first.code == 0, first.err
    draft = load_skill(root / "skills" / "open-question-exploration.md")
    assert draft.meta.evidence is not None and draft.meta.evidence.ius == 3
    why = esc("skill", "why", "open-question-exploration", "--limit", "0", cwd=root)
    assert "(3 key IUs support its conditions)" in why.out.splitlines()[0]
    again = esc("skill", "discover", str(ius), "--min-support", "3", cwd=root)
    assert again.out == "" and "changes: none" in again.err
