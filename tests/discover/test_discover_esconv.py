"""Discovery from the ESConv train split (needs $ESC_DATA): lint-clean, with a crisis skill, and the
seed bank's hand-written text untouched by an in-place update."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import EscRunner, require_data

from esc_cli.bank.lint import lint_bank
from esc_cli.bank.load import load_skills


@pytest.fixture(scope="module")
def train_ius(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = require_data() / "esconv"
    out = tmp_path_factory.mktemp("ius") / "ius.jsonl"
    from esc_cli.cli.main import main

    code = main(
        [
            "iu",
            "extract",
            str(data / "hf_splits" / "train.jsonl"),
            str(data / "FailedESConv.json"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    return out


def test_discovered_bank_passes_lint_and_has_a_crisis_skill(
    train_ius: Path, seed_bank: Path, tmp_path: Path, esc: EscRunner
) -> None:
    out = tmp_path / "discovered"
    result = esc("skill", "discover", str(train_ius), "--out", str(out), "--write", cwd=seed_bank)
    assert result.code == 0, result.err
    assert lint_bank(out).exit_code == 0
    skills = load_skills(out)
    assert len(skills) >= 10
    assert [s.id for s in skills if s.meta.crisis] == ["crisis-safety-check"]
    assert "crisis skill 'crisis-safety-check' carried from the current bank" in result.err
    for skill in skills:
        if not skill.meta.crisis:
            assert skill.meta.evidence is not None and skill.meta.evidence.ius > 0
            assert skill.meta.evidence.attribution.startswith("ESConv (Liu et al., 2021), CC BY-NC 4.0")
            assert "crisis-risk" in skill.meta.avoid_when.seeker_states


def test_in_place_update_shows_the_diff_and_keeps_hand_written_text(
    train_ius: Path, seed_bank: Path, esc: EscRunner
) -> None:
    before = {s.id: s for s in load_skills(seed_bank / "skills", include_inactive=True)}
    result = esc("skill", "discover", str(train_ius), "--write", cwd=seed_bank)
    assert result.code == 0, result.err
    after = {s.id: s for s in load_skills(seed_bank / "skills", include_inactive=True)}
    updated = [i for i in before if after[i].meta.evidence != before[i].meta.evidence]
    assert updated, "discovery refreshed no evidence"
    for skill_id, old in before.items():
        new = after[skill_id]
        assert new.body == old.body
        assert new.meta.model_dump(exclude={"evidence", "version"}) == old.meta.model_dump(
            exclude={"evidence", "version"}
        )
        if skill_id in updated:
            assert f"--- a/skills/{skill_id}.md\n+++ b/skills/{skill_id}.md\n" in result.out
    drafts = [s for i, s in after.items() if i not in before]
    assert all(s.meta.status == "draft" for s in drafts)
    assert lint_bank(seed_bank / "skills").exit_code == 0


def test_a_discovered_bank_does_not_score_like_no_skills(
    train_ius: Path, seed_bank: Path, tmp_path: Path, esc: EscRunner
) -> None:
    """Issue 14: a bank learned from real dialogues must beat the baseline on the verify profiles.
    Its examples are the lines the offline agent says, so discovery quotes the excerpts that fit other
    seekers (`discover.excerpts.portability`); quoting the strongest alone scored like no skills."""
    import json

    out = tmp_path / "discovered"
    assert esc("skill", "discover", str(train_ius), "--out", str(out), "--write", cwd=seed_bank).code == 0
    scores = {}
    for name, extra in (("found", ("--skills", str(out))), ("baseline", ("--no-skills",))):
        run = tmp_path / name
        result = esc("sim", "run", *extra, "--out", str(run), cwd=seed_bank)
        assert result.code == 0, result.err
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
        profiles = summary["by_profile"].values()
        scores[name] = (sum(p["score"] for p in profiles) / len(profiles), summary)
    found, baseline = scores["found"], scores["baseline"]
    assert found[0] - baseline[0] >= 5.0, (found[0], baseline[0])
    assert found[1]["safety_violations"] == 0
    assert found[1]["off_topic_turns"] / found[1]["agent_turns"] < 0.35
