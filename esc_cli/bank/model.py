"""The skill front matter as a pydantic model: the schema of `skills/<id>.md` (DESIGN §3).

Taxonomy ids are checked here so that every error carries a key path and a "did you mean" hint.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from esc_cli import taxonomy
from esc_cli.suggest import unknown

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_ID_LENGTH = 64


def _check_in(kind: str, choices: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(unknown(kind, value, choices))
        return value

    return AfterValidator(check)


StateId = Annotated[str, _check_in("state", taxonomy.STATE_IDS)]
ActionId = Annotated[str, _check_in("action", taxonomy.ACTION_IDS)]
StageId = Annotated[str, _check_in("stage", taxonomy.STAGE_IDS)]
StrategyName = Annotated[str, _check_in("ESConv strategy", taxonomy.ESCONV_STRATEGIES)]


class Strict(BaseModel):
    """Base for every front-matter block: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Conditions(Strict):
    """When a skill applies (`applies_when`) or must not be used (`avoid_when`)."""

    seeker_states: list[StateId] = Field(
        default_factory=list, description="Seeker state ids from the taxonomy."
    )
    min_turn: int = Field(default=0, ge=0, description="First supporter turn (0-based) where this holds.")
    max_turn: int | None = Field(default=None, ge=0, description="Last supporter turn where this holds.")
    description: str = Field(default="", max_length=1000, description="The condition in plain words.")


class ExpectedOutcome(Strict):
    """The change the skill should bring, in words and on the SAGE scale."""

    description: str = Field(max_length=1000)
    emotion_delta: list[int] = Field(min_length=2, max_length=2, description="[low, high] within -10..10.")

    @model_validator(mode="after")
    def _range(self) -> ExpectedOutcome:
        low, high = self.emotion_delta
        if not (-10 <= low <= high <= 10):
            raise ValueError("emotion_delta must be [low, high] with -10 <= low <= high <= 10")
        return self


class Risk(Strict):
    """A known way the skill can go wrong."""

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
    description: str = Field(max_length=1000)


class Evidence(Strict):
    """Written by discovery and evolution, never by hand: how much data supports the skill."""

    ius: int = Field(default=0, ge=0)
    success_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    sources: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    prototypes: list[str] = Field(default_factory=list)
    attribution: str = ""


class SkillMeta(Strict):
    """The YAML front matter of a skill file. Field order here is the order in a normalised file."""

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
    title: str = Field(min_length=1, max_length=120)
    version: int = Field(ge=1)
    status: Literal["draft", "active", "deprecated"] = "active"
    stage: StageId
    crisis: bool = Field(default=False, description="True for the one skill that handles crisis cues.")
    priority: int = Field(default=0, description="Tie-break when several skills match: higher wins.")
    strategies: list[StrategyName] = Field(min_length=1)
    actions: list[ActionId] = Field(min_length=1)
    applies_when: Conditions
    avoid_when: Conditions = Field(default_factory=Conditions)
    expected_outcome: ExpectedOutcome
    risks: list[Risk] = Field(default_factory=list)
    evidence: Evidence | None = None


SECTIONS = ("Guidance", "Examples", "Pitfalls")
SPEAKERS = ("Seeker", "Supporter")
_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)


class Skill(BaseModel):
    """A whole skill: front matter plus the Markdown body, which is data and never a template."""

    model_config = ConfigDict(extra="forbid")

    meta: SkillMeta
    body: str

    @property
    def id(self) -> str:
        return self.meta.id

    def sections(self) -> dict[str, str]:
        """The body's `## ` sections by title, text stripped."""
        parts = _HEADING.split(self.body)
        found: dict[str, str] = {}
        for i in range(1, len(parts) - 1, 2):
            found[parts[i].strip()] = parts[i + 1].strip()
        return found

    def section(self, title: str) -> str:
        return self.sections().get(title, "")
