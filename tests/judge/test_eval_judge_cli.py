"""`esc eval judge` end to end on small fixtures, and its one-line errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from testkit import REPO, EscRunner

from esc_cli.judge.material import dialogue_turns

FIXTURES = REPO / "tests" / "fixtures" / "dialogues"

GRIEF = [
    {"speaker": "seeker", "text": "My grandad died on Sunday. He taught me to fish and I can't stop crying."}
]
EXAM = [
    {"speaker": "seeker", "text": "I failed my driving test for the third time today."},
    {"speaker": "supporter", "text": "Oh no, the third time. How are you feeling about it?"},
    {"speaker": "seeker", "text": "Stupid. Everyone else passed first go and I just freeze at junctions."},
]
PAIRS = [
    {
        "kind": "blaming",
        "turn": 1,
        "context": GRIEF,
        "better": "I'm so sorry. Losing the person who taught you to fish leaves a very particular kind of gap.",
        "worse": "Well, everyone dies eventually, you should have spent more time with him while you could.",
    },
    {
        "kind": "dismissive",
        "turn": 2,
        "context": EXAM,
        "better": "Freezing at junctions under test pressure is really common, and three tries says you keep going.",
        "worse": "It's just a driving test, honestly it's not a big deal at all, stop making a fuss.",
    },
    {
        "kind": "off-topic",
        "turn": 2,
        "context": EXAM,
        "better": "It hurts to feel behind everyone else, especially when you know you can drive.",
        "worse": "Grief after losing a grandparent can come in waves for months.",
    },
]


def _changes(items: list[tuple[list[dict[str, str]], str, int]]) -> list[float]:
    """The offline judge's change for each (context, reply, turn), as `esc eval judge` replays it."""
    import asyncio

    from esc_cli.judge.replay import Item, judged_changes
    from esc_cli.judge.turns import Said
    from esc_cli.sim.engines import default_labeller
    from esc_cli.sim.options import SimOptions, build_seeker

    seeker = build_seeker(SimOptions(), default_labeller())
    replay = [Item(tuple(Said(s["speaker"], s["text"]) for s in c), r, t) for c, r, t in items]
    return asyncio.run(judged_changes(seeker, replay))


def _suite(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_offline_judge_on_fixtures_prints_every_figure_beside_its_baselines(
    esc: EscRunner, tmp_path: Path
) -> None:
    suite = _suite(tmp_path, [json.dumps(p) for p in PAIRS])
    feedback = FIXTURES / "multiesc" / "valid.jsonl"
    good = FIXTURES / "hf" / "train.jsonl"  # two dialogues: each reply meets one from the other
    bad = FIXTURES / "original" / "FailedESConv-mini.json"
    result = esc(
        "eval",
        "judge",
        "--feedback",
        str(feedback),
        "--succeeded",
        str(good),
        "--failed",
        str(bad),
        "--pairs",
        str(suite),
        "--sample",
        "10",
        "--format",
        "json",
        cwd=REPO,
    )
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["engine"] == "offline"
    names = [f["name"] for f in report["figures"]]
    assert names == [
        "per-turn feedback (Spearman rho)",
        "real reply over another dialogue's reply at a similar turn",
        "successful over failed dialogues (AUC)",
    ]
    rated = sum(t.rating is not None for t in dialogue_turns(feedback))
    assert report["figures"][0]["items"] == rated
    for figure in report["figures"]:
        assert set(figure["baselines"]) == {"length", "affect"}
        assert -1.0 <= figure["judge"] <= 1.0
    pairs = report["pairs"]
    # The CLI's figure is exactly the preference of the judge's own changes, item by item.
    changes = _changes([(p["context"], p[side], p["turn"]) for side in ("better", "worse") for p in PAIRS])
    better, worse = changes[: len(PAIRS)], changes[len(PAIRS) :]
    wins = [1.0 if b > w else 0.5 if b == w else 0.0 for b, w in zip(better, worse, strict=True)]
    assert pairs["overall"]["judge"] == sum(wins) / len(wins)
    # (How good the judge is at these kinds is measured on the frozen pair suite, and its properties
    # are tested in test_judge_reading.py; here the figure must be exactly what the judge said.)
    assert {k: v["items"] for k, v in pairs["kinds"].items()} == {
        "blaming": 1,
        "dismissive": 1,
        "off-topic": 1,
    }
    # Length baseline: better is longer in the dismissive and off-topic pairs only.
    assert pairs["overall"]["baselines"]["length"] == 2 / 3


def test_a_malformed_pair_line_is_one_line_naming_the_file_and_line(esc: EscRunner, tmp_path: Path) -> None:
    suite = _suite(tmp_path, [json.dumps(PAIRS[0]), "{not json"])
    result = esc("eval", "judge", "--pairs", str(suite), cwd=REPO)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and str(suite) in lines[0] and "line 2" in lines[0], result.err
    assert "Traceback" not in result.err


def test_a_context_that_does_not_end_with_the_seeker_is_refused(esc: EscRunner, tmp_path: Path) -> None:
    pair = dict(PAIRS[1], context=EXAM[:2])
    result = esc("eval", "judge", "--pairs", str(_suite(tmp_path, [json.dumps(pair)])), cwd=REPO)
    assert result.code == 2 and "must end with the seeker" in result.err and "line 1" in result.err


def test_a_wrong_speaker_and_a_wrong_type_are_refused(esc: EscRunner, tmp_path: Path) -> None:
    pair = dict(PAIRS[0], context=[{"speaker": "therapist", "text": "hi"}])
    result = esc("eval", "judge", "--pairs", str(_suite(tmp_path, [json.dumps(pair)])), cwd=REPO)
    assert result.code == 2 and "speaker" in result.err
    typed = dict(PAIRS[0], turn="one")
    result = esc("eval", "judge", "--pairs", str(_suite(tmp_path, [json.dumps(typed)])), cwd=REPO)
    assert result.code == 2 and "'turn' must be an integer" in result.err


def test_an_empty_or_binary_file_is_one_line(esc: EscRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = esc("eval", "judge", "--pairs", str(empty), cwd=REPO)
    assert result.code == 2 and str(empty) in result.err and len(result.err.strip().splitlines()) == 1
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    result = esc("eval", "judge", "--pairs", str(latin), cwd=REPO)
    assert result.code == 2 and str(latin) in result.err


def test_failed_without_succeeded_is_a_usage_error(esc: EscRunner) -> None:
    bad = FIXTURES / "original" / "FailedESConv-mini.json"
    result = esc("eval", "judge", "--failed", str(bad), cwd=REPO)
    assert result.code == 2 and result.err.strip() == (
        "error: --failed needs --succeeded (pass --succeeded FILE too: the AUC compares the two)"
    )


def test_nothing_to_measure_is_one_line(esc: EscRunner) -> None:
    result = esc("eval", "judge", cwd=REPO)
    assert result.code == 2 and result.err.strip().splitlines() == [
        "error: nothing to measure (pass --feedback FILE, --succeeded FILE (with --failed FILE for the AUC),"
        " --pairs FILE, or several)"
    ]


def test_feedback_without_ratings_is_refused(esc: EscRunner) -> None:
    unrated = FIXTURES / "hf" / "valid.jsonl"
    result = esc("eval", "judge", "--feedback", str(unrated), cwd=REPO)
    assert result.code == 2 and "holds no rated seeker turn" in result.err


def test_paraphrase_pairs_are_their_own_figure_and_stay_out_of_the_overall_one(
    esc: EscRunner, tmp_path: Path
) -> None:
    """A constant judge must not look better than the baselines: a paraphrase pair has no better reply,
    so it is scored as "within one step", beside no baseline, and left out of the overall figure."""
    same = {
        "kind": "paraphrase",
        "turn": 1,
        "context": GRIEF,
        "better": "I'm so sorry about your grandad. It sounds like he meant a great deal to you.",
        "worse": "I'm really sorry your grandad died. He clearly mattered to you a lot.",
    }
    suite = _suite(tmp_path, [json.dumps(p) for p in [*PAIRS, same]])
    report = json.loads(esc("eval", "judge", "--pairs", str(suite), "--format", "json", cwd=REPO).out)
    pairs = report["pairs"]
    assert pairs["overall"]["items"] == len(PAIRS)
    assert pairs["overall"]["name"] == "pair suite (all kinds but paraphrase)"
    assert pairs["kinds"]["paraphrase"]["baselines"] == {}
    changes = _changes([(same["context"], same[side], same["turn"]) for side in ("better", "worse")])
    from esc_cli.sim.protocol import STEP

    assert pairs["kinds"]["paraphrase"]["judge"] == (1.0 if abs(changes[0] - changes[1]) <= STEP else 0.0)
    text = esc("eval", "judge", "--pairs", str(suite), cwd=REPO)
    assert text.code == 0 and "n/a" in text.out
    only = _suite(tmp_path, [json.dumps(same)])
    alone = json.loads(esc("eval", "judge", "--pairs", str(only), "--format", "json", cwd=REPO).out)
    assert alone["pairs"]["overall"] is None and alone["pairs"]["kinds"]["paraphrase"]["items"] == 1


def test_a_kind_that_means_paraphrase_but_is_spelt_otherwise_is_refused(
    esc: EscRunner, tmp_path: Path
) -> None:
    pair = dict(PAIRS[0], kind="Paraphrase")
    result = esc("eval", "judge", "--pairs", str(_suite(tmp_path, [json.dumps(pair)])), cwd=REPO)
    assert result.code == 2 and "line 1" in result.err and "'paraphrase'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_succeeded_with_one_dialogue_is_refused(esc: EscRunner, tmp_path: Path) -> None:
    """With one dialogue, "another dialogue's reply" would be the reply itself."""
    source = FIXTURES / "multiesc" / "valid.jsonl"
    one = tmp_path / "one.jsonl"
    one.write_text(source.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = esc("eval", "judge", "--succeeded", str(one), cwd=REPO)
    assert result.code == 2 and "one.jsonl" in result.err and "2 dialogues" in result.err
