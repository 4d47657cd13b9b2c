"""Replaying human-rated material through a seeker engine: the judged change of each reply.

Every item is judged by a fresh seeker session (seed 0) that has seen the context as its dialogue so
far, at emotion 40, as the supporter's next turn; the seeker's profile is `eval_profile()`, the same
for every engine, so an LLM judge and the offline judge are measured on equal terms. The value
compared is the change before quantisation when the engine has one (the offline judge), else the
change itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from esc_cli.judge.turns import Said
from esc_cli.sim.engines import AgentReply, Seeker, Utterance
from esc_cli.sim.profile import BandLines, Persona, Profile
from esc_cli.sim.protocol import EMOTION_START

DEFAULT_INTENTION = "be-heard"
DEFAULT_PERSONALITY = "passive"


@dataclass(frozen=True)
class Item:
    """One reply to judge: the context (ending with the seeker) and the supporter's next turn."""

    context: tuple[Said, ...]
    reply: str
    turn: int


def eval_profile(intention: str = DEFAULT_INTENTION, personality: str = DEFAULT_PERSONALITY) -> Profile:
    """The seeker every replayed item is judged as: no persona beyond what the context says."""
    return Profile(
        id="eval-replayed-seeker",
        persona=Persona(name="a help-seeker", age=30),
        personality=personality,
        traits=["unknown"],
        problem_type="as the dialogue tells",
        emotion_type="as the dialogue tells",
        intention=intention,
        background="A person who came to an online support chat. Everything known about them is in the dialogue.",
        first_message="Hi.",
        lines=BandLines(A=["Thanks."], B=["Okay."], C=["Hm."], F=["Bye."]),
    )


def history_of(context: Sequence[Said]) -> list[Utterance]:
    """The context as the simulator's history (the supporter is the agent)."""
    return [Utterance("seeker" if s.speaker == "seeker" else "agent", s.text) for s in context]


async def _judge_one(seeker: Seeker, profile: Profile, item: Item) -> float:
    session = seeker.session(profile, 0)
    history = history_of(item.context)
    prime = getattr(session, "prime", None)
    if callable(prime):
        prime(history)
    # As in a simulated dialogue, the seeker judges with the reply already in the history.
    said = [*history, Utterance("agent", item.reply)]
    judgement = await session.judge(AgentReply(text=item.reply), said, item.turn, EMOTION_START)
    return float(judgement.raw if judgement.raw is not None else judgement.change)


async def judged_changes(
    seeker: Seeker,
    items: Sequence[Item],
    *,
    profile: Profile | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[float]:
    """The judged change of every item, in order."""
    chosen = profile or eval_profile()
    results: list[float] = [0.0] * len(items)
    done = 0

    async def run(index: int, item: Item) -> None:
        nonlocal done
        results[index] = await _judge_one(seeker, chosen, item)
        done += 1
        if progress is not None:
            progress(done)

    await asyncio.gather(*(run(i, item) for i, item in enumerate(items)))
    return results
