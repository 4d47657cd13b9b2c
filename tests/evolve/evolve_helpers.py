"""Helpers for the evolve tests: hand-built run records, and real git repositories of a bank copy."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from testkit import REPO

from esc_cli.sim.records import Dialogue, Turn

ADVICE_LINE = "One thing you could try is writing down what you want to say before you call."
REFLECT_LINE = "It sounds like you feel hurt and left out by all of this."


def turn(
    index: int,
    states: Sequence[str],
    *,
    skills: Sequence[str] = (),
    actions: Sequence[str] = (),
    change: int = 0,
    emotion: int = 40,
    agent: str = REFLECT_LINE,
    seeker: str = "I just keep going over it in my head.",
    safety: Sequence[str] = (),
) -> Turn:
    return Turn(
        index=index,
        seeker_before=seeker,
        seeker_states=list(states),
        agent=agent,
        skills=list(skills),
        actions=list(actions),
        change=change,
        emotion=emotion,
        safety=list(safety),
    )


def dialogue(
    profile: str,
    turns: Sequence[Turn],
    *,
    seed: int = 0,
    personality: str = "negative",
    intention: str = "be-heard",
) -> Dialogue:
    final = turns[-1].emotion if turns else 40
    return Dialogue(
        profile=profile,
        seed=seed,
        personality=personality,
        intention=intention,
        first_message=turns[0].seeker_before if turns else "hi",
        turns=list(turns),
        final_emotion=final,
        outcome="max-turns",
    )


def copy_bank(root: Path, *, train: Sequence[str] | None = None) -> Path:
    """skills/, profiles/, prompts/ and pyproject.toml of the repository in `root` (train optionally cut)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("skills", "profiles", "prompts"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    if train is not None:
        for path in (root / "profiles" / "train").glob("*.yaml"):
            if path.stem not in train:
                path.unlink()
    return root


def damage(root: Path) -> None:
    """Delete the crisis skill; make offer-one-option fire on venting and emotion-unnamed from turn 0."""
    (root / "skills" / "crisis-safety-check.md").unlink()
    path = root / "skills" / "offer-one-option.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "applies_when:\n  seeker_states: [seeking-advice]\n  min_turn: 3",
        "applies_when:\n  seeker_states: [seeking-advice, venting, emotion-unnamed]\n  min_turn: 0",
    )
    text = text.replace(
        "seeker_states: [crisis-risk, venting, emotion-unnamed, resistance]",
        "seeker_states: [crisis-risk, resistance]",
    )
    assert "emotion-unnamed]\n  min_turn: 0" in text and "[crisis-risk, resistance]" in text
    path.write_text(text, encoding="utf-8")
