"""The LLM labeller: a model reads each IU's seeker state, support actions, strategy and the seeker's
behaviour, through the backend layer (cache, retries, bounded concurrency, JSON schema checks).

Segmentation and outcome evidence stay as the offline extraction made them: the change after an
intervention is measured (feedback, affect, survey), not guessed by the model. The model's answer
must name only taxonomy ids; the JSON schema's enums say so and `parse_labels` checks again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from esc_cli import taxonomy
from esc_cli.errors import BackendError
from esc_cli.iu.records import IU
from esc_cli.llm.base import Request
from esc_cli.llm.client import ModelClient
from esc_cli.llm.prompts import prompt_hash, prompt_request

PROMPT = "iu_label"
SYSTEM = "You label turns of emotional-support conversations with a fixed taxonomy. You reply with JSON only."


def _ids(values: Sequence[str], *, least: int, most: int) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"enum": list(values)},
        "minItems": least,
        "maxItems": most,
        "uniqueItems": True,
    }


LABEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["seeker_states", "support_actions", "strategy", "seeker_behaviours"],
    "properties": {
        "seeker_states": _ids(taxonomy.STATE_IDS, least=1, most=4),
        "support_actions": _ids(taxonomy.ACTION_IDS, least=1, most=5),
        "strategy": {"enum": list(taxonomy.ESCONV_STRATEGIES)},
        "seeker_behaviours": _ids(taxonomy.BEHAVIOUR_IDS, least=0, most=4),
    },
}


class Labels(BaseModel):
    """A model's labels for one IU, each checked against the taxonomy."""

    model_config = ConfigDict(extra="forbid")

    seeker_states: list[str] = Field(min_length=1)
    support_actions: list[str] = Field(min_length=1)
    strategy: str
    seeker_behaviours: list[str] = Field(default_factory=list)

    @field_validator("seeker_states")
    @classmethod
    def _states(cls, value: list[str]) -> list[str]:
        return _known(value, taxonomy.STATE_IDS, "seeker state")

    @field_validator("support_actions")
    @classmethod
    def _actions(cls, value: list[str]) -> list[str]:
        return _known(value, taxonomy.ACTION_IDS, "support action")

    @field_validator("seeker_behaviours")
    @classmethod
    def _behaviours(cls, value: list[str]) -> list[str]:
        return _known(value, taxonomy.BEHAVIOUR_IDS, "behaviour")

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, value: str) -> str:
        return _known([value], taxonomy.ESCONV_STRATEGIES, "strategy")[0]


def _known(values: list[str], allowed: Sequence[str], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}")
    return list(dict.fromkeys(values))


def parse_labels(data: Any, where: str) -> Labels:
    """Validate a model's JSON; a reply outside the taxonomy is a BackendError naming the IU."""
    try:
        return Labels.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BackendError(
            f"labeller reply for {where} is outside the taxonomy: {first['msg']} "
            "(try a stronger model, or check prompts/iu_label.j2)"
        ) from None


def _glossary(labels: Sequence[taxonomy.Label]) -> list[dict[str, str]]:
    return [{"id": label.id, "definition": label.definition} for label in labels]


def prompt_variables(iu: IU) -> dict[str, Any]:
    """What the template shows the model about one IU, as plain data."""
    return {
        "states": _glossary(taxonomy.SEEKER_STATES),
        "actions": _glossary(taxonomy.SUPPORT_ACTIONS),
        "behaviours": _glossary(taxonomy.BEHAVIOURS),
        "strategies": list(taxonomy.ESCONV_STRATEGIES),
        "problem": iu.context.problem_type,
        "emotion": iu.context.emotion_type,
        "situation": iu.context.situation,
        "history": [{"speaker": t.speaker, "text": t.text} for t in iu.context.turns],
        "seeker_before": iu.state.text,
        "supporter": iu.action.text,
        "seeker_after": iu.outcome.seeker_reply,
    }


class LLMLabeller:
    """Relabels IUs with a model. `tag` names the backend, model and prompt version."""

    name = "llm"

    def __init__(self, client: ModelClient, prompts_dir: Path) -> None:
        self.client = client
        self.prompts_dir = prompts_dir
        self.version = f"{client.backend.name}:{client.backend.model}:{prompt_hash(prompts_dir, PROMPT)[:8]}"

    @property
    def tag(self) -> str:
        return f"{self.name}@{self.version}"

    def request(self, iu: IU) -> Request:
        return prompt_request(
            self.prompts_dir,
            PROMPT,
            prompt_variables(iu),
            system=SYSTEM,
            schema=LABEL_SCHEMA,
            role="labeller",
            max_tokens=300,
        )

    async def label(self, iu: IU) -> IU:
        """The IU with the model's states, actions, strategy guess and behaviours."""
        labels = parse_labels(await self.client.complete_json(self.request(iu)), iu.id)
        state = iu.state.model_copy(
            update={"states": labels.seeker_states, "stage": taxonomy.stage_of_state(labels.seeker_states[0])}
        )
        action = iu.action.model_copy(
            update={
                "actions": labels.support_actions,
                "strategy_predicted": "" if iu.action.strategy else labels.strategy,
            }
        )
        behaviours = labels.seeker_behaviours if iu.outcome.seeker_reply else []
        outcome = iu.outcome.model_copy(update={"behaviours": behaviours})
        return iu.model_copy(
            update={"state": state, "action": action, "outcome": outcome, "labeller": self.tag}
        )

    async def label_all(self, ius: Sequence[IU], progress: Callable[[int], None] | None = None) -> list[IU]:
        """Every IU relabelled, in input order; the client's gate bounds the calls in flight."""

        async def one(iu: IU) -> IU:
            labelled = await self.label(iu)
            if progress is not None:
                progress(1)
            return labelled

        return list(await asyncio.gather(*(one(iu) for iu in ius)))
