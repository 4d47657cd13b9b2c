"""Prototypes from a small hand-made IU file."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import small_ius, write_jsonl

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.prototypes import build_prototypes
from esc_cli.iu.store import read_ius

CONFIG = DiscoveryConfig(min_support=3)


def test_key_ius_group_by_state_and_action(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", small_ius()))
    prototypes = {p.id: p for p in build_prototypes(ius)}
    assert sorted(prototypes) == [
        "seeking-advice/suggest-option",
        "venting/reflect-feeling",
        "withdrawal/open-question",
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
