"""The learned reading (judge version 3): it reads the words, in context."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from testkit import REPO

from esc_cli.iu.labeller import default_labeller
from esc_cli.judge.heads import REBUILD_COMMAND, default_heads
from esc_cli.judge.reading import ReplyJudge
from esc_cli.judge.turns import Said
from esc_cli.sim.engines import AgentReply, Utterance
from esc_cli.sim.outcome import default_table
from esc_cli.sim.profiles_io import load_profile
from esc_cli.sim.seeker_offline import OfflineSeeker

SHEPHERD = (
    Said("seeker", "We lost eleven lambs in the snow last week. I found them myself at dawn."),
    Said("supporter", "That sounds devastating. How are you holding up?"),
    Said("seeker", "Badly. I keep thinking I should have brought the ewes down to the low field sooner."),
)
REFLECTION = (
    "Finding them yourself at dawn must have been awful, and it sounds like you are carrying the blame "
    "for weather no one could control."
)


def _raw(context: tuple[Said, ...], reply: str) -> float:
    profile = load_profile(REPO / "profiles" / "verify" / "verify-sheep-farmer-bad-year.yaml")
    seeker = OfflineSeeker(default_labeller(), default_table()).session(profile, 0)
    history = [Utterance("seeker" if s.speaker == "seeker" else "agent", s.text) for s in context]
    seeker.prime(history)
    judgement = asyncio.run(seeker.judge(AgentReply(text=reply), history, 2, 40))
    assert judgement.raw is not None
    return judgement.raw


def test_a_content_free_template_scores_below_the_reply_that_engages() -> None:
    template = "I understand. That must be hard. Can you tell me more?"
    assert _raw(SHEPHERD, template) < _raw(SHEPHERD, REFLECTION)


def test_blame_appended_to_a_good_reflection_scores_lower() -> None:
    blamed = REFLECTION + " Honestly though, you probably had it coming for leaving them out."
    assert _raw(SHEPHERD, blamed) < _raw(SHEPHERD, REFLECTION)
    kinds = ReplyJudge().read(SHEPHERD, blamed).harm_kinds
    assert "blaming" in kinds


def test_an_off_topic_reply_scores_lower_and_reads_off_topic() -> None:
    office = "Being walked out of the office by security in front of your colleagues is humiliating."
    assert _raw(SHEPHERD, office) < _raw(SHEPHERD, REFLECTION)
    assert ReplyJudge().read(SHEPHERD, office).relevance < ReplyJudge().read(SHEPHERD, REFLECTION).relevance


def test_the_same_meaning_in_other_words_stays_within_one_step() -> None:
    other_words = (
        "It sounds like you're blaming yourself for the snow, when no one could have seen it coming, and "
        "finding them at dawn must have been terrible."
    )
    assert abs(_raw(SHEPHERD, other_words) - _raw(SHEPHERD, REFLECTION)) <= 5


def test_a_reading_is_memoised_per_context_and_reply() -> None:
    judge = ReplyJudge()
    assert judge.read(SHEPHERD, REFLECTION) is judge.read(SHEPHERD, REFLECTION)


def test_the_shipped_heads_were_trained_on_train_and_valid_only() -> None:
    heads = default_heads()
    meta = heads.meta
    assert meta["splits"] == ["train", "valid", "FailedESConv: the trained half"]
    sources = meta["trained_on"]
    assert isinstance(sources, dict) and sources
    for name in sources:
        assert "test" not in name, name
    # Half of FailedESConv trains the success head; the file lists those dialogues so that no
    # figure reports them, and the other half is held out.
    assert 0 < len(heads.trained_dialogues()) < 196 * 0.6
    assert meta["rebuild"] == REBUILD_COMMAND


def test_a_damaged_heads_file_is_one_error_naming_it(tmp_path: Path) -> None:
    from esc_cli.errors import InputError
    from esc_cli.judge.heads import load_heads

    broken = tmp_path / "judge_heads.json"
    broken.write_text('{"format": "esc-judge-heads/1", "encoder": "x"}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_heads(broken)
    assert str(broken) in str(caught.value) and "rebuild it" in str(caught.value)


def test_a_harm_head_of_the_wrong_shape_is_one_error_naming_the_file(tmp_path: Path) -> None:
    import json

    from esc_cli import __file__ as package
    from esc_cli.errors import InputError
    from esc_cli.judge.heads import HEADS_ASSET, load_heads

    shipped = json.loads((Path(package).parent / "assets" / HEADS_ASSET).read_text(encoding="utf-8"))
    gram = next(iter(shipped["harm"]["lexicon"]))
    shipped["harm"]["lexicon"][gram] = shipped["harm"]["lexicon"][gram][:-1]
    broken = tmp_path / "judge_heads.json"
    broken.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_heads(broken)
    assert str(broken) in str(caught.value) and "head harm has the wrong shape" in str(caught.value)


def test_the_harm_head_reads_the_words_beside_the_embedding() -> None:
    harm = default_heads().harm
    assert harm.lexicon and len(harm.banks) == len(harm.labels)
    judge = ReplyJudge()
    text = "Honestly though, you probably had it coming."
    rows = judge.encoder.embed([text])
    with_words = harm.logits(rows, [text])
    without = with_words - harm.lexical([text])
    assert not np.allclose(with_words, without)
    assert [h.kind for h in judge.harm_of(text)] == ["blaming"]
