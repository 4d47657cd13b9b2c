"""The dialogue readers: one hand-written fixture per layout, detection, --format, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import REPO

from esc_cli.data.corpus import load_corpus
from esc_cli.data.dialogue import FAILURE, SEEKER, SUCCESS, SUPPORTER
from esc_cli.data.load import dialogue_files, read_dialogues
from esc_cli.errors import InputError

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"


def test_original_layout() -> None:
    [dialogue] = read_dialogues(FIXTURES / "original" / "ESConv-mini.json")
    assert (dialogue.source, dialogue.split, dialogue.outcome) == ("esconv", "all", SUCCESS)
    assert dialogue.key == "esconv:all:0000"
    assert (dialogue.initial_intensity, dialogue.final_intensity, dialogue.survey_change) == (5, 2, 3)
    assert [u.speaker for u in dialogue.utterances[:3]] == [SEEKER, SUPPORTER, SEEKER]
    assert dialogue.utterances[0].text == "Hello there"  # the trailing newline is stripped
    assert dialogue.utterances[5].feedback == 5
    assert dialogue.utterances[1].strategy == "Question"


def test_failed_layout_maps_speakers_and_raw_labels() -> None:
    [dialogue] = read_dialogues(FIXTURES / "original" / "FailedESConv-mini.json")
    assert (dialogue.source, dialogue.outcome) == ("failed-esconv", FAILURE)
    supporter = [u for u in dialogue.utterances if u.speaker == SUPPORTER]
    assert [(u.raw_strategy, u.strategy) for u in supporter] == [
        ("Other", "Others"),
        ("Approval and Reassurance", "Affirmation and Reassurance"),
        ("Questions", "Question"),
    ]
    assert [u.feedback for u in dialogue.utterances if u.feedback] == [1, 2]


def test_hf_layout_takes_the_split_from_the_file_name() -> None:
    dialogues = read_dialogues(FIXTURES / "hf" / "train.jsonl")
    assert [d.key for d in dialogues] == ["esconv:train:0000", "esconv:train:0001"]
    assert dialogues[1].final_intensity is None and dialogues[1].survey_change is None
    assert dialogues[0].origin.endswith("train.jsonl:1")


def test_multiesc_layout_keeps_feedback_and_maps_its_labels() -> None:
    [dialogue] = read_dialogues(FIXTURES / "multiesc" / "valid.jsonl")
    assert dialogue.key == "esconv:valid:0000"
    assert [u.feedback for u in dialogue.utterances if u.speaker == SEEKER] == [None, 4, 5]
    assert dialogue.utterances[3].strategy == "Providing Suggestions"
    assert dialogue.utterances[3].raw_strategy == "Providing Suggestions or Information"


def test_generic_layout() -> None:
    first, second = read_dialogues(FIXTURES / "generic" / "chats.jsonl")
    assert (first.key, first.name, first.outcome) == ("mychats:train:0000", "chat-1", SUCCESS)
    assert (second.key, second.outcome) == ("chats:all:0001", FAILURE)
    assert first.utterances[2].feedback == 4


def test_hf_and_multiesc_copies_fold_into_one_dialogue_with_feedback() -> None:
    dialogues = load_corpus([FIXTURES / "hf" / "valid.jsonl", FIXTURES / "multiesc" / "valid.jsonl"])
    assert len(dialogues) == 1
    [dialogue] = dialogues
    assert dialogue.utterances[2].text == "That makes total sense, anyone would feel that way."
    assert [u.feedback for u in dialogue.utterances if u.speaker == SEEKER] == [None, None, 4, 5]


def test_split_filter_keeps_files_without_a_split(tmp_path: Path) -> None:
    paths = [FIXTURES / "hf", FIXTURES / "original" / "FailedESConv-mini.json"]
    assert [d.key for d in load_corpus(paths, split="valid")] == [
        "esconv:valid:0000",
        "failed-esconv:all:0000",
    ]
    assert len(load_corpus(paths)) == 4


def test_folders_expand_to_their_dialogue_files() -> None:
    assert [p.name for p in dialogue_files([FIXTURES / "hf"])] == ["train.jsonl", "valid.jsonl"]


def test_format_override_is_applied(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_dialogues(FIXTURES / "hf" / "train.jsonl", fmt="generic")
    assert str(caught.value) == (
        f"{FIXTURES / 'hf' / 'train.jsonl'} -> line 1 (dialogue 1) -> turns: expected a list of "
        "utterances, found missing (check the file against the generic layout)"
    )


def _error(path: Path, text: str | bytes) -> str:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_dialogues(path)
    return str(caught.value)


def test_truncated_json_list_names_the_line(tmp_path: Path) -> None:
    text = (FIXTURES / "original" / "ESConv-mini.json").read_text(encoding="utf-8")
    path = tmp_path / "ESConv.json"
    message = _error(path, text[:400])
    assert message.startswith(f"{path} -> line 12, column ")
    assert "truncated JSON (the file ends inside a value) (repair or re-download the file)" in message


def test_truncated_jsonl_line(tmp_path: Path) -> None:
    lines = (FIXTURES / "hf" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "train.jsonl"
    message = _error(path, lines[0] + "\n" + lines[1][:200] + "\n" + lines[0] + "\n")
    assert message.startswith(f"{path} -> line 2, column ")
    assert "truncated JSON (the line ends inside a value)" in message  # the file itself goes on


def test_text_that_is_not_json_is_not_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE.json"
    message = _error(path, "Attribution-NonCommercial 4.0 International\n")
    assert message == (
        f"{path} -> line 1, column 1: malformed JSON: Expecting value (repair or re-download the file)"
    )
    other = tmp_path / "other.jsonl"
    assert _error(other, "[1, 2]\n").startswith(
        f"{other} -> line 1: not a dialogue layout esc knows (found a number)"
    )
    assert "(found an empty object)" in _error(other, "{}\n")


def test_wrong_layout(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    message = _error(path, '{"title": "shopping", "items": ["milk"]}\n')
    assert message == (
        f"{path} -> line 1: not a dialogue layout esc knows (found keys items, title) (convert it to the "
        'generic layout (a JSON object a line: {"turns": [{"speaker", "text"}, ...]}) or another layout esc '
        "reads: esconv-json, failed-esconv, hf-jsonl, multiesc, generic)"
    )


def test_turns_that_are_not_a_list_are_named(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    assert _error(path, '{"id": "a", "turns": "hello"}\n') == (
        f"{path} -> line 1: 'turns' is a string, not a list of turns "
        """(make 'turns' a list of turns, each {"speaker": ..., "text": ...})"""
    )
    assert "'dialog' is an object" in _error(path, '{"dialog": {"speaker": "usr"}}\n')


def test_missing_speaker(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    good = '{"dialog": [{"text": "hi", "speaker": "usr"}, {"text": "hello", "speaker": "sys"}]}'
    bad = '{"dialog": [{"text": "hi", "speaker": "usr"}, {"text": "hello"}]}'
    message = _error(path, f"{good}\n\n{bad}\n")
    assert (
        message
        == f"{path} -> line 3 (dialogue 2) -> dialog[1].speaker: missing speaker (use one of usr, sys)"
    )


def test_missing_speaker_in_a_json_list_names_the_dialogue_line(tmp_path: Path) -> None:
    path = tmp_path / "FailedESConv.json"
    body = (
        '[\n {"dialog": [{"speaker": "speaker", "annotation": {}, "content": "hi"}]},\n'
        ' {"dialog": [{"speaker": "speaker", "annotation": {}, "content": "hi"},\n'
        '   {"annotation": {}, "content": "hello"}]}\n]\n'
    )
    message = _error(path, body)
    assert message.startswith(f"{path} -> line 3 (dialogue 2) -> dialog[1].speaker: missing speaker")


def test_unknown_strategy(tmp_path: Path) -> None:
    path = tmp_path / "test.jsonl"
    message = _error(path, '{"dialog": [{"text": "hi", "speaker": "sys", "strategy": "Hugging"}]}\n')
    assert "dialog[0].strategy: unknown strategy 'Hugging'" in message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    assert _error(path, "\n  \n") == f"{path}: empty dialogue file (pass a file that holds dialogues)"


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    message = _error(path, b'{"dialog": [{"text": "caf\xe9", "speaker": "usr"}]}\n')
    assert message == f"{path}: not valid UTF-8 (byte 0xe9 at offset 25) (re-save the file as UTF-8)"


def test_a_fetched_folder_reads_without_its_label_file(tmp_path: Path) -> None:
    (tmp_path / "strategy.json").write_text('["Question", "Others"]', encoding="utf-8")
    (tmp_path / "FailedESConv.json").write_text("[]", encoding="utf-8")
    assert dialogue_files([tmp_path]) == [tmp_path / "FailedESConv.json"]


def test_utf16_text_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    for encoding in ("utf-16", "utf-16-be"):
        raw = '{"turns": []}\n'.encode(encoding)
        if encoding == "utf-16-be":
            raw = b"\xfe\xff" + raw
        assert (
            _error(path, raw) == f"{path}: UTF-16 text, not a UTF-8 dialogue file (re-save the file as UTF-8)"
        )
