"""Discovery end to end in process: the crisis skill is discovered or carried, and the bank lints."""

from __future__ import annotations

from pathlib import Path

from discover_helpers import iu, small_ius, write_jsonl

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.crisis import FROM_DEFAULTS
from esc_cli.discover.pipeline import DISCOVERED, discover
from esc_cli.discover.validate import require_clean
from esc_cli.iu.store import read_ius

CONFIG = DiscoveryConfig(min_support=3)


def _crisis_ius() -> list[dict[str, object]]:
    cue = "I keep thinking everyone would be better off without me."
    check = "Are you having thoughts of ending your life? Please reach a crisis line or someone you trust."
    return [iu(20 + n, "crisis-risk", "safety-check", 5.0, seeker=cue, text=check) for n in range(3)]


def test_enough_crisis_ius_give_a_discovered_crisis_skill(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", [*small_ius(), *_crisis_ius()]))
    found = discover(ius, config=DiscoveryConfig(min_support=3, min_crisis_ius=3))
    assert found.crisis_source == DISCOVERED and not found.notes
    crisis = next(s for s in found.skills if s.meta.crisis)
    assert crisis.id == "crisis-safety-check"
    assert crisis.meta.actions == ["safety-check", "refer-resource"]
    assert crisis.meta.applies_when.seeker_states == ["crisis-risk"]
    assert crisis.meta.evidence is not None and crisis.meta.evidence.ius == 3
    assert require_clean(found.skills).exit_code == 0


def test_too_few_crisis_ius_carry_the_packaged_crisis_skill(tmp_path: Path) -> None:
    ius = read_ius(write_jsonl(tmp_path / "ius.jsonl", [*small_ius(), *_crisis_ius()]))
    found = discover(ius, current=[], config=CONFIG)
    assert found.crisis_source == FROM_DEFAULTS
    assert found.notes == [
        "crisis skill 'crisis-safety-check' carried from the packaged default bank: the IUs hold too few "
        "crisis-risk moments (at least 20 key IUs and 2 clear examples are needed)"
    ]
    assert require_clean(found.skills).exit_code == 0
