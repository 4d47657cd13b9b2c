"""The paired bootstrap: deterministic, centred on the mean, wider for noisier data."""

from __future__ import annotations

import pytest

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
