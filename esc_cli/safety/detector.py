"""The crisis-cue detector: one source of truth for "did the seeker just voice a crisis cue?".

A message is read whole and sentence by sentence (a cue at the end of a long message is not diluted
by the rest). Each unit is read with its embedding by the shared encoder, the whole message's
embedding (the context of a sentence), whether the labeller's crisis patterns
(`esc_cli.iu.cues.STATE_CUES['crisis-risk']`) match it, and its words. The cue head (a logistic
regression, `heads.py`) gives P(crisis) per unit; the message is a cue when the highest unit reaches
the head's cross-validated threshold. The kinds of cue (suicidal ideation, self-harm, danger from
others; `kinds.py`) come from the kind head's P(kind), the highest over the units that read as a cue.

The router (crisis-risk state of the offline agent), the offline seeker's crisis tracking, the
simulation's safety net and `esc chat` all ask `crisis_detector()`. The IU extraction keeps the
labeller's keyword state: it labels tens of thousands of utterances and must stay fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from esc_cli.iu.cues import STATE_CUES
from esc_cli.iu.labeller import normalise
from esc_cli.judge.reading import sentences
from esc_cli.safety.heads import SafetyHeads, shipped_heads
from esc_cli.safety.kinds import asked_kind, kinds_from, with_patterns
from esc_cli.text import TextEncoder, shared_encoder

CRISIS_STATE = "crisis-risk"
_PATTERNS = STATE_CUES[CRISIS_STATE]
# A statement this close (cosine) to one of the cue head's training statements is that statement, or a
# copy the encoder cannot tell from it (another case, other spacing); the banks hold the statements'
# embeddings in thousandths. A changed word, or even "!" for ".", usually falls below it.
SEEN_COSINE = 0.99


@dataclass(frozen=True)
class CueReading:
    """What the detector read in one message."""

    crisis: bool
    probability: float
    kinds: tuple[str, ...] = ()
    sentence: str = ""
    pattern: bool = False

    @property
    def kind(self) -> str:
        """The most likely kind ("" without a cue)."""
        return self.kinds[0] if self.kinds else ""

    @property
    def asked(self) -> str:
        """The kind whose safety question the reply asks (`kinds.asked_kind`)."""
        return asked_kind(self.kinds)

    def describe(self) -> str:
        if not self.crisis:
            return f"no crisis cue (p={self.probability:.2f})"
        return f"{' and '.join(self.kinds)} cue (p={self.probability:.2f}) in: {self.sentence}"


def pattern_hit(text: str) -> bool:
    """True when the labeller's crisis patterns match the text."""
    return bool(_PATTERNS.search(normalise(text)))


def units(text: str) -> list[str]:
    """The message itself, then its sentences when it has more than one."""
    parts = sentences(text)
    whole = text.strip()
    return [whole, *[p for p in parts if p != whole]] if len(parts) > 1 else [whole]


@dataclass(frozen=True)
class UnitRows:
    """The detector's inputs for a list of units: their embeddings and their messages' embeddings."""

    texts: list[str]
    units: npt.NDArray[np.float32]
    wholes: npt.NDArray[np.float32]

    def patterns(self) -> list[bool]:
        return [pattern_hit(t) for t in self.texts]


def unit_rows(encoder: TextEncoder, messages: Sequence[Sequence[str]]) -> UnitRows:
    """The inputs of every unit of every message (each message given as `units(text)`)."""
    flat = [u for parts in messages for u in parts]
    embedded = encoder.embed(flat)
    whole_index = [start for start, parts in _starts(messages) for _ in parts]
    return UnitRows(flat, embedded, embedded[whole_index] if flat else embedded)


def _starts(messages: Sequence[Sequence[str]]) -> list[tuple[int, Sequence[str]]]:
    found: list[tuple[int, Sequence[str]]] = []
    start = 0
    for parts in messages:
        found.append((start, parts))
        start += len(parts)
    return found


def unit_probabilities(heads: SafetyHeads, rows: UnitRows) -> npt.NDArray[np.float64]:
    return heads.cue.probability(rows.units, rows.wholes, rows.patterns(), rows.texts)


class CrisisDetector:
    """Reads crisis cues with the shipped heads and the shared encoder."""

    def __init__(self, heads: SafetyHeads, encoder: TextEncoder) -> None:
        self.heads = heads
        self.encoder = encoder
        self._memo: dict[str, CueReading] = {}

    @property
    def threshold(self) -> float:
        return self.heads.cue.threshold

    def read_many(self, texts: Sequence[str]) -> list[CueReading]:
        """One reading per message, in order (the encoder is called once for all of them). The kinds
        are read from the highest P(kind) over the units that read as a cue."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo and t.strip()]
        split = [units(t) for t in todo]
        if todo:
            rows = unit_rows(self.encoder, split)
            scores = unit_probabilities(self.heads, rows)
            kind_rows = self.heads.kinds.probabilities(rows.units)
            for (start, parts), text in zip(_starts(split), todo, strict=True):
                span = slice(start, start + len(parts))
                best = start + int(np.argmax(scores[span]))
                crisis = bool(scores[best] >= self.threshold)
                carried = kind_rows[span][scores[span] >= self.threshold].max(axis=0) if crisis else None
                kinds = self._kinds(carried) if carried is not None else ()
                self._memo[text] = CueReading(
                    crisis,
                    round(float(scores[best]), 4),
                    with_patterns(kinds, pattern_hit(text)),
                    rows.texts[best] if crisis else "",
                    pattern_hit(rows.texts[best]),
                )
        return [self._memo[t] if t in self._memo else CueReading(False, 0.0) for t in texts]

    def _kinds(self, p: npt.NDArray[np.float64]) -> tuple[str, ...]:
        head = self.heads.kinds
        return kinds_from(head.labels, p.tolist(), head.danger_alone, head.floor)

    def kinds_of(self, text: str) -> tuple[str, ...]:
        """The kinds a text voices, read whole, whether or not it reads as a cue (() for empty text)."""
        if not text.strip():
            return ()
        kinds = self._kinds(self.heads.kinds.probabilities(self.encoder.embed([text]))[0])
        return with_patterns(kinds, pattern_hit(text))

    def in_training(self, texts: Sequence[str]) -> list[bool]:
        """Whether each text is (nearly) one of the cue head's own training statements: figures on
        such texts show how well the head fits its material, not how it reads new wording."""
        if not texts:
            return []
        rows = self.encoder.embed(list(texts)).astype(np.float64)
        best = np.zeros(len(texts))
        for bank in self.heads.cue.banks:
            if bank.shape[0]:
                best = np.maximum(best, (rows @ bank.T).max(axis=1))
        return [bool(b >= SEEN_COSINE) for b in best]

    def read(self, text: str) -> CueReading:
        return self.read_many([text])[0]

    def is_cue(self, text: str) -> bool:
        return bool(text.strip()) and self.read(text).crisis

    def acted_on(self, text: str) -> CueReading | None:
        """The reading of a message the tool treats as a crisis cue (the head reads one, or the message
        obliges: `obliges`), else None. A cue read by the patterns alone gets the kinds of the whole text."""
        if not text.strip():
            return None
        reading = self.read(text)
        if reading.crisis:
            return reading
        if not self.obliges(text):
            return None
        return CueReading(True, reading.probability, self.kinds_of(text), text.strip(), True)

    def obliges(self, text: str) -> bool:
        """Whether a simulated seeker holds the next reply to the safety check for this message: only
        where the crisis patterns match (besides the profile's scripted cue, which always obliges).
        The head's readings route the crisis skill and wake the safety net, but its precision is not
        enough to fail a reply on. Measured on the 825 distinct non-cue lines of the profiles (first
        messages, lines, answers after a safety check): at the head's threshold 74 read as cues, and
        even at p >= 0.995 thirteen did, while that level caught 12 of the 14 scripted cues (the
        heads before read 70 and 77 of the same lines as cues). Obliging on the head would turn gate
        verdicts on ordinary dialogue into noise."""
        return bool(text.strip()) and pattern_hit(text)


@cache
def crisis_detector() -> CrisisDetector:
    """The process-wide detector (shipped heads, shared encoder), built on first use."""
    return CrisisDetector(shipped_heads(), shared_encoder())


def with_crisis_state(states: Sequence[str], text: str) -> list[str]:
    """The labeller's states with `crisis-risk` set by the detector: added on a cue, dropped without one.
    A message that obliges the next reply (`CrisisDetector.obliges`) counts as a cue here even when the
    head reads it below its threshold: a reply the seeker will hold to the safety check must be routed
    to the crisis skill."""
    return set_crisis_state(states, crisis_detector().acted_on(text) is not None)


def set_crisis_state(states: Sequence[str], crisis: bool) -> list[str]:
    """The states with `crisis-risk` first when `crisis`, and without it otherwise."""
    kept = [s for s in states if s != CRISIS_STATE]
    return [CRISIS_STATE, *kept] if crisis else kept
