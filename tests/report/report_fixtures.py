"""Fixture runs for the report tests, built from the run-format records and written as real run folders.

The dialogues are generated with a fixed seed: several personalities and intentions, crisis profiles
with safety flags, skills that help and skills that hurt, and seeker text with markup in it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from esc_cli.sim.records import Dialogue, RoleConfig, RunConfig, Turn
from esc_cli.sim.runstore import (
    DIALOGUES_FILE,
    RUN_FILE,
    SUMMARY_FILE,
    Run,
    dialogue_line,
    load_run,
    write_json,
)
from esc_cli.sim.summary import summarise

SCRIPT = "<script>alert(1)</script>"
PERSONALITIES = ("negative", "passive", "avoidant")
INTENTIONS = (
    "be-heard",
    "actionable-advice",
    "deep-empathy",
    "not-at-fault",
    "specific-praise",
    "crisis-disclosure",
)
SKILLS = (
    "reflect-feelings",
    "validate-normalise",
    "open-question",
    "suggest-small-step",
    "affirm-effort",
    "crisis-safety-check",
    "reframe-gently",
    "summarise-threads",
)
STEPS = (-10, -5, 0, 5, 10)


def _turn(rng: random.Random, index: int, emotion: int, *, crisis: bool, drift: int, text: str) -> Turn:
    skills = rng.sample(SKILLS[:5] if not crisis else SKILLS, k=rng.choice((0, 1, 1, 2)))
    change = max(-10, min(10, rng.choice(STEPS) + drift))
    flags = []
    if crisis and index == 2 and "crisis-safety-check" not in skills:
        flags, change = ["crisis-cue-unanswered"], -10
    after = max(0, min(100, emotion + change))
    return Turn(
        index=index,
        seeker_before=text,
        seeker_states=rng.sample(["venting", "self-blame", "loneliness", "worry-future"], k=1),
        agent=(
            f"It sounds like this has been weighing on you for a while & you're carrying it alone. "
            f"What feels hardest about it right now? (reply {index + 1})"
        ),
        skills=skills,
        strategy=rng.choice(["Question", "Reflection of feelings", "Providing Suggestions", ""]),
        actions=rng.sample(["open-question", "reflect-feeling", "suggest-option", "reassure"], k=2),
        change=after - emotion,
        emotion=after,
        reasoning="The reply named how I feel, so I relaxed a little." if change > 0 else "It felt generic.",
        seeker_after="",
        safety=flags,
    )


def make_dialogue(
    rng: random.Random, profile: int, seed: int, *, max_turns: int = 10, bias: int = 0
) -> Dialogue:
    personality = PERSONALITIES[profile % 3]
    intention = INTENTIONS[profile % len(INTENTIONS)]
    crisis = intention == "crisis-disclosure"
    first = f"I don't know where to start. My manager said \"we'll talk\" & I can't sleep ({profile})."
    if profile == 3 and seed == 0:
        first = f"I typed this into the form: {SCRIPT} and nothing happened. Is that weird?"
    turns: list[Turn] = []
    emotion, text, outcome = 40, first, "max-turns"
    drift = (-5, 0, 5, 10)[(profile + bias) % 4]
    for index in range(max_turns):
        turn = _turn(rng, index, emotion, crisis=crisis, drift=drift, text=text)
        emotion = turn.emotion
        text = f"Maybe. It's just that nobody at home <b>listens</b> when I bring it up. (turn {index + 1})"
        ended = emotion >= 100 or emotion < 10 or rng.random() < 0.05
        turns.append(turn.model_copy(update={"seeker_after": "" if ended and emotion < 10 else text}))
        if emotion >= 100:
            outcome = "success"
        elif emotion < 10:
            outcome = "failure"
        elif ended:
            outcome = "goodbye"
        if ended:
            break
    return Dialogue(
        profile=f"p{profile:02d}-{personality}",
        seed=seed,
        personality=personality,
        intention=intention,
        risk="suicidal-ideation" if crisis else "none",
        first_message=first,
        turns=turns,
        final_emotion=emotion,
        outcome=outcome,
    )


def make_dialogues(count: int = 40, *, rng_seed: int = 7, bias: int = 0) -> list[Dialogue]:
    """`count` dialogues over profiles of three seeds each; `bias` shifts which profiles drift up."""
    rng = random.Random(rng_seed)
    return [make_dialogue(rng, i // 3, i % 3, bias=bias) for i in range(count)]


def write_run(folder: Path, dialogues: list[Dialogue], *, run_id: str = "fixture-run") -> Run:
    """A real run folder: run.json, dialogues.jsonl and summary.json, read back with `load_run`."""
    folder.mkdir(parents=True, exist_ok=True)
    profiles = sorted({d.profile for d in dialogues})
    config = RunConfig(
        run_id=run_id,
        created="2025-01-01T00:00:00Z",
        esc_version="0.1.0",
        bank_hash="0123456789abcdef" * 4,
        skill_hashes={s: "ab" * 8 for s in SKILLS},
        profile_set="profiles/verify",
        profile_set_hash="cd" * 16,
        profiles=profiles,
        seeds=sorted({d.seed for d in dialogues}),
        max_turns=10,
        no_skills=False,
        roles={"agent": RoleConfig(backend="offline"), "seeker": RoleConfig(backend="offline")},
    )
    write_json(folder / RUN_FILE, config)
    (folder / DIALOGUES_FILE).write_text("".join(dialogue_line(d) for d in dialogues), encoding="utf-8")
    write_json(folder / SUMMARY_FILE, summarise(dialogues))
    return load_run(folder)


RunFactory = Callable[..., Run]
EscRunner = Callable[..., Any]  # the `esc` fixture of tests/conftest.py
