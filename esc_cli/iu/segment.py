"""Cutting a dialogue into turns: consecutive utterances of one speaker merge into one turn.

A merged turn keeps every annotated strategy of its utterances (in order) and the last feedback
rating the seeker gave inside it. Merging first makes the HF layout (utterances kept apart) and the
MultiESC layout (already merged) give the same turns, so IU ids agree across layouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from esc_cli.data.dialogue import SEEKER, Dialogue
from esc_cli.taxonomy import OTH


@dataclass(slots=True)
class Turn:
    """One speaker's consecutive utterances. `index` is the 0-based position among the turns;
    `text` joins the utterances with spaces."""

    index: int
    speaker: str
    texts: list[str]
    strategies: list[str] = field(default_factory=list)
    feedback: int | None = None
    seeker_index: int = -1
    text: str = ""

    @property
    def strategy(self) -> str:
        """The strategy that stands for the turn: the first one that is not `Others`, else `Others`."""
        for strategy in self.strategies:
            if strategy != OTH:
                return strategy
        return self.strategies[0] if self.strategies else ""


def merge_turns(dialogue: Dialogue) -> list[Turn]:
    """The dialogue's turns; empty utterances are skipped. Seeker turns also get their own count."""
    turns: list[Turn] = []
    seekers = 0
    for utterance in dialogue.utterances:
        if not utterance.text and utterance.feedback is None:
            continue
        if not turns or turns[-1].speaker != utterance.speaker:
            turn = Turn(len(turns), utterance.speaker, [])
            if utterance.speaker == SEEKER:
                turn.seeker_index = seekers
                seekers += 1
            turns.append(turn)
        turn = turns[-1]
        turn.texts.append(utterance.text)
        if utterance.strategy:
            turn.strategies.append(utterance.strategy)
        if utterance.feedback is not None:
            turn.feedback = utterance.feedback
    for turn in turns:
        turn.text = " ".join(t for t in turn.texts if t)
    return turns
