"""The in-memory dialogue every reader produces, whatever the file layout.

Speakers are normalised to `seeker` and `supporter`, strategies to the canonical ESConv labels (the raw
spelling is kept), feedback to an int 1..5. Turns are not merged here: segmentation does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEEKER = "seeker"
SUPPORTER = "supporter"

SUCCESS = "success"
FAILURE = "failure"


@dataclass(slots=True)
class Utterance:
    """One utterance as the file has it."""

    speaker: str
    text: str
    strategy: str = ""
    raw_strategy: str = ""
    feedback: int | None = None


@dataclass(slots=True)
class Dialogue:
    """One support dialogue. `index` is its 0-based position in its file, the stable part of IU ids."""

    source: str
    split: str
    index: int
    utterances: list[Utterance]
    outcome: str = SUCCESS
    emotion_type: str = ""
    problem_type: str = ""
    situation: str = ""
    initial_intensity: int | None = None
    final_intensity: int | None = None
    relevance_rating: int | None = None
    """The seeker's survey rating (1-5) of how relevant the supporter's replies were, when known."""
    name: str = ""
    origin: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        """`source:split:NNNN`, the prefix of every IU id cut from this dialogue."""
        return f"{self.source}:{self.split}:{self.index:04d}"

    @property
    def survey_change(self) -> int | None:
        """Initial minus final intensity (positive = the seeker felt better), when both are known."""
        if self.initial_intensity is None or self.final_intensity is None:
            return None
        return self.initial_intensity - self.final_intensity
