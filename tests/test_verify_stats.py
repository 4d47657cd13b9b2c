"""The paired bootstrap: deterministic, centred on the mean, wider for noisier data."""

from __future__ import annotations

import pytest

from esc_cli.sim.pairing import Pair
from esc_cli.sim.records import Dialogue
from esc_cli.verify.seeds import FAILED, bonferroni_level, group_decisions, looks
from esc_cli.verify.stats import paired_bootstrap


def test_constant_differences_have_zero_width() -> None:
    interval = paired_bootstrap([5.0] * 12)
    assert (interval.low, interval.mean, interval.high) == (5.0, 5.0, 5.0)


def test_same_input_same_interval_and_contains_mean() -> None:
    data = [-10.0, 0.0, 5.0, 5.0, 10.0, -5.0, 0.0, 10.0]
    first, second = paired_bootstrap(data), paired_bootstrap(data)
    assert first == second
    assert first.low < first.mean < first.high


def test_noisier_data_gives_wider_interval() -> None:
    calm = paired_bootstrap([1.0, 2.0, 1.0, 2.0] * 5)
    noisy = paired_bootstrap([-20.0, 23.0, -18.0, 21.0] * 5)
    assert (noisy.high - noisy.low) > 5 * (calm.high - calm.low)


def test_clear_regression_has_negative_upper_bound() -> None:
    interval = paired_bootstrap([-10.0, -5.0, -10.0, -5.0, 0.0, -10.0] * 4)
    assert interval.high < 0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="no paired dialogues"):
        paired_bootstrap([])
    with pytest.raises(ValueError, match="between 0 and 1"):
        paired_bootstrap([1.0], level=1.5)


def _dialogue(personality: str, seed: int, final: int) -> Dialogue:
    return Dialogue(
        profile=f"{personality}-p",
        seed=seed,
        personality=personality,
        intention="be-heard",
        first_message="hi",
        turns=[],
        final_emotion=final,
        outcome="max-turns",
    )


def _pairs(changes: dict[str, list[int]]) -> list[Pair]:
    """Paired dialogues whose head ends `change` above base, one personality per key."""
    return [
        Pair(
            f"{personality}/{seed}",
            _dialogue(personality, seed, 40),
            _dialogue(personality, seed, 40 + change),
        )
        for personality, values in changes.items()
        for seed, change in enumerate(values)
    ]


def test_each_look_of_the_adaptive_seeds_widens_every_interval() -> None:
    # 3 seeds doubling to 12: three looks, so each decision is taken at the Bonferroni level over them.
    assert looks(3, 12) == 3 and looks(3, 3) == 1 and looks(2, 8) == 3
    changes = [-6, -1, -5, 0, -7, -2, -4, 1, -6, -3, -5, -2]
    pairs = _pairs({"negative": changes, "passive": [0] * 12, "avoidant": [1] * 12})
    once = {d.name: d for d in group_decisions(pairs, -3.0, 0.95)}
    looked = {d.name: d for d in group_decisions(pairs, -3.0, 0.95, looked=3)}
    single, corrected = once["score[negative]"], looked["score[negative]"]
    assert single.state == FAILED
    assert corrected.interval.level == bonferroni_level(0.95, 9) > single.interval.level
    assert corrected.interval.low < single.interval.low and corrected.interval.high > single.interval.high
    assert "99.4% (Bonferroni, k=3 types x 3 looks)" in corrected.rule
    assert "(Bonferroni, k=3)" in single.rule
