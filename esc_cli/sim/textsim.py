"""Bag-of-words similarity: tokens, TF-IDF vectors and an inverted index for fast nearest texts.

The offline agent and seeker retrieve lines by similarity to the live context. Pure Python, built once:
an inverted index scores only the documents that share a word with the query, which keeps a lookup
over thousands of utterances well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

_TOKEN = re.compile(r"[a-z0-9']+|[\u4e00-\u9fff]")
_STOPWORD_TEXT = """a an the and or but if so of to in on at for with from by as is am are was were be been being it its
this that these those i me my we our you your he she they them his her their what which who whom how
do does did doing have has had not no yes just very really too also than then there here about into
can could would should will shall may might must im i'm it's that's don't dont ive i've you're s t"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Vector = dict[str, float]


def tokens(text: str) -> list[str]:
    """Lowercase word tokens without stopwords; each Chinese character is a token."""
    return [tok for tok in _TOKEN.findall(text.lower()) if tok not in STOPWORDS]


class TfidfIndex:
    """Documents as unit TF-IDF vectors with an inverted index; `nearest` ranks them by cosine."""

    def __init__(self, documents: Sequence[str]) -> None:
        counts = [Counter(tokens(doc)) for doc in documents]
        frequency: Counter[str] = Counter()
        for count in counts:
            frequency.update(count.keys())
        total = len(documents)
        self.idf: dict[str, float] = {
            tok: math.log((1 + total) / (1 + df)) + 1.0 for tok, df in frequency.items()
        }
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, count in enumerate(counts):
            for tok, weight in self._unit(count).items():
                self.postings[tok].append((number, weight))

    def _unit(self, count: Counter[str]) -> Vector:
        raw = {tok: (1.0 + math.log(n)) * self.idf.get(tok, 0.0) for tok, n in count.items()}
        norm = math.sqrt(sum(v * v for v in raw.values()))
        return {tok: v / norm for tok, v in raw.items()} if norm else {}

    def vector(self, text: str) -> Vector:
        """The query's unit TF-IDF vector; words never seen in the documents are dropped."""
        return self._unit(Counter(tok for tok in tokens(text) if tok in self.idf))

    def scores(self, text: str, allowed: set[int] | None = None) -> dict[int, float]:
        """Cosine of the query with every document that shares a word with it (optionally a subset)."""
        found: dict[int, float] = defaultdict(float)
        for tok, weight in self.vector(text).items():
            for number, doc_weight in self.postings.get(tok, ()):
                if allowed is None or number in allowed:
                    found[number] += weight * doc_weight
        return found

    def nearest(self, text: str, candidates: Sequence[int], *, k: int = 5) -> list[int]:
        """Up to `k` candidates, best first; ties (and no shared words) keep the candidates' order."""
        if not candidates:
            return []
        scored = self.scores(text, set(candidates))
        order = sorted(range(len(candidates)), key=lambda i: (-scored.get(candidates[i], 0.0), i))
        return [candidates[i] for i in order[:k]]
