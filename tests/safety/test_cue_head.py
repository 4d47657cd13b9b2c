"""The cue head's inputs on hand-made heads, and the trainer's family-held-out pieces."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from testkit import REPO

from esc_cli.safety.fitting import nearest_outside
from esc_cli.safety.heads import CueHead, bank_matrix, nearest_similarity, ngrams, pack_bank, unpack_bank
from esc_cli.safety.train import NEAREST, cue_messages, esconv_texts


def _head(**changes: object) -> CueHead:
    base: dict[str, object] = {
        "unit": [0.0, 0.0],
        "whole": [0.0, 0.0],
        "pattern": 0.0,
        "longest_ngram": 2,
        "lexicon": {},
        "k": 1,
        "nearest": [0.0, 0.0],
        "bank_crisis": pack_bank([[1000, 0]]),
        "bank_none": pack_bank([[0, 1000]]),
        "bias": 0.0,
        "threshold": 0.5,
    }
    return CueHead.model_validate({**base, **changes})


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _p(head: CueHead, unit: list[float], whole: list[float], pattern: bool, text: str) -> float:
    rows = np.asarray([unit], np.float32), np.asarray([whole], np.float32)
    return float(head.probability(*rows, [pattern], [text])[0])


def test_ngrams_are_lowercased_word_runs_up_to_the_longest() -> None:
    assert ngrams("Won't need it", 2) == {"won't", "need", "it", "won't need", "need it"}
    assert ngrams("I’m gone", 1) == {"i'm", "gone"}


def test_each_input_moves_the_logit_by_its_weight() -> None:
    assert _p(_head(), [1, 0], [0, 1], False, "x") == pytest.approx(0.5)
    assert _logit(_p(_head(unit=[2.0, 0.0]), [1, 0], [0, 1], False, "x")) == pytest.approx(2.0)
    assert _logit(_p(_head(whole=[0.0, -1.5]), [1, 0], [0, 1], False, "x")) == pytest.approx(-1.5)
    assert _logit(_p(_head(pattern=3.0), [1, 0], [0, 1], True, "x")) == pytest.approx(3.0)
    # Two lexicon n-grams present: their weights sum, divided by sqrt(2).
    lexical = _head(lexicon={"need": 1.0, "won't need": 1.0, "absent": 9.0})
    assert _logit(_p(lexical, [1, 0], [0, 1], False, "won't need")) == pytest.approx(2 / math.sqrt(2))
    # The unit equals the crisis bank's only row and is orthogonal to the none bank's.
    near = _head(nearest=[2.0, 5.0])
    assert _logit(_p(near, [1, 0], [0, 1], False, "x")) == pytest.approx(2.0)


def test_banks_are_stored_in_thousandths_and_averaged_over_the_k_nearest() -> None:
    bank = bank_matrix([[1000, 0], [0, 1000], [600, 800]])
    rows = np.asarray([[1.0, 0.0]], np.float32)
    assert nearest_similarity(rows, bank, 1)[0] == pytest.approx(1.0)
    assert nearest_similarity(rows, bank, 2)[0] == pytest.approx(0.8)
    assert nearest_similarity(rows, bank[:0], 2)[0] == 0.0


def test_a_training_unit_is_never_compared_with_its_own_family() -> None:
    # The bank holds the unit itself (family a) and five statements of family b at cosine 0.6; the
    # trainer averages the NEAREST (5) nearest.
    bank = bank_matrix([[1000, 0]] + [[600, 800]] * 5)
    rows = np.asarray([[1.0, 0.0], [1.0, 0.0]], np.float32)
    near = nearest_outside(rows, ["family:a", "family:c"], bank, ["family:a"] + ["family:b"] * 5, NEAREST)
    assert near.tolist() == pytest.approx([0.6, (1.0 + 4 * 0.6) / 5])


def test_training_messages_keep_families_together_and_never_read_the_test_suite() -> None:
    messages = cue_messages(REPO, [("train:1", "I had a long day at work."), ("valid:2", "Hi there.")])
    texts = {m.text for m in messages}
    held_out = (REPO / "bench/suites/crisis_cues_test.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert not texts & {line.split("\t", 1)[1] for line in held_out}
    families = {m.group for m in messages if m.group.startswith("family:")}
    assert "family:passive-not-waking" in families and "family:hyperbole-killing-dying" in families
    assert [m.ordinary for m in messages if m.group.startswith("esconv:")] == [True, True]
    assert all(m.seed for m in messages if m.group.startswith("seed:"))
    assert {m.label for m in messages if m.group == "family:self-harm-cutting"} == {1}


def test_esconv_negatives_come_from_train_and_valid_only() -> None:
    if not os.environ.get("ESC_DATA"):
        pytest.skip("ESC_DATA is not set")
    seekers, _ = esconv_texts(Path(os.environ["ESC_DATA"]))
    assert {key.split(":", 1)[0] for key, _ in seekers} == {"train", "valid"}


def test_banks_round_trip_through_their_packed_text_and_damage_is_refused() -> None:
    rows = [[1000, -1000, 7], [0, 250, -32767]]
    packed = pack_bank(rows)
    assert unpack_bank(packed, 3).tolist() == rows
    assert len(packed) < len(str(rows))
    with pytest.raises(ValueError, match="not rows of 4"):
        unpack_bank(packed, 4)
    with pytest.raises(ValueError, match="not base64"):
        unpack_bank("not base64!", 3)
    with pytest.raises(ValueError, match="beyond int16"):
        pack_bank([[40000]])
    with pytest.raises(ValueError, match="not rows of 2"):
        _head(bank_crisis=pack_bank([[1, 2, 3]]))


def test_a_heads_file_with_a_damaged_bank_is_one_input_error(tmp_path: Path) -> None:
    import json

    from esc_cli.errors import InputError
    from esc_cli.safety.heads import asset_path, read_heads

    data = json.loads(asset_path().read_text(encoding="utf-8"))
    data["cue"]["bank_none"] = data["cue"]["bank_none"][:-7]
    damaged = tmp_path / "heads.json"
    damaged.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="not a safety heads file") as caught:
        read_heads(damaged)
    assert "python -m esc_cli.safety.train" in str(caught.value)
