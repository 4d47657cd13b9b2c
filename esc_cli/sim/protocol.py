"""The SAGE protocol rules every seeker engine obeys: emotion range, change steps, stop conditions.

From SAGE's code (see shared/data/sage/SOURCE.md): emotion is an integer 0..100 that starts at 40; each
supporter reply moves it by a change clipped to [-10, 10] (the released logs only hold -10, -5, 0, 5, 10);
it is capped at 100; a dialogue stops at 100 (success), below 10 (failure), on the seeker's goodbye, or
after 10 seeker turns. Both engines share these functions so they stop and score alike.
"""

from __future__ import annotations

import math
import re
from random import Random

EMOTION_START = 40
EMOTION_MAX = 100
FAILURE_BELOW = 10
MAX_CHANGE = 10
MAX_TURNS = 10
STEP = 5

# Dialogue outcomes as written in `Dialogue.outcome`.
SUCCESS = "success"
FAILURE = "failure"
GOODBYE = "goodbye"
MAX_TURNS_REACHED = "max-turns"
ERROR = "error"  # the dialogue could not finish: a model call failed for good (Dialogue.error says why)

# Goodbye phrases, looked for in the last sentence only. English matches whole words; Chinese matches
# substrings (no word boundaries). "say goodbye to everyone" is a crisis cue, not a closing, so a
# goodbye that follows "say"/"said" or addresses the world or everyone does not count.
_GOODBYE_EN = re.compile(
    r"\b(good ?bye|bye(?:-bye)?|see you(?: later| around)?|talk (?:to you )?later|"
    r"gotta go|got to go|have to go now|i(?:'m| am) going to go now|i(?:'ll| will) leave it there|"
    r"that'?s all i needed|good ?night)\b",
    re.IGNORECASE,
)
_NOT_A_CLOSING_EN = re.compile(
    r"\b(say|says|saying|said)\s+(good ?bye|bye)|\b(everyone|everybody|world|life|forever)\b", re.IGNORECASE
)
_GOODBYE_ZH = ("再见", "拜拜", "回头聊", "先这样吧", "先聊到这", "下次再聊", "我先走了", "我先下了", "晚安")
_NOT_A_CLOSING_ZH = ("世界", "大家", "所有人", "永别", "一切")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*")
_WORDED = re.compile(r"\w")
_QUOTED = re.compile(
    r"(?<!\w)['\u2018][^'\u2018\u2019\n]+['\u2019](?!\w)|[\"\u201c][^\"\u201c\u201d\n]*[\"\u201d]|「[^」]*」"
)


def clip_change(value: float) -> float:
    """Clip a raw change to SAGE's [-10, 10]; NaN counts as no change."""
    if math.isnan(value):
        return 0.0
    return max(-float(MAX_CHANGE), min(float(MAX_CHANGE), value))


def quantise(value: float, rng: Random | None = None) -> int:
    """Snap a change to the steps {-10, -5, 0, 5, 10}.

    With an `rng`, rounding is stochastic between the two nearest steps so that the expected step equals
    the clipped value: small rule effects then move the mean score instead of vanishing in rounding.
    Without one, it rounds to the nearest step (halves away from zero).
    """
    clipped = clip_change(value)
    low = math.floor(clipped / STEP) * STEP
    high = low + STEP
    if low == clipped:
        return int(low)
    if rng is None:
        nearest = high if abs(high - clipped) < abs(clipped - low) else low
        if abs(high - clipped) == abs(clipped - low):
            nearest = high if clipped > 0 else low
        return int(nearest)
    return int(high if rng.random() < (clipped - low) / STEP else low)


def apply_change(emotion: int, change: int) -> int:
    """The new emotion after a change, kept within 0..100."""
    return max(0, min(EMOTION_MAX, emotion + change))


def last_sentence(text: str) -> str:
    """The last sentence of a message that has words ("Bye for now..." ends on its words, not on "...")."""
    parts = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    worded = [part for part in parts if _WORDED.search(part)]
    return worded[-1] if worded else (parts[-1] if parts else "")


def is_goodbye(text: str) -> bool:
    """True when a seeker message ends by saying goodbye, in English or Chinese. Quoted words are someone
    else's ("then 'right, bye'"), so they do not count."""
    tail = last_sentence(_QUOTED.sub(" ", text))
    if _GOODBYE_EN.search(tail) and not _NOT_A_CLOSING_EN.search(tail):
        return True
    return any(p in tail for p in _GOODBYE_ZH) and not any(p in tail for p in _NOT_A_CLOSING_ZH)


def stop_reason(emotion: int, said_goodbye: bool, turns_done: int, max_turns: int) -> str:
    """Why the dialogue stops after this turn, or '' to go on. Emotion wins over a goodbye."""
    if emotion >= EMOTION_MAX:
        return SUCCESS
    if emotion < FAILURE_BELOW:
        return FAILURE
    if said_goodbye:
        return GOODBYE
    if turns_done >= max_turns:
        return MAX_TURNS_REACHED
    return ""
