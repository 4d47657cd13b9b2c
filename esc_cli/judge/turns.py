"""Judged turns: a supporter reply in its context, with what the real seeker made of it.

A judged turn is the material of both the judge's training and `esc eval judge`: the dialogue so far
(merged turns, ending with a seeker turn), the supporter's next reply, how many seeker turns came
before it, the rating the seeker gave on its next turn when the corpus has one, and the dialogue's
outcome (success for ESConv, failure for FailedESConv).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from esc_cli.data.dialogue import SEEKER, SUPPORTER, Dialogue
from esc_cli.iu.segment import merge_turns

# How many earlier turns a judged turn keeps: enough for the judge's window and the early-advice rule.
CONTEXT_TURNS = 8


@dataclass(frozen=True)
class Said:
    """One merged turn of the context: `seeker` or `supporter`, and its text."""

    speaker: str
    text: str


@dataclass(frozen=True)
class JudgedTurn:
    """A supporter reply in context. `turn` counts the seeker turns before the reply (>= 1)."""

    dialogue: str
    turn: int
    context: tuple[Said, ...]
    reply: str
    rating: int | None
    outcome: str
    answer: str = ""

    @property
    def seeker_text(self) -> str:
        """The seeker's last turn: what the reply answers."""
        return next((s.text for s in reversed(self.context) if s.speaker == SEEKER), "")


def judged_turns(dialogue: Dialogue) -> Iterator[JudgedTurn]:
    """Every supporter turn that answers a seeker turn, with its rating when the next seeker turn has one."""
    turns = merge_turns(dialogue)
    seekers = 0
    for index, turn in enumerate(turns):
        if turn.speaker == SEEKER:
            seekers += 1
            continue
        if turn.speaker != SUPPORTER or index == 0 or turns[index - 1].speaker != SEEKER:
            continue
        following = turns[index + 1] if index + 1 < len(turns) else None
        answered = following is not None and following.speaker == SEEKER
        rating = following.feedback if following is not None and answered else None
        answer = following.text if following is not None and answered else ""
        context = tuple(Said(t.speaker, t.text) for t in turns[max(0, index - CONTEXT_TURNS) : index])
        yield JudgedTurn(dialogue.key, seekers, context, turn.text, rating, dialogue.outcome, answer)


def fingerprints(turns: Sequence[JudgedTurn]) -> dict[str, str]:
    """Each dialogue's fingerprint: a hash of its supporter replies in order. Keys name a dialogue by
    file kind and position, so a fingerprint is what says two files hold the same dialogue."""
    replies: dict[str, list[str]] = {}
    for turn in turns:
        replies.setdefault(turn.dialogue, []).append(turn.reply)
    return {
        key: hashlib.sha256("\x1e".join(said).encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]
        for key, said in replies.items()
    }


FINGERPRINT_CHARS = 16

# Turns past this count are pooled when a foreign reply is drawn: late turns are few.
TURN_POOL_CAP = 12


def foreign_replies(turns: Sequence[JudgedTurn], seed: int) -> list[str]:
    """For each turn, the reply of another dialogue at a similar turn (same count, pooled past
    TURN_POOL_CAP), drawn with a seeded generator: the negative of the relevance comparison."""
    rng = random.Random(seed)
    pools: dict[int, list[JudgedTurn]] = {}
    for turn in turns:
        pools.setdefault(min(turn.turn, TURN_POOL_CAP), []).append(turn)
    drawn: list[str] = []
    for turn in turns:
        pool = pools[min(turn.turn, TURN_POOL_CAP)]
        if all(t.dialogue == turn.dialogue for t in pool):
            pool = [t for t in turns if t.dialogue != turn.dialogue] or [turn]
        choice = rng.choice(pool)
        while choice.dialogue == turn.dialogue and len(pool) > 1:
            choice = rng.choice(pool)
        drawn.append(choice.reply)
    return drawn
