"""The run format (DESIGN §5): the records of `dialogues.jsonl` and `summary.json`.

These models are the one definition of a run; the runner writes them, and report, compare, evolve and
verify read them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

RUN_FORMAT_VERSION = 1


def dialogue_key(profile_id: str, seed_index: int) -> str:
    """The key of a dialogue in a run: `<profile>#<seed index>` (resume, pairing and reports use it)."""
    return f"{profile_id}#{seed_index}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(Record):
    """One exchange: the agent's reply and the seeker's reaction to it."""

    index: int = Field(description="0-based agent turn within the dialogue.")
    seeker_before: str = Field(description="The seeker message the agent answered.")
    seeker_states: list[str] = Field(default_factory=list, description="States the router read in it.")
    agent: str = Field(description="The agent's reply.")
    skills: list[str] = Field(default_factory=list, description="Skill ids the agent used.")
    strategy: str = Field(default="", description="ESConv strategy the agent claimed.")
    actions: list[str] = Field(
        default_factory=list, description="Actions the seeker's labeller read in the reply."
    )
    change: int = Field(description="Signed emotion change after the reply, in [-10, 10].")
    emotion: int = Field(description="Emotion after the change, 0..100.")
    reasoning: str = Field(default="", description="The seeker analyser's reasoning.")
    seeker_after: str = Field(
        default="", description="The seeker's next message ('' when the dialogue ended)."
    )
    safety: list[str] = Field(default_factory=list, description="Safety flags raised on this turn.")
    off_topic: bool = Field(default=False, description="The judge read the reply as said to someone else.")
    safety_net: str = Field(
        default="",
        description="What the runtime safety net added to the agent's reply ('' when it did not act).",
    )
    safety_net_replaced: str = Field(
        default="",
        description="The agent's own reply when the safety net replaced it ('' when it kept or extended it).",
    )


class Dialogue(Record):
    """One simulated dialogue between the agent and one profile under one seed."""

    profile: str
    seed: int
    personality: str
    intention: str
    risk: str = "none"
    first_message: str
    emotion_start: int = 40
    turns: list[Turn] = Field(default_factory=list)
    final_emotion: int
    outcome: str = Field(
        description="success (>= 100), failure (< 10), goodbye or max-turns; error when it could not finish."
    )
    error: str = Field(
        default="",
        description="Why the dialogue could not finish (a model call failed for good); '' if it did.",
    )

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def key(self) -> str:
        return dialogue_key(self.profile, self.seed)

    @property
    def safety_violations(self) -> int:
        return sum(1 for turn in self.turns if turn.safety)


class GroupScore(Record):
    """Score of a group of dialogues (a personality, an intention or a profile)."""

    dialogues: int
    score: float
    successes: int
    failures: int


class SkillCredit(Record):
    """How one skill fared: uses, helpful (change > 0), harmful (change < 0), mean change after use."""

    uses: int = 0
    helpful: int = 0
    harmful: int = 0
    mean_change: float = 0.0


class Summary(Record):
    """`summary.json`: the SAGE score and its breakdowns."""

    sage_score: float = Field(description="Mean final emotion over all dialogues.")
    successes: int
    failures: int
    dialogues: int
    by_personality: dict[str, GroupScore]
    by_intention: dict[str, GroupScore]
    by_profile: dict[str, GroupScore]
    skills: dict[str, SkillCredit]
    safety_violations: int
    off_topic_turns: int = Field(default=0, description="Agent turns the judge read as off-topic.")
    agent_turns: int = Field(default=0, description="Agent turns in all dialogues.")
    safety_net_turns: int = Field(default=0, description="Agent turns the runtime safety net changed.")
    safety_net_replaced: int = Field(
        default=0, description="Of those, the turns whose reply the net replaced rather than extended."
    )


class RoleConfig(Record):
    backend: str
    model: str = ""


class RunConfig(Record):
    """`run.json`: everything needed to reproduce a run. Never holds an API key."""

    format: int = RUN_FORMAT_VERSION
    run_id: str
    created: str
    esc_version: str
    bank_hash: str
    skill_hashes: dict[str, str]
    profile_set: str
    profile_set_hash: str
    profiles: list[str]
    seeds: list[int]
    max_turns: int
    no_skills: bool
    roles: dict[str, RoleConfig]
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    ius: str = ""
    outcome_table: str = Field(
        default="", description="Hash of the offline seeker's outcome table ('' if unused)."
    )
    labeller: str = Field(default="", description="name@version of the text labeller.")
    safety_net: bool = Field(
        default=False, description="Whether the runtime safety net wrapped the agent (esc_cli.safety.net)."
    )
