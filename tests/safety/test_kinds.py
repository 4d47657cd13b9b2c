"""The kinds of cue a reply answers: the rules over P(kind), the kind head, and its training material."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from esc_cli.errors import InputError
from esc_cli.safety.heads import KindHead, asset_path, read_heads
from esc_cli.safety.kind_train import kind_material
from esc_cli.safety.kinds import HARM_FROM_OTHERS, KINDS, SELF_HARM, SUICIDAL_IDEATION, asked_kind, kinds_from

DANGER_ALONE, FLOOR = 0.8, 0.25


def read(p: list[float]) -> tuple[str, ...]:
    return kinds_from(KINDS, p, DANGER_ALONE, FLOOR)


def test_the_most_likely_kind_comes_first_and_others_count_from_the_floor() -> None:
    assert read([0.9, 0.05, 0.05]) == (SUICIDAL_IDEATION,)
    assert read([0.5, 0.3, 0.2]) == (SUICIDAL_IDEATION, SELF_HARM)
    assert read([0.3, 0.6, 0.25]) == (SELF_HARM, SUICIDAL_IDEATION, HARM_FROM_OTHERS)


def test_danger_from_others_is_read_alone_only_when_the_head_is_sure() -> None:
    assert read([0.1, 0.05, 0.85]) == (HARM_FROM_OTHERS,)
    # Below the bar the next most likely kind is read beside it, even under the floor.
    assert read([0.15, 0.1, 0.75]) == (HARM_FROM_OTHERS, SUICIDAL_IDEATION)
    assert read([0.05, 0.2, 0.75]) == (HARM_FROM_OTHERS, SELF_HARM)


def test_the_question_asked_is_about_danger_only_when_danger_is_the_one_kind() -> None:
    assert asked_kind((HARM_FROM_OTHERS,)) == HARM_FROM_OTHERS
    assert asked_kind((HARM_FROM_OTHERS, SELF_HARM)) == SELF_HARM
    assert asked_kind((SUICIDAL_IDEATION, HARM_FROM_OTHERS)) == SUICIDAL_IDEATION
    assert asked_kind(()) == ""


def test_the_kind_head_is_a_softmax_over_its_rows() -> None:
    head = KindHead(
        labels=list(KINDS),
        weights=[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]],
        bias=[0.0, 0.0, 0.0],
        danger_alone=0.8,
        floor=0.25,
    )
    p = head.probabilities(np.asarray([[0.0, 0.0], [2.0, 0.0]], np.float32))
    assert p[0].tolist() == pytest.approx([1 / 3] * 3)
    e = np.exp(2.0)
    assert p[1].tolist() == pytest.approx([e / (e + 2), 1 / (e + 2), 1 / (e + 2)])
    assert head.probabilities(np.zeros((0, 2), np.float32)).shape == (0, 3)


def test_a_kind_head_of_the_wrong_shape_is_one_input_error(tmp_path: Path) -> None:
    data = json.loads(asset_path().read_text(encoding="utf-8"))
    data["kinds"]["bias"] = data["kinds"]["bias"][:2]
    damaged = tmp_path / "heads.json"
    damaged.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="not a safety heads file"):
        read_heads(damaged)


def test_the_training_material_takes_each_family_at_its_listed_kind() -> None:
    cues = {"crisis": {"a": ["one", "two"], "b": ["three"], "c": ["four"]}, "none": {"d": ["five"]}}
    seeds = {"kinds": {k: [f"seed {k}"] for k in KINDS}}
    material = kind_material(cues, {"self-harm": ["b"], "mixed": ["c"]}, seeds)
    assert list(zip(material.texts, material.kinds, strict=True)) == [
        ("one", SUICIDAL_IDEATION),
        ("two", SUICIDAL_IDEATION),
        ("three", SELF_HARM),
    ]
    assert material.seed_kinds == list(KINDS)
    with pytest.raises(ValueError, match="'z' is not a crisis family"):
        kind_material(cues, {"self-harm": ["z"]}, seeds)
    with pytest.raises(ValueError, match="unknown kind 'anger'"):
        kind_material(cues, {"anger": ["a"]}, seeds)


def test_the_shipped_kinds_file_names_only_crisis_families() -> None:
    import yaml

    from esc_cli.safety.kind_train import read_kind_lists
    from esc_cli.safety.train import cues_path, read_seeds

    cues = yaml.safe_load(cues_path().read_text(encoding="utf-8"))
    material = kind_material(cues, read_kind_lists(), read_seeds())
    assert set(material.kinds) == set(KINDS)


def test_suicide_words_never_leave_danger_alone() -> None:
    from esc_cli.safety.kinds import with_patterns

    assert with_patterns((HARM_FROM_OTHERS,), True) == (HARM_FROM_OTHERS, SUICIDAL_IDEATION)
    assert with_patterns((HARM_FROM_OTHERS,), False) == (HARM_FROM_OTHERS,)
    assert with_patterns((SELF_HARM, HARM_FROM_OTHERS), True) == (SELF_HARM, HARM_FROM_OTHERS)


def test_danger_and_a_wish_to_die_in_one_sentence_are_asked_about_both() -> None:
    from esc_cli.safety.detector import crisis_detector

    detector = crisis_detector()
    for text in ("he hits me every night and I'd rather be dead", "i wanna die my bf keeps hitting me"):
        reading = detector.acted_on(text)
        assert reading is not None and HARM_FROM_OTHERS in reading.kinds
        assert reading.asked == SUICIDAL_IDEATION
    danger = detector.acted_on("my partner hit me again and said next time he will kill me")
    assert danger is not None and danger.kinds == (HARM_FROM_OTHERS,)


def _damaged(tmp_path: Path, change: object) -> Path:
    data = json.loads(asset_path().read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "heads.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda d: d["kinds"].update(weights=[row[:100] for row in d["kinds"]["weights"]]),
            "kinds.weights[0] has 100",
        ),
        (
            lambda d: d["parts"]["ask"].update(weights=d["parts"]["ask"]["weights"][:10]),
            "parts.ask.weights has 10",
        ),
        (lambda d: d["kinds"].update(labels=["a", "b", "c"]), "kinds.labels must be"),
        (lambda d: d["kinds"].update(danger_alone=float("nan")), "kinds.danger_alone is nan"),
        (lambda d: d["cue"].update(threshold=1.5), "cue.threshold is 1.5"),
        (lambda d: d["cue"].update(bank_crisis=""), "cue.bank_crisis is empty"),
        (lambda d: d.pop("parts"), "parts: not a safety heads file: Field required"),
    ],
)
def test_a_damaged_heads_file_names_the_place_and_the_rebuild(
    tmp_path: Path, change: object, said: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_heads(_damaged(tmp_path, change))
    message = str(caught.value)
    assert said in message and "rebuild it: python -m esc_cli.safety.train" in message
    assert "\n" not in message


def test_a_heads_file_of_another_format_or_empty_says_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="format 'esc-safety-heads/2' is not 'esc-safety-heads/3'"):
        read_heads(_damaged(tmp_path, lambda d: d.update(format="esc-safety-heads/2")))
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"rebuild it: python -m esc_cli\.safety\.train"):
        read_heads(empty)


def test_held_out_families_are_checked_and_never_trained_on() -> None:
    from esc_cli.safety.kind_train import held_out_material

    cues = {"crisis": {"a": ["one"], "b": ["two"], "c": ["three"]}, "none": {}}
    seeds = {"kinds": {k: [f"seed {k}"] for k in KINDS}}
    listed = {"self-harm": ["a"], "held_out": {"harm-from-others": ["b"], "suicidal-ideation": ["c"]}}
    assert kind_material(cues, listed, seeds).texts == ["one"]
    assert held_out_material(cues, listed) == (["two", "three"], [HARM_FROM_OTHERS, SUICIDAL_IDEATION])
    with pytest.raises(ValueError, match="'a' is listed twice"):
        kind_material(cues, {"self-harm": ["a"], "held_out": {"self-harm": ["a"]}}, seeds)
    with pytest.raises(ValueError, match="unknown kind 'mixed'"):
        held_out_material(cues, {"held_out": {"mixed": ["b"]}})
