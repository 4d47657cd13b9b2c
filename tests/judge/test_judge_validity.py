"""The statistics behind `esc eval judge`, against values worked out by hand."""

from __future__ import annotations

import pytest

from esc_cli.judge.validity import auc, bootstrap_interval, preference, spearman


def test_spearman_of_a_monotone_pair_is_one_and_reversed_minus_one() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 45]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


def test_spearman_uses_average_ranks_for_ties() -> None:
    # ranks a = [1.5, 1.5, 3, 4], b = [1, 2, 3, 4]: Pearson of the ranks is 0.9486...
    assert spearman([5, 5, 7, 9], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)


def test_spearman_of_a_constant_side_is_zero() -> None:
    assert spearman([3, 3, 3], [1, 2, 3]) == 0.0


def test_preference_counts_ties_half() -> None:
    assert preference([2, 1, 3, 0], [1, 1, 4, -1]) == pytest.approx((1 + 0.5 + 0 + 1) / 4)


def test_auc_matches_the_pair_count() -> None:
    # positives 3, 5; negatives 1, 3, 4: wins (3>1, 3=3 half, 5>1, 5>3, 5>4) = 4.5 of 6
    assert auc([3, 5], [1, 3, 4]) == pytest.approx(4.5 / 6)


def test_bootstrap_interval_brackets_the_statistic() -> None:
    a = list(range(40))
    b = [x + (7 if x % 3 else -9) for x in a]
    low, high = bootstrap_interval(a, b, spearman)
    assert low <= spearman(a, b) <= high and high - low > 0


def test_held_out_leaves_out_exactly_the_trained_dialogues_by_content() -> None:
    from esc_cli.judge.material import held_out
    from esc_cli.judge.turns import JudgedTurn, Said, fingerprints

    context = (Said("seeker", "I lost my job."),)
    turns = [
        JudgedTurn("failed-esconv:all:0000", 1, context, "That sounds hard.", None, "failure"),
        JudgedTurn("failed-esconv:all:0000", 2, context, "What happened?", None, "failure"),
        JudgedTurn("failed-esconv:all:0001", 1, context, "Tell me more.", None, "failure"),
    ]
    prints = fingerprints(turns)
    assert len(set(prints.values())) == 2
    kept, left_out = held_out(turns, frozenset({prints["failed-esconv:all:0000"]}))
    assert left_out == 1
    assert [t.reply for t in kept] == ["Tell me more."]
    # The same key with other content is another dialogue: kept.
    renamed = [JudgedTurn("failed-esconv:all:0000", 1, context, "Other words.", None, "failure")]
    assert held_out(renamed, frozenset(prints.values())) == (renamed, 0)
