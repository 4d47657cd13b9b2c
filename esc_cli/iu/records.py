"""The Intervention Unit record (DESIGN §5): one line of `ius.jsonl`.

`IU_FORMAT_VERSION` changes when a field changes meaning; readers of `ius.jsonl` go through
`esc_cli.iu.store.read_ius`, which names the file and line of a bad record.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

IU_FORMAT_VERSION = 1


class Utterance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speaker: str = Field(description="'seeker' or 'supporter'.")
    text: str
    strategy: str = Field(default="", description="Canonical ESConv strategy on supporter turns, if known.")


class IUContext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emotion_type: str = ""
    problem_type: str = ""
    situation: str = ""
    turns: list[Utterance] = Field(
        default_factory=list, description="The last k turns before the intervention."
    )


class IUState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    states: list[str] = Field(description="Seeker state ids, most salient first.")
    text: str = Field(default="", description="The seeker turn the state was read from ('' if none).")
    stage: str
    intensity: float = Field(description="Estimated distress 0..1 (1 = most intense).")


class IUAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    strategy: str = Field(description="Canonical ESConv strategy ('' when the data has none).")
    strategies: list[str] = Field(
        default_factory=list, description="Every annotated strategy of the merged turn, in order."
    )
    strategy_predicted: str = Field(
        default="", description="The labeller's strategy from the text, when the data has none."
    )
    actions: list[str] = Field(description="Support action ids, most salient first.")
    text: str


class IUOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seeker_reply: str = ""
    feedback: int | None = Field(default=None, description="Seeker rating 1..5 after the turn, when present.")
    delta: float = Field(description="Estimated change on the SAGE scale, -10..10.")
    direction: str = Field(description="Direction id from the taxonomy.")
    behaviours: list[str] = Field(default_factory=list)
    evidence: str = Field(
        description="Which source decided: feedback, affect, survey, failed-dialogue or none (see iu/outcome.py)."
    )


class IU(BaseModel):
    """One local exchange: the seeker's state, the supporter's intervention, and the change after it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id: <source>:<split>:<dialogue 4 digits>:<supporter turn>.")
    source: str = Field(description="esconv, failed-esconv, or the name of a user dataset.")
    split: str
    dialogue: str
    turn: int
    dialogue_outcome: str = Field(description="success or failure.")
    context: IUContext
    state: IUState
    action: IUAction
    outcome: IUOutcome
    labeller: str = Field(description="name@version of the labeller.")
    key: bool = Field(description="True where the change is not neutral.")
