"""Retrieval over IUs for the offline engine: real supporter and seeker utterances from ESConv.

- `SupporterIndex`: supporter utterances that went well (delta >= 0), searchable by the seeker message
  they answered, filtered to a skill's strategies and actions. The offline agent speaks with them.
- `SeekerReplyIndex`: seeker replies, grouped by the direction of the change they followed, searchable
  by the supporter utterance they answered. The offline seeker speaks with them.

Both build their TF-IDF index once; lookups touch only documents that share a word with the query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from esc_cli import taxonomy
from esc_cli.iu.records import IU
from esc_cli.sim.textsim import TfidfIndex

MIN_WORDS = 4
MIN_POOL = 20
MAX_WORDS = 60


def _fits(text: str) -> bool:
    return MIN_WORDS <= len(text.split()) <= MAX_WORDS


def _last_seeker_text(iu: IU) -> str:
    for utterance in reversed(iu.context.turns):
        if utterance.speaker == "seeker":
            return utterance.text
    return iu.context.situation


class SupporterIndex:
    """Supporter utterances that were followed by no worsening, keyed by the seeker text they answered."""

    def __init__(self, ius: Iterable[IU]) -> None:
        kept = [iu for iu in ius if iu.outcome.delta >= 0 and _fits(iu.action.text) and iu.action.strategy]
        self.texts = [iu.action.text for iu in kept]
        self.strategies = [iu.action.strategy for iu in kept]
        self.actions = [tuple(iu.action.actions) for iu in kept]
        self.index = TfidfIndex([_last_seeker_text(iu) for iu in kept])
        self._by_strategy: dict[str, list[int]] = defaultdict(list)
        for number, strategy in enumerate(self.strategies):
            self._by_strategy[strategy].append(number)
        self._pools: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}

    def pool(self, strategies: Sequence[str], actions: Sequence[str]) -> list[int]:
        """Utterances of these strategies whose labelled actions include the first (main) action.

        Empty when fewer than MIN_POOL such utterances exist: the caller then speaks with the skill's
        own examples. ESConv holds almost no safety checks, so the crisis skill always does.
        """
        key = (tuple(strategies), tuple(actions))
        if key not in self._pools:
            main = actions[0] if actions else ""
            chosen = sorted(
                n
                for s in strategies
                if s in taxonomy.ESCONV_STRATEGIES
                for n in self._by_strategy[s]
                if main in self.actions[n]
            )
            self._pools[key] = chosen if len(chosen) >= MIN_POOL else []
        return self._pools[key]

    def candidates(
        self, seeker_text: str, strategies: Sequence[str], actions: Sequence[str], *, k: int = 8
    ) -> list[str]:
        """The `k` utterances whose answered seeker message is most like `seeker_text`, best first."""
        return [self.texts[n] for n in self.index.nearest(seeker_text, self.pool(strategies, actions), k=k)]


class SeekerReplyIndex:
    """ESConv seeker replies by the direction of the change after the supporter's turn."""

    def __init__(self, ius: Iterable[IU]) -> None:
        kept = [iu for iu in ius if _fits(iu.outcome.seeker_reply)]
        self.texts = [iu.outcome.seeker_reply for iu in kept]
        self.index = TfidfIndex([iu.action.text for iu in kept])
        self._by_direction: dict[str, list[int]] = defaultdict(list)
        for number, iu in enumerate(kept):
            self._by_direction[iu.outcome.direction].append(number)

    def candidates(self, agent_text: str, change: int, *, k: int = 8) -> list[str]:
        """Seeker replies that followed a change like this one, to a supporter turn like `agent_text`."""
        pool = self._by_direction.get(taxonomy.direction_of_delta(change), [])
        return [self.texts[n] for n in self.index.nearest(agent_text, pool, k=k)]
