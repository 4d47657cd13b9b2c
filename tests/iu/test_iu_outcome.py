"""The outcome-evidence rule, on tiny dialogues written for the tests: strongest evidence decides."""

from __future__ import annotations

from esc_cli.data.dialogue import FAILURE, SEEKER, SUCCESS, SUPPORTER, Dialogue, Utterance
from esc_cli.iu.extract import dialogue_ius
from esc_cli.iu.labeller import default_labeller
from esc_cli.iu.outcome import decide_outcome, direction_sign
from esc_cli.iu.records import IU

CALM = "I am doing fine today."
WORSE = "This is horrible, I feel awful and hopeless and terrible."
BETTER = "Thank you, I feel so much better, that is wonderful and really helpful!"


def _dialogue(
    *turns: tuple[str, str, int | None], outcome: str = SUCCESS, survey: tuple[int, int] | None = None
) -> Dialogue:
    utterances = [Utterance(speaker, text, feedback=feedback) for speaker, text, feedback in turns]
    dialogue = Dialogue("test", "train", 0, utterances, outcome=outcome)
    if survey is not None:
        dialogue.initial_intensity, dialogue.final_intensity = survey
    return dialogue


def _ius(dialogue: Dialogue) -> list[IU]:
    return dialogue_ius(dialogue, default_labeller())


def test_feedback_beats_affect() -> None:
    # The reply reads much happier, but the seeker rated the help 1 of 5: the rating decides.
    [iu] = _ius(_dialogue((SEEKER, WORSE, None), (SUPPORTER, "Tell me more.", None), (SEEKER, BETTER, 1)))
    assert (iu.outcome.evidence, iu.outcome.feedback, iu.outcome.delta) == ("feedback", 1, -10.0)
    assert iu.outcome.direction == "worsened-strong" and iu.key


def test_feedback_three_is_neutral_and_not_key() -> None:
    [iu] = _ius(_dialogue((SEEKER, CALM, None), (SUPPORTER, "I see.", None), (SEEKER, CALM, 3)))
    assert (iu.outcome.evidence, iu.outcome.direction, iu.key) == ("feedback", "neutral", False)


def test_affect_shift_decides_without_feedback() -> None:
    ius = _ius(
        _dialogue(
            (SEEKER, WORSE, None),
            (SUPPORTER, "That sounds so hard.", None),
            (SEEKER, BETTER, None),
            (SUPPORTER, "Good.", None),
            (SEEKER, WORSE, None),
            outcome=FAILURE,
            survey=(5, 1),
        )
    )
    assert [iu.outcome.evidence for iu in ius] == ["affect", "affect"]
    assert direction_sign(ius[0].outcome.direction) == 1
    assert direction_sign(ius[1].outcome.direction) == -1


def test_survey_decides_where_no_next_message() -> None:
    turns = ((SEEKER, WORSE, None), (SUPPORTER, "Take care!", None))
    [iu] = _ius(_dialogue(*turns, survey=(5, 2)))
    assert (iu.outcome.evidence, iu.outcome.delta, iu.outcome.direction) == ("survey", 7.5, "improved-strong")
    [failed] = _ius(_dialogue(*turns, outcome=FAILURE, survey=(3, 4)))
    assert (failed.outcome.evidence, failed.outcome.direction) == ("survey", "worsened")


def test_failed_membership_is_the_last_resort() -> None:
    turns = ((SEEKER, WORSE, None), (SUPPORTER, "ok", None))
    [iu] = _ius(_dialogue(*turns, outcome=FAILURE))
    assert (iu.outcome.evidence, iu.outcome.delta, iu.outcome.direction) == (
        "failed-dialogue",
        -5.0,
        "worsened",
    )
    [none] = _ius(_dialogue(*turns))
    assert (none.outcome.evidence, none.outcome.direction, none.key) == ("none", "neutral", False)


def test_decide_outcome_order() -> None:
    everything = {
        "affect_before": -0.9,
        "affect_after": 0.9,
        "survey_change": -3,
        "dialogue_outcome": FAILURE,
    }
    assert decide_outcome(feedback=5, **everything).evidence == "feedback"
    assert decide_outcome(**everything).evidence == "affect"
    assert decide_outcome(**everything).delta == 10.0  # 6 x 1.8, clipped
    assert decide_outcome(affect_before=0.2, survey_change=2).evidence == "survey"
    assert decide_outcome(affect_after=0.2, dialogue_outcome=FAILURE).evidence == "failed-dialogue"
    assert decide_outcome().evidence == "none"
    assert decide_outcome(affect_before=0.0, affect_after=0.3).direction == "neutral"  # within VADER noise
