"""SAGE protocol pieces: change steps, emotion range, stop rules, goodbyes, parsing model changes."""

from __future__ import annotations

from random import Random

import pytest

from esc_cli.sim.llm_common import parse_change
from esc_cli.sim.protocol import apply_change, is_goodbye, quantise, stop_reason
from esc_cli.sim.seeds import dialogue_seed, stable_seed


@pytest.mark.parametrize(
    ("raw", "step"),
    [
        (-12, -10),
        (-7.5, -10),
        (-7.4, -5),
        (-2.5, -5),
        (-2.4, 0),
        (0, 0),
        (2.4, 0),
        (2.5, 5),
        (7.5, 10),
        (30, 10),
    ],
)
def test_quantise_to_the_nearest_step(raw: float, step: int) -> None:
    assert quantise(raw) == step


def test_seeded_quantise_keeps_the_expected_value() -> None:
    rng = Random(7)
    draws = [quantise(1.5, rng) for _ in range(20_000)]
    assert set(draws) == {0, 5}
    assert abs(sum(draws) / len(draws) - 1.5) < 0.1


def test_emotion_stays_in_range_and_stops() -> None:
    assert apply_change(95, 10) == 100 and apply_change(3, -10) == 0
    assert stop_reason(100, False, 3, 10) == "success"
    assert stop_reason(9, True, 3, 10) == "failure"
    assert stop_reason(10, False, 3, 10) == ""
    assert stop_reason(50, True, 3, 10) == "goodbye"
    assert stop_reason(50, False, 10, 10) == "max-turns"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, bye!",
        "Okay. This helped. Goodbye.",
        "I have to go now. Talk to you later.",
        "谢谢你，再见！",
        "好的，拜拜",
        "Thank you for getting it. I think I'll try to sleep. Bye for now...",
    ],
)
def test_goodbyes_in_english_and_chinese(text: str) -> None:
    assert is_goodbye(text)


@pytest.mark.parametrize(
    "text",
    [
        "Sometimes I think about saying goodbye to everyone.",
        "Bye-bye to my savings, I guess. Anyway, the rent went up again.",
        "我想跟这个世界说再见。",
        "I can't sleep and nothing helps.",
        "He still rings me about football and the car. Five minutes, then 'right, bye'.",
    ],
)
def test_not_goodbyes(text: str) -> None:
    assert not is_goodbye(text)


@pytest.mark.parametrize(
    ("value", "change"),
    [
        (5, 5),
        (-7.6, -8),
        ("+5", 5),
        ("-5 points", -5),
        ("−10", -10),
        ("change: 15", 10),
        ("none", 0),
        (None, 0),
        (True, 0),
    ],
)
def test_parse_change_is_robust_and_clipped(value: object, change: int) -> None:
    assert parse_change(value) == change


def test_seeds_are_stable_across_processes() -> None:
    # Fixed values: sha256-based, never Python's randomised hash().
    assert stable_seed("a", 1) == stable_seed("a", 1) != stable_seed("a", 2)
    assert dialogue_seed("verify-x", 0) == 4052412371807253515
