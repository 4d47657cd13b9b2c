"""Prototypes and skill plans from a small hand-made IU file."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import small_ius, write_jsonl

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.ius import read_ius
from esc_cli.discover.merge import plan_skills
from esc_cli.discover.prototypes import build_prototypes

CONFIG = DiscoveryConfig(min_support=3)


def test_key_ius_group_by_state_and_action(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    prototypes = {p.id: p for p in build_prototypes(ius)}
    assert sorted(prototypes) == [
        "seeking-advice/suggest-option",
        "venting/reflect-feeling",
        "withdrawal/reflect-feeling",
    ]
    venting = prototypes["venting/reflect-feeling"]
    assert venting.size == 4  # the neutral IU 12 is not key
    assert venting.directions == {"improved": 3, "improved-strong": 1}
    assert venting.typical_behaviour == "elaborates"
    assert venting.successful == ("esconv:train:0002:2", "esconv:train:0001:2", "esconv:train:0004:2")
    assert venting.failed == ()
    withdrawal = prototypes["withdrawal/reflect-feeling"]
    assert withdrawal.hurt == 3 and withdrawal.typical_behaviour == "disengages"
    assert withdrawal.failed == ("esconv:train:0006:2", "esconv:train:0005:2", "esconv:train:0007:2")
    advice = prototypes["seeking-advice/suggest-option"]
    assert advice.success_rate == 0.75 and advice.failed == ("esconv:train:0011:2",)


def test_plans_take_conditions_from_where_the_action_helps_and_hurts(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    plans = {p.id: p for p in plan_skills(ius, build_prototypes(ius), CONFIG)}
    assert sorted(plans) == ["reflect-feeling-exploration", "suggest-option-action"]
    reflect = plans["reflect-feeling-exploration"]
    assert reflect.applies_states == ("venting",)
    assert reflect.avoid_states == ("withdrawal", "crisis-risk")
    assert reflect.delta_range == (4, 6)
    assert [r.id for r in reflect.risks] == ["disengages"]
    assert reflect.risks[0].ius == ("esconv:train:0005:2", "esconv:train:0006:2", "esconv:train:0007:2")
    advice = plans["suggest-option-action"]
    assert advice.applies_states == ("seeking-advice",)
    assert advice.avoid_states == ("crisis-risk",)


def test_support_below_the_threshold_gives_no_condition(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    plans = plan_skills(ius, build_prototypes(ius), DiscoveryConfig(min_support=4))
    reflect = next(p for p in plans if p.id == "reflect-feeling-exploration")
    assert reflect.avoid_states == ("crisis-risk",)  # withdrawal has only 3 key IUs
