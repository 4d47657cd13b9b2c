"""Strategy accuracy on hand-made dialogues, with a labeller whose answers are fixed by the test."""

from __future__ import annotations

from pathlib import Path

from testkit import REPO, EscRunner, make_bank, skill_text

from esc_cli.bank.load import load_skills
from esc_cli.data.dialogue import Dialogue, Utterance
from esc_cli.discover.strategy_eval import (
    NO_SKILL,
    majority_strategy,
    score_bank,
    score_constant,
    supporter_turns,
)


class KeywordLabeller:
    """'vent' in the text means venting; anything else means opening."""

    def seeker_states(self, text: str, *, turn: int = 0) -> list[str]:
        return ["venting"] if "vent" in text else ["opening"]

    def support_actions(self, text: str) -> list[str]:
        return []

    def strategy(self, text: str) -> str:
        return ""

    def affect(self, text: str) -> float:
        return 0.0

    def harmful(self, text: str) -> list[str]:
        return []


def _dialogue() -> Dialogue:
    said = [
        ("supporter", "Hello, how can I help?", "Question"),
        ("seeker", "I need to vent.", ""),
        ("seeker", "It has been a bad week.", ""),
        ("supporter", "That sounds heavy.", "Reflection of feelings"),
        ("supporter", "What happened?", "Question"),
        ("seeker", "My dog ran away, let me vent.", ""),
        ("supporter", "You feel lost without him.", "Reflection of feelings"),
    ]
    utterances = [Utterance(speaker=s, text=t, strategy=g) for s, t, g in said]
    return Dialogue(source="esconv", split="test", index=3, utterances=utterances)


def test_turns_merge_supporter_runs_and_keep_the_last_seeker_run() -> None:
    (cases,) = list(supporter_turns([_dialogue()]))
    assert [(c.turn, c.seeker_turn, c.seeker_text, c.gold) for c in cases] == [
        (0, 0, "", "Question"),
        (1, 0, "I need to vent. It has been a bad week.", "Reflection of feelings"),
        (1, 0, "I need to vent. It has been a bad week.", "Question"),
        (2, 1, "My dog ran away, let me vent.", "Reflection of feelings"),
    ]


def test_the_top_skill_strategy_is_compared_with_the_human(tmp_path: Path) -> None:
    root = make_bank(tmp_path)
    scores = score_bank("bank", load_skills(root / "skills"), [_dialogue()], KeywordLabeller())
    assert scores.total == 4
    assert scores.confusion[("Question", NO_SKILL)] == 1  # turn 0: opening, no skill applies
    assert scores.confusion[("Question", "Reflection of feelings")] == 1  # turn 1, second utterance
    assert scores.confusion[("Reflection of feelings", "Reflection of feelings")] == 2
    assert scores.correct == 2 and scores.accuracy == 0.5


def test_priority_decides_between_matching_skills(tmp_path: Path) -> None:
    other = skill_text("other-skill", states="[venting]", priority=5).replace(
        "strategies: [Reflection of feelings]", "strategies: [Question]"
    )
    root = make_bank(tmp_path, {"sample-skill": skill_text(), "other-skill": other})
    scores = score_bank("bank", load_skills(root / "skills"), [_dialogue()], KeywordLabeller())
    assert scores.confusion[("Reflection of feelings", "Question")] == 2
    assert scores.confusion[("Question", "Question")] == 1


def test_majority_baseline() -> None:
    assert majority_strategy([_dialogue()]) == "Question"
    scores = score_constant("majority", "Question", [_dialogue()])
    assert (scores.correct, scores.total) == (2, 4)


def test_cli_refuses_data_without_strategies_and_a_folder_without_skills(
    tmp_path: Path, esc: EscRunner
) -> None:
    root = make_bank(tmp_path / "bank")
    plain = tmp_path / "plain.jsonl"
    plain.write_text(
        '{"id": "a", "turns": [{"speaker": "seeker", "text": "I feel low."}, '
        '{"speaker": "supporter", "text": "I hear you."}]}\n',
        encoding="utf-8",
    )
    result = esc("eval", "strategy", "--data", str(plain), cwd=root)
    assert (result.code, result.err) == (
        2,
        f"error: {plain}: no supporter turn carries an ESConv strategy "
        "(pass dialogues annotated with strategies, e.g. ESConv hf_splits/test.jsonl)\n",
    )
    annotated = REPO / "tests" / "fixtures" / "dialogues" / "hf" / "train.jsonl"
    empty = tmp_path / "empty"
    empty.mkdir()
    no_skills = esc("eval", "strategy", "--data", str(annotated), "--skills", str(empty), cwd=root)
    assert no_skills.code == 2
    assert no_skills.err.startswith(f"error: {empty}: holds no active skill (*.md) (pass the skills folder")
    assert esc("eval", "strategy", "--data", str(annotated), cwd=root).code == 0
