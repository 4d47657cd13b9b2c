"""Sparse text features for the strategy model: the one tokeniser the trainer and the predictor share.

A supporter utterance becomes a set of string features (words, word pairs and triples, the first words
of each sentence, question marks, a length bucket). The trainer and `StrategyModel` both call
`strategy_features`, so a feature the model learnt is spelled the same way when it predicts.
"""

from __future__ import annotations

import itertools
import re

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!.,]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def tokens(text: str) -> list[str]:
    """Lower-case word and punctuation tokens; curly apostrophes count as straight ones."""
    return _TOKEN.findall(text.lower().translate(APOSTROPHES))


def strategy_features(text: str) -> list[str]:
    """The distinct features of one utterance, in a stable order."""
    words = tokens(text)
    found: dict[str, None] = {"bias": None}
    padded = ["<s>", *words, "</s>"]
    for word in words:
        found["u:" + word] = None
    for left, right in itertools.pairwise(padded):
        found[f"b:{left}_{right}"] = None
    for first, second, third in zip(padded, padded[1:], padded[2:], strict=False):
        found[f"t:{first}_{second}_{third}"] = None
    if words:
        found["f:" + words[0]] = None
    found[f"len:{min(len(words) // 4, 10)}"] = None
    found[f"q:{min(words.count('?'), 2)}"] = None
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    found[f"ns:{min(len(sentences), 4)}"] = None
    for sentence in sentences:
        sentence_words = tokens(sentence)
        if sentence_words:
            found["sf:" + sentence_words[0]] = None
            found["sl:" + sentence_words[-1]] = None
        if len(sentence_words) > 1:
            found[f"sf2:{sentence_words[0]}_{sentence_words[1]}"] = None
    return list(found)
