"""The judge's one feature map: (context, reply) -> numbers. Training and judging both call these
functions, so the shipped heads always read what they were trained on.

`pair_features` (width WIDTH) is what the relevance head reads:

    [ r (384) | c * r (384) | fit (11 numbers) ]

`c` is the embedding of the seeker's last turn and `r` the reply's, both from the shared encoder
(`esc_cli.text`). `r` says what kind of reply it is; `c * r` says which of its meanings fit what the
seeker just said. The fit numbers: the cosine of the reply with the seeker's last turn, with the
nearest and the mean of the last CONTEXT_TURNS turns, with the supporter's previous turn and with the
whole window; the shared topic words with the last seeker turn and with the window (a share and a
yes/no each); the reply's length and whether it asks.

`reading_features` (width READING_WIDTH) is what the heads that read the seeker's side (outlook,
rapport, success) read: the pair features; the seeker's last turn itself (how the seeker is); the
mean of the seeker's last SEEKER_WINDOW turns (where the conversation has been) and the supporter's
previous turn (what the reply follows); the affect of the reply and of the seeker's last turn, the mean,
lowest and trend of the seeker's affect over the window; the length of the seeker's last turn; and
the relevance logit. The reply's position in the dialogue is left out on purpose: a judge that liked
later turns for being later would lift every simulated seeker with time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cache

import numpy as np
import numpy.typing as npt

from esc_cli.iu.labeller import OfflineLabeller, content_words
from esc_cli.judge.turns import Said
from esc_cli.text import DIMENSION, TextEncoder

CONTEXT_TURNS = 8
FIT_WIDTH = 11
WIDTH = 2 * DIMENSION + FIT_WIDTH
SEEKER_WINDOW = 4
SIDE_WIDTH = 6
READING_WIDTH = WIDTH + 3 * DIMENSION + SIDE_WIDTH + 1
Matrix = npt.NDArray[np.float32]
SEEKER = "seeker"


@cache
def affect_reader() -> OfflineLabeller:
    """The labeller whose VADER affect the outlook features (and the outlook target) use."""
    return OfflineLabeller()


def seeker_text(context: Sequence[Said]) -> str:
    """The seeker's last turn in a context ('' when the seeker has not spoken)."""
    return next((s.text for s in reversed(context) if s.speaker == SEEKER), "")


def _overlap(reply: AbstractSet[str], other: AbstractSet[str]) -> list[float]:
    shared = len(reply & other)
    return [shared / math.sqrt(1 + len(reply)), 1.0 if shared else 0.0]


def _fit(encoder: TextEncoder, context: Sequence[Said], reply: str) -> list[float]:
    window = [s for s in context[-CONTEXT_TURNS:] if s.text.strip()]
    r = encoder.vector(reply)
    vectors = encoder.embed([s.text for s in window]) if window else np.zeros((0, DIMENSION), np.float32)
    cosines = vectors @ r if len(window) else np.zeros(0, np.float32)
    last_seeker = next(
        (float(c) for s, c in zip(reversed(window), cosines[::-1], strict=True) if s.speaker == SEEKER), 0.0
    )
    last_supporter = next(
        (float(c) for s, c in zip(reversed(window), cosines[::-1], strict=True) if s.speaker != SEEKER), 0.0
    )
    mean = vectors.mean(axis=0) if len(window) else np.zeros(DIMENSION, np.float32)
    whole = float(mean @ r / max(float(np.linalg.norm(mean)), 1e-9))
    words = content_words(reply)
    window_words: set[str] = set().union(*(content_words(s.text) for s in window)) if window else set()
    return [
        last_seeker,
        float(cosines.max()) if len(window) else 0.0,
        float(cosines.mean()) if len(window) else 0.0,
        last_supporter,
        whole,
        *_overlap(words, content_words(seeker_text(window))),
        *_overlap(words, window_words),
        math.log1p(len(reply.split())) / 5.0,
        1.0 if "?" in reply else 0.0,
    ]


def pair_features(encoder: TextEncoder, contexts: Sequence[Sequence[Said]], replies: Sequence[str]) -> Matrix:
    """One row of WIDTH features per (context, reply)."""
    if len(contexts) != len(replies):
        raise ValueError("contexts and replies differ in length")
    if not replies:
        return np.zeros((0, WIDTH), dtype=np.float32)
    encoder.embed([*replies, *(seeker_text(c) for c in contexts)])
    c = encoder.embed([seeker_text(ctx) for ctx in contexts])
    r = encoder.embed(replies)
    fit = np.array(
        [_fit(encoder, ctx, reply) for ctx, reply in zip(contexts, replies, strict=True)], np.float32
    )
    return np.hstack([r, c * r, fit.reshape(-1, FIT_WIDTH)]).astype(np.float32)


def _side(labeller: OfflineLabeller, context: Sequence[Said], reply: str) -> list[float]:
    seeker = [s.text for s in context if s.speaker == SEEKER][-SEEKER_WINDOW:] or [""]
    affect = [labeller.affect(text) for text in seeker]
    return [
        labeller.affect(reply),
        affect[-1],
        float(np.mean(affect)),
        min(affect),
        affect[-1] - affect[0],
        math.log1p(len(seeker[-1].split())) / 5.0,
    ]


def _window(encoder: TextEncoder, context: Sequence[Said]) -> Matrix:
    seeker = [s.text for s in context if s.speaker == SEEKER][-SEEKER_WINDOW:]
    supporter = next((s.text for s in reversed(context) if s.speaker != SEEKER), "")
    mean = encoder.embed(seeker).mean(axis=0) if seeker else np.zeros(DIMENSION, np.float32)
    before = encoder.vector(supporter) if supporter else np.zeros(DIMENSION, np.float32)
    return np.concatenate([mean, before]).astype(np.float32)


def reading_features(
    encoder: TextEncoder,
    contexts: Sequence[Sequence[Said]],
    replies: Sequence[str],
    pairs: Matrix,
    relevance: npt.NDArray[np.float64],
) -> Matrix:
    """One row of READING_WIDTH features per (context, reply), given its pair features and relevance logit."""
    labeller = affect_reader()
    if not replies:
        return np.zeros((0, READING_WIDTH), dtype=np.float32)
    c = encoder.embed([seeker_text(ctx) for ctx in contexts])
    window = np.vstack([_window(encoder, ctx) for ctx in contexts])
    side = np.array(
        [_side(labeller, ctx, reply) for ctx, reply in zip(contexts, replies, strict=True)], dtype=np.float32
    ).reshape(-1, SIDE_WIDTH)
    rel = np.asarray(relevance, np.float32).reshape(-1, 1)
    return np.hstack([pairs, c, window, side, rel]).astype(np.float32)
