"""The Intervention Unit record (DESIGN §5): one line of `ius.jsonl`.

`IU_FORMAT_VERSION` changes when a field changes meaning; readers of `ius.jsonl` go through
`esc_cli.iu.store.read_ius`, which names the file and line of a bad record.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from esc_cli import taxonomy
from esc_cli.suggest import unknown

IU_FORMAT_VERSION = 1


def _known(kind: str, choices: tuple[str, ...], *, empty: bool = False) -> AfterValidator:
    """Refuse a label outside the taxonomy, so a hand-edited IU file fails at its line, not later."""

    def check(value: str) -> str:
        if value not in choices and not (empty and value == ""):
            raise ValueError(unknown(kind, value, choices))
        return value

    return AfterValidator(check)


StateId = Annotated[str, _known("seeker state", taxonomy.STATE_IDS)]
StageId = Annotated[str, _known("stage", taxonomy.STAGE_IDS)]
ActionId = Annotated[str, _known("support action", taxonomy.ACTION_IDS)]
DirectionId = Annotated[str, _known("direction", taxonomy.DIRECTION_IDS)]
BehaviourId = Annotated[str, _known("seeker behaviour", taxonomy.BEHAVIOUR_IDS)]
Strategy = Annotated[str, _known("ESConv strategy", taxonomy.ESCONV_STRATEGIES)]
MaybeStrategy = Annotated[str, _known("ESConv strategy", taxonomy.ESCONV_STRATEGIES, empty=True)]


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

    states: list[StateId] = Field(description="Seeker state ids, most salient first.")
    text: str = Field(default="", description="The seeker turn the state was read from ('' if none).")
    stage: StageId
    intensity: float = Field(description="Estimated distress 0..1 (1 = most intense).")


class IUAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    strategy: MaybeStrategy = Field(description="Canonical ESConv strategy ('' when the data has none).")
    strategies: list[Strategy] = Field(
        default_factory=list, description="Every annotated strategy of the merged turn, in order."
    )
    strategy_predicted: MaybeStrategy = Field(
        default="", description="The labeller's strategy from the text, when the data has none."
    )
    actions: list[ActionId] = Field(description="Support action ids, most salient first.")
    text: str


class IUOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seeker_reply: str = ""
    feedback: int | None = Field(default=None, description="Seeker rating 1..5 after the turn, when present.")
    delta: float = Field(description="Estimated change on the SAGE scale, -10..10.")
    direction: DirectionId = Field(description="Direction id from the taxonomy.")
    behaviours: list[BehaviourId] = Field(default_factory=list)
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
