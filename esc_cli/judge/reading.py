"""`ReplyJudge`: the learned reading of one reply in its context (the heart of judge version 3).

    relevance   probability that the reply was said to this seeker (not to someone else)
    outlook     the affect (-1..1) the seeker's next turn is likely to have after it
    rapport     the conversation rating (1-5) a seeker would likely give the supporter who says it
    success     logit that it comes from a conversation that helped rather than one that failed
    harm        harm kinds read in its sentences (dismissive, blaming, toxic positivity, sarcasm,
                lecturing, cold clinical tone), with the sentence that carries each
    score       the heads joined into one standardised score (see `heads.Combine`)
    change      the learned change on the SAGE scale: scale x (score - center); a reply with harm in it
                reads as no better than 0, less HARM_CHANGE per harm kind

Readings are memoised per (context, reply), so a line said again costs nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from esc_cli.judge.features import pair_features, reading_features
from esc_cli.judge.heads import SIDE_HEADS, Heads, default_heads
from esc_cli.judge.turns import Said
from esc_cli.text import TextEncoder, shared_encoder

HARM_CHANGE = 6.0
MAX_LEARNED = 10.0
NO_HARM = "none"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The reply's sentences (at least the whole text)."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p.strip()]
    return parts or [text.strip()]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass(frozen=True)
class HarmRead:
    """One harmful sentence: its kind, the sentence, and the head's probability."""

    kind: str
    sentence: str
    probability: float


@dataclass(frozen=True)
class Reading:
    """What the judge reads in a reply, given the seeker's last turn."""

    relevance: float
    outlook: float
    rapport: float
    success: float
    score: float
    change: float
    harm: tuple[HarmRead, ...] = field(default_factory=tuple)
    off_topic: bool = False

    @property
    def harm_kinds(self) -> list[str]:
        """The distinct harm kinds, in order of first appearance."""
        return list(dict.fromkeys(h.kind for h in self.harm))

    def render(self) -> str:
        """A short account for a dialogue's reasoning."""
        parts = [
            f"fit {self.relevance:.2f}",
            f"outlook {self.outlook:+.2f}",
            f"rapport {self.rapport:.1f}",
            f"success {self.success:+.1f}",
            f"learned {self.change:+.1f}",
        ]
        if self.off_topic:
            parts.append("off-topic")
        parts += [f"{h.kind} ({h.sentence[:40]!r})" for h in self.harm]
        return ", ".join(parts)


class ReplyJudge:
    """The learned reading, over the shared encoder and the shipped heads."""

    def __init__(self, encoder: TextEncoder | None = None, heads: Heads | None = None) -> None:
        self.encoder = encoder if encoder is not None else shared_encoder()
        self.heads = heads if heads is not None else default_heads()
        h = self.heads
        self._relevance = (h.relevance.vector(), h.relevance.bias)
        self._side = np.vstack([getattr(h, name).vector() for name in SIDE_HEADS])
        self._side_bias = np.asarray([getattr(h, name).bias for name in SIDE_HEADS], dtype=np.float32)
        self._memo: dict[tuple[tuple[Said, ...], str], Reading] = {}
        self._harm: dict[str, tuple[HarmRead, ...]] = {}

    def harm_of(self, text: str) -> tuple[HarmRead, ...]:
        """Harmful sentences of a text, each with its most likely kind. Memoised per text: an agent
        says the same lines to many seekers, and the reading of each is memoised per context."""
        known = self._harm.get(text)
        if known is None:
            known = self._harm[text] = self._read_harm(text)
        return known

    def _read_harm(self, text: str) -> tuple[HarmRead, ...]:
        parts = sentences(text)
        probabilities = self.heads.harm.probabilities(self.encoder.embed(parts), parts)
        labels = self.heads.harm.labels
        found: list[HarmRead] = []
        for sentence, row in zip(parts, probabilities, strict=True):
            best = int(np.argmax(row))
            harm = 1.0 - float(row[labels.index(NO_HARM)])
            if labels[best] != NO_HARM and harm > self.heads.combine.harm_above:
                found.append(HarmRead(labels[best], sentence, round(harm, 3)))
        return tuple(found)

    def fit(self, contexts: Sequence[Sequence[Said]], replies: Sequence[str]) -> list[float]:
        """The relevance probability of each (context, reply) pair: was it said to this seeker?"""
        pairs = pair_features(self.encoder, contexts, replies)
        return [_sigmoid(float(v)) for v in pairs @ self._relevance[0] + self._relevance[1]]

    def read(self, context: Sequence[Said], reply: str) -> Reading:
        """The reading of one reply to a context (the dialogue so far, ending with the seeker)."""
        key = (tuple(context), reply)
        known = self._memo.get(key)
        if known is not None:
            return known
        pairs = pair_features(self.encoder, [context], [reply])
        relevance = float(pairs[0] @ self._relevance[0] + self._relevance[1])
        extended = reading_features(self.encoder, [context], [reply], pairs, np.array([relevance]))
        values = {"relevance": relevance}
        values.update(
            zip(SIDE_HEADS, (float(v) for v in self._side @ extended[0] + self._side_bias), strict=True)
        )
        c = self.heads.combine
        score = float(c.score(values))
        harm = self.harm_of(reply)
        learned = c.scale * (score - c.center)
        if harm:
            # A reply that says something harmful cannot read as good, however well it fits.
            learned = min(learned, 0.0) - HARM_CHANGE * len({h.kind for h in harm})
        probability = _sigmoid(relevance)
        reading = Reading(
            relevance=round(probability, 4),
            outlook=round(values["outlook"], 4),
            rapport=round(values["rapport"], 4),
            success=round(values["success"], 4),
            score=round(score, 4),
            change=round(max(-MAX_LEARNED, min(MAX_LEARNED, learned)), 3),
            harm=harm,
            off_topic=probability < c.off_topic_below,
        )
        self._memo[key] = reading
        return reading


@cache
def shared_judge() -> ReplyJudge:
    """The process-wide judge over the shared encoder and the shipped heads (one memo for all)."""
    return ReplyJudge()
