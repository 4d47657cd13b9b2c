"""What trace analysis finds: a category, the skill and observable states it concerns, its evidence.

Three categories (issue 7):

    missing-skill               turns where no skill applied, or emotion fell in a state no skill covers
    unsafe-intervention         safety flags, unhandled crisis cues, replies that match a known risk or
                                harmful phrasing, and skills whose use in a state reliably lowers emotion
    profile-specific-failure    a skill that helps on average but hurts one personality or intention,
                                restated in the seeker states the agent can observe

Each finding names a `kind` inside its category, so a proposer can choose the edit that answers it.
Findings are data: the offline analyst and the LLM analyst both produce them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["missing-skill", "unsafe-intervention", "profile-specific-failure"]
CATEGORIES: tuple[Category, ...] = ("missing-skill", "unsafe-intervention", "profile-specific-failure")

# Kinds, by category. A proposer keys its edits on these.
NO_SKILL = "no-skill-applied"
UNCOVERED_STATE = "uncovered-state"
NO_CRISIS_SKILL = "no-crisis-skill"
SAFETY_FLAG = "safety-flag"
UNHANDLED_CRISIS = "unhandled-crisis-cue"
KNOWN_RISK = "known-risk"
HARMFUL_PHRASING = "harmful-phrasing"
HURTS_IN_STATE = "hurts-in-state"
HURTS_GROUP = "hurts-group"


class TraceEvidence(BaseModel):
    """One turn of a run that supports a finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run: str = Field(description="The run the turn comes from (a folder name or 'round N').")
    dialogue: str = Field(description="The dialogue key, `profile#seed`.")
    turn: int = Field(description="0-based agent turn.")
    seeker: str = Field(description="What the seeker said before the reply (shortened).")
    agent: str = Field(description="The agent's reply (shortened).")
    change: int = Field(description="Emotion change after the reply.")
    emotion: int = Field(description="Emotion after the change.")
    skills: tuple[str, ...] = Field(default=(), description="Skills the agent used on this turn.")
    states: tuple[str, ...] = Field(default=(), description="Seeker states the agent read.")
    flags: tuple[str, ...] = Field(default=(), description="Safety flags or harmful-phrasing labels.")

    def ref(self) -> str:
        """A short reference such as `round 1 train-a#0 turn 3`."""
        return f"{self.run} {self.dialogue} turn {self.turn}"


class Finding(BaseModel):
    """One problem found in the traces, with the turns that show it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id, e.g. 'unsafe-intervention/known-risk/offer-one-option/venting'.")
    category: Category
    kind: str = Field(description="What exactly was found inside the category (see the module constants).")
    summary: str = Field(description="One sentence a reviewer can read.")
    skill: str = Field(default="", description="The skill it concerns; '' for a gap in the bank.")
    states: list[str] = Field(default_factory=list, description="Observable seeker states where it happens.")
    max_turn: int | None = Field(default=None, description="When it only happens up to this turn.")
    first_turn: int = Field(default=0, description="The earliest turn that shows it.")
    group: str = Field(default="", description="For profile-specific failures: 'intention=be-heard'.")
    flag: str = Field(default="", description="Safety flag, risk id or harmful-phrasing label involved.")
    turns: int = Field(description="How many turns show it.")
    dialogues: int = Field(description="In how many dialogues.")
    mean_change: float = Field(description="Mean emotion change on those turns.")
    strength: float = Field(ge=0.0, le=1.0, description="0..1: how much of the run it touches and how badly.")
    evidence: list[TraceEvidence] = Field(default_factory=list)
    analyst: str = Field(default="offline", description="Which analyst found it.")

    def headline(self) -> str:
        """`[unsafe-intervention 0.62] summary`."""
        return f"[{self.category} {self.strength:.2f}] {self.summary}"


def finding_id(category: str, kind: str, *parts: str) -> str:
    """A stable id from the category, kind and the subject (skill, state, group)."""
    return "/".join([category, kind, *(p for p in parts if p)])


def strongest_first(findings: list[Finding]) -> list[Finding]:
    """Findings ordered by strength, then id, so every run lists them the same way."""
    return sorted(findings, key=lambda f: (-f.strength, f.id))
