"""The crisis-cue detector on small fixtures: exact readings, kinds, and a cue at the end of a long message."""

from __future__ import annotations

import pytest

from esc_cli.safety import detector as detector_module
from esc_cli.safety.detector import (
    CRISIS_STATE,
    CrisisDetector,
    crisis_detector,
    units,
    with_crisis_state,
)
from esc_cli.safety.heads import shipped_heads
from esc_cli.text import shared_encoder


def test_direct_and_indirect_cues_are_read_with_their_kind() -> None:
    detector = crisis_detector()
    expected = {
        "I want to kill myself.": "suicidal-ideation",
        "Gave my drill set to the neighbour kid. Won't be needing it much longer.": "suicidal-ideation",
        "I've been saving up my sleeping tablets": "suicidal-ideation",
        "everyone would be better off without me": "suicidal-ideation",
        "I cut my arms again last night.": "self-harm",
        "My husband hit me again last night and I'm scared to go home.": "harm-from-others",
    }
    readings = detector.read_many(list(expected))
    assert [(r.crisis, r.kind) for r in readings] == [(True, kind) for kind in expected.values()]


def test_ordinary_statements_with_the_same_words_are_not_cues() -> None:
    detector = crisis_detector()
    ordinary = ["This job is killing me.", "I want to disappear into a book this weekend."]
    assert [r.crisis for r in detector.read_many(ordinary)] == [False, False]


def test_a_cue_at_the_end_of_a_long_message_is_read_in_its_sentence() -> None:
    first = "Work was long, the bus was late, I made pasta, and my sister rang about the holiday."
    last = "I've decided tonight is the night I end it."
    text = f"{first} {last}"
    assert units(text) == [text, first, last]
    reading = crisis_detector().read(text)
    assert reading.crisis and reading.sentence == "I've decided tonight is the night I end it."


def test_the_router_state_comes_from_the_detector() -> None:
    # The labeller's keyword state is replaced: added on an indirect cue, dropped on hyperbole.
    assert with_crisis_state(["venting"], "I've been saving up my sleeping tablets") == [
        CRISIS_STATE,
        "venting",
    ]
    assert with_crisis_state([CRISIS_STATE, "venting"], "This job is killing me.") == ["venting"]


def test_a_message_that_obliges_is_routed_as_a_cue_even_when_the_head_reads_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A head that reads no cue anywhere: only the patterns (what obliges the next reply) are left.
    shipped = shipped_heads()
    silent = shipped.cue.model_copy(update={"bias": -100.0})
    detector = CrisisDetector(shipped.model_copy(update={"cue": silent}), shared_encoder())
    monkeypatch.setattr(detector_module, "crisis_detector", lambda: detector)
    obliging = "Some days I think the farm would be better off without me."
    assert not detector.is_cue(obliging) and detector.obliges(obliging)
    assert with_crisis_state(["venting"], obliging) == [CRISIS_STATE, "venting"]
    assert with_crisis_state(["venting"], "I've been saving up my sleeping tablets") == ["venting"]
