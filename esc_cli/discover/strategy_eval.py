"""Response-level strategy accuracy: does the router pick the strategy the human supporter used?

For every supporter utterance of a dialogue file, the seeker's last message before it is labelled
(states, with the supporter-turn index), the bank is routed as the offline agent routes it, and the
first strategy of the top skill is compared with the human supporter's ESConv strategy.

This is response-level evaluation: the context is the human dialogue, so the agent has no replies of
its own in it and no recently used skills (`recent` is empty). A prediction depends only on the
seeker's last message and the turn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from esc_cli.bank.model import Skill
from esc_cli.data.dialogue import SEEKER, SUPPORTER, Dialogue
from esc_cli.iu.segment import Turn, merge_turns
from esc_cli.sim.engines import Labeller
from esc_cli.sim.router import route_skills

NO_SKILL = "(no skill)"


@dataclass(frozen=True)
class SupporterTurn:
    """One supporter utterance with what the router may see: the seeker's last message and the turn."""

    dialogue: str
    turn: int
    seeker_turn: int
    seeker_text: str
    gold: str


@dataclass
class Scores:
    """Accuracy and the confusion counts (gold strategy, predicted strategy) of one predictor."""

    name: str
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, gold: str, predicted: str) -> None:
        self.confusion[(gold, predicted)] += 1

    @property
    def total(self) -> int:
        return sum(self.confusion.values())

    @property
    def correct(self) -> int:
        return sum(n for (gold, predicted), n in self.confusion.items() if gold == predicted)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def supporter_turns(dialogues: Sequence[Dialogue]) -> Iterator[list[SupporterTurn]]:
    """Per dialogue, one case per annotated supporter utterance, cut into turns as IUs are.

    `turn` counts supporter turns (as the agent counts its replies); `seeker_text` is the seeker's
    turn just before, and `seeker_turn` its index (0 also when the supporter speaks first).
    """
    for dialogue in dialogues:
        cases: list[SupporterTurn] = []
        supporter = -1
        previous: Turn | None = None
        for turn in merge_turns(dialogue):
            if turn.speaker == SUPPORTER:
                supporter += 1
                seeker = previous if previous is not None and previous.speaker == SEEKER else None
                text = seeker.text if seeker is not None else ""
                index = max(seeker.seeker_index, 0) if seeker is not None else 0
                cases += [
                    SupporterTurn(dialogue.key, supporter, index, text, gold) for gold in turn.strategies
                ]
            previous = turn
        yield cases


def score_bank(
    name: str, skills: Sequence[Skill], dialogues: Sequence[Dialogue], labeller: Labeller
) -> Scores:
    """Route every supporter turn over `skills` and compare the top skill's strategy with the human's."""
    scores = Scores(name)
    bank = list(skills)
    for cases in supporter_turns(dialogues):
        for case in cases:
            states = labeller.seeker_states(case.seeker_text, turn=case.seeker_turn)
            routed = route_skills(states, case.turn, bank, limit=1)
            scores.add(case.gold, routed[0].meta.strategies[0] if routed else NO_SKILL)
    return scores


def score_constant(name: str, strategy: str, dialogues: Sequence[Dialogue]) -> Scores:
    """A predictor that always says `strategy` (the majority-class baseline)."""
    scores = Scores(name)
    for cases in supporter_turns(dialogues):
        for case in cases:
            scores.add(case.gold, strategy)
    return scores


def majority_strategy(dialogues: Sequence[Dialogue]) -> str:
    """The most frequent human strategy (ties broken by name)."""
    counts = Counter(case.gold for cases in supporter_turns(dialogues) for case in cases)
    return min(counts, key=lambda s: (-counts[s], s))
