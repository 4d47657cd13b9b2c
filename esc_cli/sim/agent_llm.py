"""The LLM agent: a fixed supporter persona (`prompts/agent.j2`) that sees only the routed skills.

Each turn it labels the seeker's last message, routes (`router.route_skills`), renders the template
with the routed skills as data (their text is never rendered as a template), and asks the model for
structured JSON: the reply, the skill ids it used, and the ESConv strategy. Skill ids the model
invents are dropped; an unknown strategy is replaced by the labeller's reading of the reply.

With `--no-skills`, the same persona and template run with no skills (`no_skills` is true and the
skill list is empty): the baseline is the bare model as a supporter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from esc_cli import taxonomy
from esc_cli.bank.examples import skill_examples
from esc_cli.bank.model import Skill
from esc_cli.llm.base import Message, Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.prompts import render_prompt
from esc_cli.safety.detector import with_crisis_state
from esc_cli.sim.engines import AgentReply, Labeller, Utterance
from esc_cli.sim.llm_common import AGENT_SCHEMA, request_seed, text_field
from esc_cli.sim.router import route_skills

AGENT_TEMPLATE = "agent"
TEMPERATURE = 0.7
MAX_TOKENS = 600
RECENT_TURNS = 2


def skill_view(skill: Skill) -> dict[str, Any]:
    """What the prompt shows of a skill: plain data, including its body sections as text."""
    meta = skill.meta
    return {
        "id": skill.id,
        "title": meta.title,
        "stage": meta.stage,
        "strategies": list(meta.strategies),
        "actions": list(meta.actions),
        "applies": meta.applies_when.description,
        "avoid": meta.avoid_when.description,
        "guidance": skill.section("Guidance"),
        "examples": [
            [{"speaker": line.speaker, "text": line.text} for line in example.lines]
            for example in skill_examples(skill)
        ],
        "pitfalls": skill.section("Pitfalls"),
        "risks": [risk.description for risk in meta.risks],
    }


class LlmAgent:
    """The model-backed agent. `skills=None` is the `--no-skills` baseline."""

    def __init__(
        self,
        client: ModelClient,
        skills: list[Skill] | None,
        labeller: Labeller,
        prompts_dir: Path,
        *,
        limit: int = 2,
    ) -> None:
        self.client = client
        self.engine = client.backend.name
        self.skills = skills
        self.labeller = labeller
        self.prompts_dir = prompts_dir
        self.limit = limit

    def session(self, seed: int) -> LlmAgentSession:
        return LlmAgentSession(self, seed)


class LlmAgentSession:
    """The LLM agent within one dialogue."""

    def __init__(self, agent: LlmAgent, seed: int) -> None:
        self.agent = agent
        self.seed = seed
        self.used: list[list[str]] = []

    def _route(self, states: list[str], turn: int) -> list[Skill]:
        if self.agent.skills is None:
            return []
        recent = [skill_id for used in self.used[-RECENT_TURNS:] for skill_id in used]
        return route_skills(states, turn, self.agent.skills, recent=recent, limit=self.agent.limit)

    def request(self, history: list[Utterance], turn: int, routed: list[Skill]) -> Request:
        system = render_prompt(
            self.agent.prompts_dir,
            AGENT_TEMPLATE,
            skills=[skill_view(s) for s in routed],
            no_skills=self.agent.skills is None,
            turn=turn,
            strategies=list(taxonomy.ESCONV_STRATEGIES),
        )
        messages = tuple(
            Message(role="user" if u.speaker == "seeker" else "assistant", content=u.text) for u in history
        )
        return Request(
            system=system,
            messages=messages,
            max_tokens=MAX_TOKENS,
            temperature=TEMPERATURE,
            seed=request_seed(self.seed, turn, "agent"),
            json_schema=AGENT_SCHEMA,
            role="agent",
        )

    async def reply(self, history: list[Utterance], turn: int) -> AgentReply:
        seeker_text = next((u.text for u in reversed(history) if u.speaker == "seeker"), "")
        states = with_crisis_state(self.agent.labeller.seeker_states(seeker_text, turn=turn), seeker_text)
        routed = self._route(states, turn)
        data = await self.agent.client.complete_json(self.request(history, turn, routed))
        text = text_field(data, "reply")
        offered = {s.id for s in routed}
        claimed = data.get("skills_used", []) if isinstance(data, dict) else []
        used = [s for s in dict.fromkeys(str(c) for c in claimed) if s in offered]
        strategy = text_field(data, "strategy")
        if strategy not in taxonomy.ESCONV_STRATEGIES:
            strategy = self.agent.labeller.strategy(text)
        self.used.append(used)
        return AgentReply(text=text, skills=used, strategy=strategy, states=list(states))
