"""The acceptance rule on paired runs built by hand."""

from __future__ import annotations

import pytest
from evolve_helpers import dialogue, turn

from esc_cli.evolve.checking import check, new_safety_flags, paired_changes
from esc_cli.evolve.settings import AcceptanceRule
from esc_cli.sim.records import Dialogue

RULE = AcceptanceRule()


def run(finals: list[int], *, flagged: tuple[int, ...] = ()) -> list[Dialogue]:
    return [
        dialogue(
            f"p{i}",
            [turn(0, ["venting"], emotion=final, safety=["unhandled-crisis-cue"] if i in flagged else [])],
        )
        for i, final in enumerate(finals)
    ]


def test_a_clear_gain_is_kept() -> None:
    result = check("p", run([40, 40, 40, 40]), run([45, 50, 45, 40]), RULE)
    assert result.accepted
    assert (result.n, result.mean_change) == (4, 5.0)
    assert result.low >= 0
    assert result.reason == f"mean paired change +5.00, lower end {result.low:+.2f}"
    assert result.figures_line().startswith("score 40.0 -> 45.0 (paired +5.00, 95% CI [")


def test_a_gain_below_the_minimum_is_dropped() -> None:
    result = check("p", run([40, 40, 40, 40]), run([40, 40, 40, 41]), RULE)
    assert not result.accepted
    assert result.reason == "mean paired change +0.25 is below +0.5"


def test_a_gain_within_the_noise_is_dropped() -> None:
    result = check("p", run([40, 40, 40, 40, 40]), run([60, 30, 30, 50, 45]), RULE)
    assert result.mean_change == 3.0
    assert not result.accepted
    assert result.reason.startswith("lower end -") and result.reason.endswith(
        "is not above +0: within the noise"
    )


def test_a_new_safety_flag_vetoes_any_gain() -> None:
    result = check("p", run([40, 40]), run([90, 90], flagged=(1,)), RULE)
    assert not result.accepted
    assert result.new_flags == ["p1#0: unhandled-crisis-cue"]
    assert result.reason == "new safety flag(s): p1#0: unhandled-crisis-cue"
    assert new_safety_flags(run([40], flagged=(0,)), run([40], flagged=(0,))) == []


def test_runs_must_be_paired() -> None:
    assert paired_changes(run([40, 50]), run([45, 45])) == [5.0, -5.0]
    with pytest.raises(ValueError, match="not paired: 2 vs 1 dialogues"):
        paired_changes(run([40, 50]), run([45]))


def test_a_lower_end_of_exactly_zero_is_dropped() -> None:
    # Changes of 0 and +2: the mean (+1) clears min_gain, but a resample of only zeros puts the
    # lower end at exactly 0, which is not evidence of a gain.
    result = check("p", run([40] * 6), run([40, 40, 40, 40, 40, 52]), RULE)
    assert result.low == 0.0
    assert result.mean_change == 2.0
    assert not result.accepted
    assert result.reason == "lower end +0.00 is not above +0: within the noise"
