"""The strategy model: the shipped JSON weights, pure-Python inference, and the trainer that rebuilds
them (the trainer's tests need scikit-learn and skip without it)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from testkit import require_data

from esc_cli.errors import InputError
from esc_cli.iu.strategy_model import (
    WEIGHTS_FORMAT,
    ScaledRows,
    StrategyModel,
    load_strategy_model,
    parse_weights,
)
from esc_cli.iu.text_features import strategy_features
from esc_cli.taxonomy import ESCONV_STRATEGIES

SHIPPED = resources.files("esc_cli").joinpath("assets", "strategy_weights.json")

# Eight small families of supporter utterances, one per strategy, for a model trained in the tests.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "Question": ("How long have you felt {x}?", "What happened with {x}?", "Do you want to talk about {x}?"),
    "Restatement or Paraphrasing": ("So you are saying that {x} upset you.", "So {x} is what hurts most."),
    "Reflection of feelings": ("You sound really hurt by {x}.", "It seems {x} makes you feel lonely."),
    "Self-disclosure": ("I went through {x} myself last year.", "When I had {x}, I felt the same."),
    "Affirmation and Reassurance": ("You are doing great with {x}.", "It is brave of you to face {x}."),
    "Providing Suggestions": (
        "Maybe you could try talking about {x}.",
        "Have you thought of a walk after {x}?",
    ),
    "Information": ("Many people find {x} gets easier with time.", "Studies show {x} is very common."),
    "Others": ("Hello there, {x}!", "Thanks, take care and good luck with {x}."),
}
TOPICS = ("work", "your sister", "the breakup", "school", "money", "the move", "your dog", "exams")


def toy_examples() -> list[tuple[str, str]]:
    return [
        (template.format(x=topic), strategy)
        for strategy, templates in TEMPLATES.items()
        for template in templates
        for topic in TOPICS
    ]


def write_hf(path: Path, examples: list[tuple[str, str]]) -> Path:
    dialog: list[dict[str, str]] = []
    for text, strategy in examples:
        dialog += [
            {"text": "I feel bad.", "speaker": "usr"},
            {"text": text, "speaker": "sys", "strategy": strategy},
        ]
    keys = ("seeker_question1", "seeker_question2", "supporter_question1", "supporter_question2")
    record = {
        "experience_type": "Current Experience",
        "emotion_type": "sadness",
        "problem_type": "job crisis",
        "situation": "A test dialogue.",
        "survey_score": {"seeker": {"initial_emotion_intensity": "4"}, "supporter": {}},
        "dialog": dialog,
        **dict.fromkeys(keys, ""),
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def tiny_model() -> StrategyModel:
    weights = {
        "bias": (0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        "u:sorry": (0.0, 0.0, 0.0, 0.0, 2.0, 0, 0, 0),
    }
    return StrategyModel(ESCONV_STRATEGIES, weights, "t", (0.0, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1, 0.05))


# --- the shipped file and pure-Python inference ---------------------------------------------------


def test_shipped_weights_are_plain_json_and_small() -> None:
    raw = SHIPPED.read_bytes()
    assert len(raw) < 3_000_000
    body = json.loads(raw)
    assert body["format"] == WEIGHTS_FORMAT
    assert tuple(body["labels"]) == ESCONV_STRATEGIES
    assert len(body["intercepts"]) == len(ESCONV_STRATEGIES)
    assert all(isinstance(w, int) for row in body["weights"].values() for w in row)
    model = load_strategy_model()
    assert model.version == body["version"] and len(model.weights) == body["meta"]["features_kept"]


def test_shipped_model_predicts_the_obvious_cases() -> None:
    model = load_strategy_model()
    assert model.predict("How long have you felt this way?") == "Question"
    assert model.predict("I went through something similar last year.") == "Self-disclosure"
    assert model.predict("") in ESCONV_STRATEGIES
    probabilities = model.probabilities("Maybe you could try going for a walk every morning.")
    assert max(probabilities, key=probabilities.__getitem__) == "Providing Suggestions"
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_inference_needs_no_numerical_library() -> None:
    code = (
        "import sys\n"
        "from esc_cli.iu.labeller import default_labeller\n"
        "default_labeller().strategy('How are you?')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sklearn', 'numpy', 'scipy'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_scores_are_intercept_plus_known_weights_over_sqrt_of_all_features() -> None:
    model = tiny_model()
    text = "I am so sorry."
    n = len(strategy_features(text))
    scores = model.scores(text)
    assert scores[4] == pytest.approx(2.0 / n**0.5 - 0.1)
    assert scores[0] == pytest.approx(0.1 / n**0.5)
    assert model.predict(text) == "Affirmation and Reassurance"
    # Dropping a feature removes its own term only: the normaliser counts every feature of the text.
    pruned = StrategyModel(model.labels, {"bias": model.weights["bias"]}, "t", model.intercepts)
    assert pruned.scores(text)[4] == pytest.approx(-0.1)
    assert pruned.scores(text)[0] == pytest.approx(scores[0])
    assert StrategyModel(model.labels, model.weights, "t").scores(text)[7] == pytest.approx(0.0)


def test_json_round_trip_is_the_quantised_model() -> None:
    model = StrategyModel(ESCONV_STRATEGIES, {"u:hi": tuple(0.12345 * k for k in range(8))}, "t", (0.5,) * 8)
    text = model.to_json(meta={"note": "test"}, scale=1000)
    back = parse_weights(text, "x.json")
    assert back == model.quantised(1000)
    assert back.weights["u:hi"][3] == pytest.approx(0.37)
    assert back.intercepts == (0.5,) * 8


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda b: b.update(format=1), "format 1"),
        (lambda b: b.update(labels=["a"] * 8), "label set"),
        (lambda b: b.update(intercepts=[0]), "wrong length"),
        (lambda b: b["weights"].update({"u:x": [1, 2]}), "wrong length"),
        (lambda b: b.pop("intercepts"), "not a strategy weights file"),
        (lambda b: b.update(scale=0), "not a strategy weights file"),
    ],
)
def test_a_wrong_weights_file_is_one_clear_error(
    edit: Callable[[dict[str, Any]], object], message: str, tmp_path: Path
) -> None:
    body = json.loads(tiny_model().to_json(meta={}))
    edit(body)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_strategy_model(path)
    assert str(path) in str(caught.value)


def test_not_json_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a strategy weights file"):
        parse_weights("{oops", "w.json")


# --- the trainer (scikit-learn at training time only) ----------------------------------------------


def test_pure_python_inference_matches_scikit_learn() -> None:
    pytest.importorskip("sklearn")
    from esc_cli.iu.train_strategy import Fitted, check_inference

    examples = toy_examples()
    fitted = Fitted(examples, c=0.5)
    texts = [text for text, _ in examples] + ["How are you doing with work?", "I had exams too.", "hi"]
    full = fitted.model()
    assert [full.predict(t) for t in texts] == fitted.reference_predictions(texts)
    mask = fitted.kept(min_df=2, prune=0.05)
    pruned = fitted.model(mask)
    assert 0 < len(pruned.weights) < len(full.weights)
    assert [pruned.predict(t) for t in texts] == fitted.reference_predictions(texts, mask)
    shipped = parse_weights(pruned.to_json(meta={}, scale=1000), "toy")
    assert check_inference(fitted, shipped, texts, mask, 1000) == 0
    assert sum(shipped.predict(t) == s for t, s in examples) / len(examples) > 0.9


def test_training_command_is_deterministic(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from esc_cli.iu.train_strategy import main

    data = write_hf(tmp_path / "train.jsonl", toy_examples())
    valid = write_hf(tmp_path / "valid.jsonl", toy_examples()[::3])
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        assert main(["--data", str(data), "--valid", str(valid), "-o", str(out), "--prune", "0.05"]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    model = load_strategy_model(outs[0])
    meta = json.loads(outs[0].read_text(encoding="utf-8"))["meta"]
    assert meta["valid_micro"] > 0.9 and meta["features_kept"] == len(model.weights)


def test_training_without_every_strategy_is_refused() -> None:
    pytest.importorskip("sklearn")
    from esc_cli.iu.train_strategy import Fitted

    with pytest.raises(SystemExit, match="every ESConv strategy"):
        Fitted([(t, s) for t, s in toy_examples() if s != "Information"], c=0.5)


def test_rebuild_reproduces_the_shipped_file(tmp_path: Path) -> None:
    """The command in train_strategy's docstring gives the shipped bytes (same scikit-learn version)."""
    sklearn = pytest.importorskip("sklearn")
    shipped = SHIPPED.read_bytes()
    meta = json.loads(shipped)["meta"]
    if sklearn.__version__ != meta["sklearn"]:
        pytest.skip(f"shipped weights built with scikit-learn {meta['sklearn']}, not {sklearn.__version__}")
    splits = require_data() / "esconv" / "hf_splits"
    from esc_cli.iu.train_strategy import main

    out = tmp_path / "strategy_weights.json"
    args = ["--data", str(splits / "train.jsonl"), "--valid", str(splits / "valid.jsonl"), "-o", str(out)]
    assert main(args) == 0
    assert out.read_bytes() == shipped


def test_shipped_model_quality_on_valid() -> None:
    """A guard on the valid split; the reported figure (test split) comes from bench/iu_extract.py."""
    from esc_cli.iu.train_strategy import accuracy, read_examples

    valid = read_examples([require_data() / "esconv" / "hf_splits" / "valid.jsonl"])
    micro, macro = accuracy(load_strategy_model(), valid)
    meta = json.loads(SHIPPED.read_bytes())["meta"]
    assert (round(micro, 4), round(macro, 4)) == (meta["valid_micro"], meta["valid_macro"])
    assert micro >= 0.56 and macro >= 0.47, (micro, macro)


def test_the_packaged_model_read_lazily_equals_the_checked_parse() -> None:
    lazy = load_strategy_model()
    assert isinstance(lazy.weights, ScaledRows)
    text = SHIPPED.read_text(encoding="utf-8")
    eager = parse_weights(text, "strategy_weights.json")
    assert not isinstance(eager.weights, ScaledRows)
    for sample in ("How long have you felt this way?", "I'm so sorry.", "Maybe try a walk each day."):
        assert lazy.scores(sample) == eager.scores(sample)
    assert lazy.weights.get("no such feature") is None
    with pytest.raises(KeyError):
        lazy.weights["no such feature"]
    # Every row, as the checked parse reads it (and every weight is a number the division accepts).
    assert dict(lazy.weights.items()) == dict(eager.weights)
