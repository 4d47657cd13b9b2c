"""The taxonomy is the single source of labels: sizes, uniqueness, ESConv mappings."""

from __future__ import annotations

import re

import pytest

from esc_cli import taxonomy as t


def test_sizes_follow_the_paper() -> None:
    assert len(t.SEEKER_STATES) == 15
    assert len(t.SUPPORT_ACTIONS) == 17
    assert len(t.DIRECTIONS) + len(t.BEHAVIOURS) == 14
    assert t.STAGE_IDS == ("exploration", "comforting", "action")


def test_ids_are_unique_kebab_case_and_defined() -> None:
    families = (
        t.STAGES,
        t.SEEKER_STATES,
        t.SUPPORT_ACTIONS,
        t.DIRECTIONS,
        t.BEHAVIOURS,
        t.PERSONALITIES,
        t.INTENTIONS,
        t.RISKS,
    )
    for family in families:
        names = [label.id for label in family]
        assert len(names) == len(set(names))
        for label in family:
            assert re.fullmatch(r"[a-z]+(-[a-z]+)*", label.id), label.id
            assert label.definition.endswith(".")


def test_every_strategy_has_actions_and_round_trips() -> None:
    for strategy in t.ESCONV_STRATEGIES:
        actions = t.actions_of_strategy(strategy)
        assert actions[0] == t.STRATEGY_PRIMARY_ACTION[strategy]
        assert all(t.strategy_of_action(a) == strategy for a in actions)
    assert {t.strategy_of_action(a) for a in t.ACTION_IDS} == set(t.ESCONV_STRATEGIES)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Questions", "Question"),
        ("Other", "Others"),
        ("Direct Guidance", "Providing Suggestions"),
        ("Restatement", "Restatement or Paraphrasing"),
    ],
)
def test_failed_esconv_spellings_normalise(raw: str, canonical: str) -> None:
    assert t.normalise_strategy(raw) == canonical


def test_unknown_strategy_raises() -> None:
    with pytest.raises(KeyError):
        t.normalise_strategy("Hugging")


@pytest.mark.parametrize(
    ("delta", "direction"),
    [(10, "improved-strong"), (5, "improved"), (0, "neutral"), (-5, "worsened"), (-10, "worsened-strong")],
)
def test_direction_of_delta(delta: float, direction: str) -> None:
    assert t.direction_of_delta(delta) == direction


@pytest.mark.parametrize(
    ("emotion", "band"), [(100, "S"), (70, "A"), (69, "B"), (40, "B"), (10, "C"), (9, "F"), (0, "F")]
)
def test_emotion_bands(emotion: int, band: str) -> None:
    assert t.emotion_band(emotion) == band
