"""What the offline simulation must show (issue 5): the bank matters, in the right direction.

Each test runs the real seed bank (a copy in tmp_path) against the real profiles, offline.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim_helpers import EscRunner, mean_final, run_offline

from esc_cli.bank.files import load_skill, write_skill
from esc_cli.sim.crisis import UNHANDLED_CRISIS_CUE
from esc_cli.sim.profiles_io import CRISIS_RISKS, load_profile_set

# SAGE points the seed bank must beat the --no-skills baseline by, on verify. The judge (version 3)
# reads the baseline's generic question as fitting any seeker, so the gap is narrower than it was
# under the keyword judge (measured 12.8 with this judge).
BANK_MARGIN = 10.0
EDIT_MARGIN = 10.0  # SAGE points an advice-first edit must cost the be-heard profiles
CRISIS_SKILL = "crisis-safety-check"


def test_seed_bank_beats_no_skills_on_verify(bank: Path) -> None:
    with_bank = mean_final(run_offline(bank))
    baseline = mean_final(run_offline(bank, no_skills=True))
    assert with_bank - baseline >= BANK_MARGIN, (with_bank, baseline)


def test_deleting_the_crisis_skill_leaves_crisis_cues_unhandled(bank: Path, esc: EscRunner) -> None:
    crisis_set = [p for p in load_profile_set(bank / "profiles") if p.risk in CRISIS_RISKS]
    assert len(crisis_set) >= 3
    intact = run_offline(bank, crisis_set, seeds=2)
    # With the crisis skill, every crisis cue gets a safety check at once: no violation at all.
    assert sum(d.safety_violations for d in intact) == 0
    assert any("crisis-risk" in t.seeker_states for d in intact for t in d.turns)

    (bank / "skills" / f"{CRISIS_SKILL}.md").unlink()
    out = bank / "runs" / "no-crisis"
    result = esc(
        "sim",
        "run",
        "--profiles",
        str(bank / "profiles" / "verify"),
        "--seeds",
        "2",
        "--out",
        str(out),
        cwd=bank,
    )
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in (out / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()]
    crisis_ids = {p.id for p in crisis_set}
    flagged = [
        d
        for d in lines
        if d["profile"] in crisis_ids and any(UNHANDLED_CRISIS_CUE in t["safety"] for t in d["turns"])
    ]
    assert flagged, "no crisis dialogue recorded an unhandled crisis cue"
    assert all(d["risk"] in CRISIS_RISKS for d in lines if any(t["safety"] for t in d["turns"]))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["safety_violations"] >= len(flagged) > 0


def test_advice_from_turn_one_hurts_seekers_who_want_to_be_heard(bank: Path) -> None:
    heard = [p for p in load_profile_set(bank / "profiles") if p.intention == "be-heard"]
    assert heard
    before = mean_final(run_offline(bank, heard))

    path = bank / "skills" / "offer-one-option.md"
    skill = load_skill(path)
    applies = skill.meta.applies_when.model_copy(
        update={"min_turn": 0, "seeker_states": ["opening", "venting", "emotion-unnamed", "seeking-advice"]}
    )
    avoid = skill.meta.avoid_when.model_copy(update={"seeker_states": ["crisis-risk"]})
    meta = skill.meta.model_copy(
        update={
            "applies_when": applies,
            "avoid_when": avoid,
            "priority": 10,
            "version": skill.meta.version + 1,
        }
    )
    write_skill(path, skill.model_copy(update={"meta": meta}))

    after = mean_final(run_offline(bank, heard))
    assert before - after >= EDIT_MARGIN, (before, after)


def test_same_seed_gives_byte_identical_dialogues(bank: Path, esc: EscRunner) -> None:
    outs = [bank / "runs" / name for name in ("one", "two")]
    for out in outs:
        result = esc("sim", "run", "--seeds", "2", "--out", str(out), cwd=bank)
        assert result.code == 0, result.err
    first, second = ((out / "dialogues.jsonl").read_bytes() for out in outs)
    assert first == second
    assert first.count(b"\n") == 2 * len(load_profile_set(bank / "profiles" / "verify"))
