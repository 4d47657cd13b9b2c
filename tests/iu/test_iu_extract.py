"""Segmentation and extraction on the hand-written fixtures: merged turns, ids, context, determinism."""

from __future__ import annotations

from testkit import REPO

from esc_cli.data.corpus import load_corpus
from esc_cli.data.load import read_dialogues
from esc_cli.iu.extract import dialogue_ius, extract_ius
from esc_cli.iu.labeller import default_labeller
from esc_cli.iu.parallel import extract_chunks
from esc_cli.iu.segment import merge_turns

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"


def test_same_speaker_utterances_merge_into_one_turn() -> None:
    [dialogue] = read_dialogues(FIXTURES / "original" / "ESConv-mini.json")
    turns = merge_turns(dialogue)
    assert [t.speaker for t in turns] == [
        "seeker",
        "supporter",
        "seeker",
        "supporter",
        "seeker",
        "supporter",
        "seeker",
        "supporter",
    ]
    assert (
        turns[2].text
        == "My manager said half of my team will be let go. I am so worried I will be one of them."
    )
    assert [t.seeker_index for t in turns if t.speaker == "seeker"] == [0, 1, 2, 3]
    assert turns[4].feedback == 5


def test_one_iu_per_supporter_turn_with_stable_ids() -> None:
    [dialogue] = read_dialogues(FIXTURES / "original" / "ESConv-mini.json")
    ius = dialogue_ius(dialogue, default_labeller(), context=2)
    assert [iu.id for iu in ius] == [
        "esconv:all:0000:1",
        "esconv:all:0000:3",
        "esconv:all:0000:5",
        "esconv:all:0000:7",
    ]
    first, second, third, last = ius
    assert first.state.states[0] == "opening"
    assert first.action.strategy == "Question" and first.action.actions[0] == "open-question"
    assert "worry-future" in second.state.states
    assert second.action.actions[0] == "reflect-feeling"
    assert (second.outcome.evidence, second.outcome.feedback, second.outcome.direction) == (
        "feedback",
        5,
        "improved-strong",
    )
    assert [t.text for t in second.context.turns] == [
        "Hi! What would you like to talk about today?",
        second.state.text,
    ]
    assert (
        third.outcome.behaviours[:1] == ["expresses-relief"]
        and "accepts-suggestion" in third.outcome.behaviours
    )
    assert (last.outcome.seeker_reply, last.outcome.behaviours, last.outcome.evidence) == ("", [], "survey")
    assert all(iu.labeller == default_labeller().tag for iu in ius)
    assert all(iu.key == (iu.outcome.direction != "neutral") for iu in ius)


def test_hf_and_multiesc_layouts_give_the_same_ids() -> None:
    hf = [iu.id for iu in extract_ius(read_dialogues(FIXTURES / "hf" / "valid.jsonl"), default_labeller())]
    multi = [
        iu.id for iu in extract_ius(read_dialogues(FIXTURES / "multiesc" / "valid.jsonl"), default_labeller())
    ]
    assert hf == multi == ["esconv:valid:0000:1", "esconv:valid:0000:3"]


def test_folded_feedback_reaches_the_ius() -> None:
    dialogues = load_corpus([FIXTURES / "hf" / "valid.jsonl", FIXTURES / "multiesc" / "valid.jsonl"])
    ius = list(extract_ius(dialogues, default_labeller()))
    assert [(iu.outcome.evidence, iu.outcome.feedback) for iu in ius] == [("feedback", 4), ("feedback", 5)]
    assert "anger-at-others" in ius[0].state.states
    assert ius[1].state.states[0] == "seeking-advice"


def test_supporter_first_has_no_seeker_state_text() -> None:
    [first, *_] = read_dialogues(FIXTURES / "hf" / "train.jsonl")
    ius = dialogue_ius(first, default_labeller())
    assert (ius[0].id, ius[0].state.states, ius[0].state.text) == ("esconv:train:0000:0", ["opening"], "")
    merged = ius[1]
    assert merged.action.strategies == ["Affirmation and Reassurance", "Question"]
    assert merged.action.strategy == "Affirmation and Reassurance"
    assert {"reassure", "closed-question"} <= set(merged.action.actions)


def test_crisis_dialogue() -> None:
    [_, crisis] = read_dialogues(FIXTURES / "hf" / "train.jsonl")
    check, refer = dialogue_ius(crisis, default_labeller())
    assert check.state.states[0] == "crisis-risk" and check.state.intensity >= 0.95
    assert "safety-check" in check.action.actions
    assert "refer-resource" in refer.action.actions


def test_parallel_output_is_identical_to_serial() -> None:
    dialogues = load_corpus([FIXTURES / "hf", FIXTURES / "original", FIXTURES / "generic"])
    labeller = default_labeller()
    serial = [iu.model_dump_json() for iu in extract_ius(dialogues, labeller)]
    seen: list[int] = []
    chunks = extract_chunks(dialogues * 30, labeller, workers=2, progress=seen.append)
    parallel = [line for chunk in chunks for line in chunk.lines]
    assert parallel == serial * 30
    assert sum(seen) == 30 * sum(len(d.utterances) for d in dialogues)


def test_unannotated_turns_get_a_predicted_strategy() -> None:
    [chat, _] = read_dialogues(FIXTURES / "generic" / "chats.jsonl")
    ius = dialogue_ius(chat, default_labeller())
    assert all(iu.action.strategy == "" and iu.action.strategy_predicted for iu in ius)
    assert ius[0].id == "mychats:train:0000:1" and ius[0].dialogue == "chat-1"
