"""How a simulation runs (`SimOptions`) and the engines built from it, one per role.

Any mix works: each role is offline unless it is given a model client. The offline seeker judges
any agent's replies from their text alone, so an LLM agent with the offline seeker is a cheap judge.

    options = SimOptions()                                    # both roles offline
    options = SimOptions(agent_client=client, prompts_dir=p)  # LLM agent, offline seeker
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from esc_cli.bank.model import Skill
from esc_cli.errors import ConfigError, InputError
from esc_cli.iu.records import IU
from esc_cli.llm.client import ModelClient
from esc_cli.safety.lines import CrisisLines
from esc_cli.sim.engines import Agent, Labeller, Seeker, default_labeller
from esc_cli.sim.iu_index import SeekerReplyIndex, SupporterIndex
from esc_cli.sim.outcome import OutcomeTable, default_table
from esc_cli.sim.profile import Profile
from esc_cli.sim.protocol import MAX_TURNS

OFFLINE = "offline"


@dataclass
class Retrieval:
    """IU indexes for the offline engine, built once from an IU list and reused across runs."""

    supporter: SupporterIndex
    seeker: SeekerReplyIndex
    source: str = ""

    @classmethod
    def from_ius(cls, ius: list[IU], *, source: str = "") -> Retrieval:
        return cls(SupporterIndex(ius), SeekerReplyIndex(ius), source)


@dataclass
class SimOptions:
    """Everything besides the bank, the profiles and the seeds that shapes a simulation."""

    max_turns: int = MAX_TURNS
    """Agent replies per dialogue at most (SAGE: 10)."""
    no_skills: bool = False
    """Run the baseline agent that ignores the bank (offline: generic lines; LLM: no skills)."""
    route_limit: int = 2
    """Skills the router passes to the agent per turn."""
    labeller: Labeller | None = None
    """Text labeller for routing and judging; None means `esc_cli.iu.labeller.default_labeller()`."""
    outcome_table: OutcomeTable | None = None
    """Offline seeker's outcome table; None means the packaged ESConv-train table."""
    retrieval: Retrieval | None = None
    """IU indexes: real ESConv utterances for the offline agent and seeker (`--ius`)."""
    agent_client: ModelClient | None = None
    """Model client of the agent; None means the offline agent."""
    seeker_client: ModelClient | None = None
    """Model client of the seeker; None means the offline seeker."""
    prompts_dir: Path | None = None
    """Folder of the prompt templates; required when a role runs on a model."""
    safety_net: bool = False
    """Wrap the agent in the runtime safety net (esc_cli.safety.net); off so verify sees the agent itself."""
    crisis_lines: CrisisLines | None = None
    """The bank's crisis-lines table for locale help; None means the table shipped with esc."""
    extra: dict[str, str] = field(default_factory=dict)
    """Free-form notes recorded in run.json by callers (e.g. the evolve round)."""
    workers: int = 1
    """Processes to spread model-backed dialogues over (see sim/workers.py); 1 runs them all here."""

    def engine_of(self, role: str) -> str:
        """`offline` or the backend name of a role."""
        client = self.agent_client if role == "agent" else self.seeker_client
        return OFFLINE if client is None else client.backend.name

    def model_of(self, role: str) -> str:
        client = self.agent_client if role == "agent" else self.seeker_client
        return "" if client is None else client.backend.model


def _prompts(options: SimOptions) -> Path:
    if options.prompts_dir is None:
        raise ConfigError("a model-backed role needs the prompts folder (set SimOptions.prompts_dir)")
    return options.prompts_dir


def build_agent(skills: list[Skill], options: SimOptions, labeller: Labeller) -> Agent:
    """The agent engine the options ask for."""
    if options.agent_client is not None:
        from esc_cli.sim.agent_llm import LlmAgent

        bank = None if options.no_skills else skills
        return LlmAgent(options.agent_client, bank, labeller, _prompts(options), limit=options.route_limit)
    from esc_cli.sim.agent_offline import GenericAgent, OfflineAgent

    if options.no_skills:
        return GenericAgent()
    supporter = options.retrieval.supporter if options.retrieval is not None else None
    return OfflineAgent(
        skills, labeller, ius=supporter, limit=options.route_limit, lines=options.crisis_lines
    )


def build_seeker(options: SimOptions, labeller: Labeller) -> Seeker:
    """The seeker engine the options ask for."""
    if options.seeker_client is not None:
        from esc_cli.sim.seeker_llm import LlmSeeker

        return LlmSeeker(options.seeker_client, labeller, _prompts(options))
    from esc_cli.sim.seeker_offline import OfflineSeeker

    replies = options.retrieval.seeker if options.retrieval is not None else None
    return OfflineSeeker(labeller, options.outcome_table or default_table(), replies=replies)


def build_engines(skills: list[Skill], options: SimOptions) -> tuple[Agent, Seeker]:
    """Both engines, sharing one labeller."""
    labeller = options.labeller or default_labeller()
    agent = build_agent(skills, options, labeller)
    if options.safety_net:
        from esc_cli.safety.net import SafetyNetAgent

        agent = SafetyNetAgent(agent, options.crisis_lines)
    return agent, build_seeker(options, labeller)


LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
OFFLINE_LANGUAGES = ("en",)


def check_languages(profiles: Sequence[Profile], options: SimOptions) -> None:
    """Refuse, before any dialogue, profiles the offline roles cannot read: the offline agent and
    seeker read English only, and would score a Chinese seeker on nothing (issue 18)."""
    offline = [role for role in ("agent", "seeker") if options.engine_of(role) == OFFLINE]
    unread = next((p for p in profiles if p.language not in OFFLINE_LANGUAGES), None)
    if not offline or unread is None:
        return
    language = LANGUAGE_NAMES.get(unread.language, unread.language)
    flags = " ".join(f"--{role}-backend anthropic" for role in offline)
    raise InputError(
        None,
        f"profile '{unread.id}' is in {language} (language: {unread.language}), which the offline "
        f"{' and '.join(offline)} cannot read",
        fix=f"run it on a model backend that reads {language}, e.g. {flags}, or openai",
    )
