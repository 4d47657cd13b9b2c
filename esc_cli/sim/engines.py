"""The roles of a simulated dialogue as small protocols: agent, seeker, and the labeller they share.

An engine is a factory of per-dialogue sessions. A session keeps what one conversation needs (lines
already said, the crisis state, rotation counters) and nothing leaks between dialogues, so dialogues
can run concurrently in any order and still come out the same.

    Agent.session(seed)              -> AgentSession.reply(history, turn)       -> AgentReply
    Seeker.session(profile, index)   -> SeekerSession.first_message()
                                        SeekerSession.judge(reply, history, ...) -> Judgement
                                        SeekerSession.respond(history, ...)      -> SeekerMessage

`judge` and `respond` are SAGE's two calls per turn: the analysis (with the signed change) and the
seeker's next message. The runner skips `respond` when the change ends the dialogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from esc_cli.sim.profile import Profile

Speaker = Literal["seeker", "agent"]


@dataclass(frozen=True)
class Utterance:
    """One message of the running dialogue."""

    speaker: Speaker
    text: str


@dataclass(frozen=True)
class AgentReply:
    """What the agent said, and what it says it did."""

    text: str
    skills: list[str] = field(default_factory=list)
    strategy: str = ""
    states: list[str] = field(default_factory=list)
    safety_net: str = ""
    """What the runtime safety net added ('' when it did not act; see esc_cli.safety.net)."""
    net_replaced: str = ""
    """The agent's own reply when the safety net replaced it ('' when it kept or extended it)."""


@dataclass(frozen=True)
class Judgement:
    """The seeker's analysis of one agent reply: the signed change and why."""

    change: int
    reasoning: str
    actions: list[str] = field(default_factory=list)
    safety: list[str] = field(default_factory=list)
    raw: float | None = None
    """The change before quantisation, when the engine has one (the offline judge does)."""
    off_topic: bool = False
    """The judge read the reply as off-topic (said to someone else, not to this seeker)."""


@dataclass(frozen=True)
class SeekerMessage:
    """The seeker's next message and whether it closes the conversation."""

    text: str
    goodbye: bool = False


class Labeller(Protocol):
    """The text labeller both offline roles use (esc_cli.iu.labeller.default_labeller())."""

    def seeker_states(self, text: str, *, turn: int = 0) -> list[str]: ...

    def support_actions(self, text: str) -> list[str]: ...

    def strategy(self, text: str) -> str: ...

    def affect(self, text: str) -> float: ...

    def harmful(self, text: str) -> list[str]: ...


class AgentSession(Protocol):
    """The agent within one dialogue."""

    async def reply(self, history: list[Utterance], turn: int) -> AgentReply: ...


class Agent(Protocol):
    """An agent engine. It never sees the profile: only the seed and the dialogue so far."""

    engine: str

    def session(self, seed: int) -> AgentSession: ...


class SeekerSession(Protocol):
    """The seeker within one dialogue; the runner owns the emotion score and passes it in."""

    def first_message(self) -> str: ...

    async def judge(
        self, reply: AgentReply, history: list[Utterance], turn: int, emotion: int
    ) -> Judgement: ...

    async def respond(
        self, history: list[Utterance], turn: int, emotion: int, judgement: Judgement
    ) -> SeekerMessage: ...


class Seeker(Protocol):
    """A seeker engine: one session per (profile, seed index)."""

    engine: str

    def session(self, profile: Profile, seed_index: int) -> SeekerSession: ...


def default_labeller() -> Labeller:
    """The project's offline labeller, imported when first needed so importing sim stays cheap."""
    from esc_cli.iu.labeller import default_labeller as make

    labeller: Labeller = make()
    return labeller
