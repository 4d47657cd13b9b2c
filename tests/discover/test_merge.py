"""Effects and skill plans from a small hand-made IU file: where an action helps and where it hurts."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import small_ius, write_jsonl

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.effects import state_effects
from esc_cli.discover.merge import plan_skills
from esc_cli.discover.prototypes import build_prototypes
from esc_cli.iu.store import read_ius

CONFIG = DiscoveryConfig(min_support=3)


def test_plans_take_conditions_from_where_the_action_helps_and_hurts(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    plans = {p.id: p for p in plan_skills(ius, build_prototypes(ius), CONFIG)}
    assert sorted(plans) == [
        "open-question-exploration",
        "reflect-feeling-exploration",
        "suggest-option-action",
    ]
    reflect = plans["reflect-feeling-exploration"]
    assert reflect.applies_states == ("venting",)
    assert reflect.avoid_states == ("withdrawal", "crisis-risk")
    assert reflect.delta_range == (4, 6)
    assert [r.id for r in reflect.risks] == ["disengages"]
    assert reflect.risks[0].ius == ("esconv:train:0005:2", "esconv:train:0006:2", "esconv:train:0007:2")
    assert plans["open-question-exploration"].applies_states == ("withdrawal",)
    advice = plans["suggest-option-action"]
    assert advice.applies_states == ("seeking-advice",)
    assert advice.avoid_states == ("crisis-risk",)


def test_effects_are_lifts_over_the_usual_move_in_the_state(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    effects = {(e.family, e.state): e for e in state_effects(build_prototypes(ius))}
    withdrawn = effects[("Reflection of feelings", "withdrawal")]
    assert round(withdrawn.baseline, 2) == -0.5  # (-5 - 8 - 3 + 5 + 5 + 3) / 6
    assert round(withdrawn.lift, 2) == -4.83 and withdrawn.z < -2
    assert effects[("Reflection of feelings", "venting")].lift == 0.0  # the only move made there


def test_support_below_the_threshold_gives_no_condition(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    plans = plan_skills(ius, build_prototypes(ius), DiscoveryConfig(min_support=4))
    reflect = next(p for p in plans if p.id == "reflect-feeling-exploration")
    assert reflect.avoid_states == ("crisis-risk",)  # withdrawal has only 3 key IUs
