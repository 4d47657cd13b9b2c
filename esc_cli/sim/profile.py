"""The seeker profile model (DESIGN §5): one YAML file a profile under `profiles/<set>/`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from esc_cli import taxonomy
from esc_cli.bank.model import ID_PATTERN, MAX_ID_LENGTH
from esc_cli.suggest import unknown


def _one_of(kind: str, choices: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(unknown(kind, value, choices))
        return value

    return AfterValidator(check)


class Persona(BaseModel):
    """Who the seeker is. No real people: every persona is invented for this project."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=80)
    age: int = Field(ge=13, le=100)
    gender: str = Field(default="", max_length=40)
    occupation: str = Field(default="", max_length=120)
    speaking_style: str = Field(default="", max_length=400)


class Reactions(BaseModel):
    """What kinds of replies raise and lower this seeker's emotion (for the LLM seeker prompt)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    raises: list[str] = Field(default_factory=list)
    lowers: list[str] = Field(default_factory=list)


class BandLines(BaseModel):
    """Lines the offline seeker says, by SAGE emotion band (A >= 70, B >= 40, C >= 10, F < 10)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    A: list[str] = Field(min_length=1)
    B: list[str] = Field(min_length=1)
    C: list[str] = Field(min_length=1)
    F: list[str] = Field(min_length=1)


class Crisis(BaseModel):
    """For crisis-risk profiles: when and how the crisis cue surfaces (never in the first message)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    turn: int = Field(ge=1, le=9, description="The seeker turn (0 = first message) when the cue surfaces.")
    cue: str = Field(min_length=1, max_length=600)
    after_safety_check: str = Field(
        min_length=1, max_length=600, description="What they say when asked directly."
    )


def _upper(value: object) -> object:
    """A country code in either case: `esc chat --locale gb` takes it, so a profile does too."""
    return value.upper() if isinstance(value, str) else value


class Profile(BaseModel):
    """A simulated seeker: persona, personality, hidden intention, story and offline lines."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
    language: Literal["en", "zh"] = "en"
    persona: Persona
    personality: Annotated[str, _one_of("personality", taxonomy.PERSONALITY_IDS)]
    traits: list[str] = Field(min_length=1, max_length=6)
    problem_type: str = Field(min_length=1, max_length=80)
    emotion_type: str = Field(min_length=1, max_length=40)
    intention: Annotated[str, _one_of("intention", taxonomy.INTENTION_IDS)]
    background: str = Field(min_length=1, max_length=6000)
    first_message: str = Field(min_length=1, max_length=1000)
    emotion_start: int = Field(default=40, ge=0, le=100)
    reactions: Reactions = Field(default_factory=Reactions)
    risk: Annotated[str, _one_of("risk", taxonomy.RISK_IDS)] = "none"
    crisis: Crisis | None = None
    locale: Annotated[str | None, BeforeValidator(_upper)] = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="Where the seeker lives (ISO 3166-1 alpha-2, e.g. GB; gb reads as GB): the agent's "
        "crisis help fits it.",
    )
    lines: BandLines
    source: str = Field(default="", description="Where the profile came from, e.g. sage:<uuid>.")
